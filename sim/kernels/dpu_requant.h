// The DPU output converter's integer steps on SIMD lanes: for each output value,
// clamp(R((acc + bias) · scale, shift) + zp) with R a shift that rounds half up
// (docs/quantization.md §6). In double precision this is one fused step, exact:
//   R((acc + bias) · scale, shift) + zp = floor(acc · scale' + offset'),
//   scale' = scale · 2^-shift, offset' = (bias · scale + 2^(shift-1)) · 2^-shift + zp,
// because the exact value of acc · scale' + offset' has at most `shift` fraction bits and a
// magnitude below 2^(53-shift) (|acc + bias| · |scale| + 2^shift < 2^53, which
// PrepareRequantLanes checks), so double holds it and the one rounding of the multiply-add is none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rknnsim::sim {

// The SIMD lanes compute each value kCodeBias above its code (offset' below plus kCodeBias):
// clamped, it lies in [0, 255], where truncation toward zero is the floor.
constexpr int32_t kCodeBias = 128;

// Per-kernel constants of one run of output lanes (one C2 atom), prepared once per task.
struct RequantLanes {
  std::vector<double> scale, offset;  // scale', offset' + kCodeBias above
  double lo = 0, hi = 0;              // the clamp, in codes
};

// False when some kernel's scale is too large for the exact double path (the caller then uses
// integer arithmetic); |acc| < 2^31 and |bias| < 2^31 are the accumulator's bounds.
bool PrepareRequantLanes(const int32_t* entries, size_t kernels, int32_t zero_point, int32_t lo, int32_t hi,
                         RequantLanes& out);

// For `pixels` pixels: out[p * out_stride + l] = requantized acc[p * acc_stride + l] for the
// leading lanes l of [0, lanes) that fill whole SIMD vectors, with the constants of lanes
// [first_lane, first_lane + lanes) of `r`. Returns how many lanes that is; the caller's integer
// loop does the rest.
size_t RequantizePixels(const RequantLanes& r, size_t first_lane, size_t lanes, const int32_t* acc, size_t acc_stride,
                        size_t pixels, int8_t* out, size_t out_stride);

// Element-wise add of two int8 streams: clamp(R((a - za) · sa + (b - zb) · sb, shift) + zo, lo, hi)
// on int32 lanes, for the leading elements that fill whole SIMD vectors. Returns how many were
// written: none when the scales could take a sum past int32. The caller's integer loop does the rest.
size_t AddInt8Lanes(const int8_t* a, int32_t za, int32_t sa, const int8_t* b, int32_t zb, int32_t sb, int32_t shift,
                    int32_t zo, int32_t lo, int32_t hi, int8_t* out, size_t count);

}  // namespace rknnsim::sim
