// PPU: pooling over NC1HWC2 surfaces, one C2 atom of channels at a time.
#include <algorithm>
#include <cstring>
#include <limits>

#include "common/fp16.h"
#include "sim/kernels/npu_kernels.h"

namespace rknnsim::sim {
namespace {

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

template <typename T>
void Store(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

// Max of the in-bounds window taps of every output element, comparing decoded values.
// `lowest` is what a window with no in-bounds tap yields (ceil_mode windows in the padding):
// the type's lowest value, -128 or fp16 -infinity, as ONNX's -infinity padding implies.
template <typename T, typename Decode>
void MaxPoolTyped(const isa::Task& t, const uint8_t* in, uint8_t* out, T lowest, Decode decode) {
  const isa::Surface& is = t.input;
  const isa::Surface& os = t.output;
  for (uint32_t c1 = 0; c1 < os.c1(); ++c1)
    for (uint32_t oy = 0; oy < os.height; ++oy)
      for (uint32_t ox = 0; ox < os.width; ++ox)
        for (uint32_t c = 0; c < os.c2; ++c) {
          T best = lowest;
          bool seeded = false;
          float best_value = 0.0f;
          for (uint32_t ky = 0; ky < t.kernel_h; ++ky) {
            const int64_t iy = int64_t{oy} * t.stride_h - t.pad_top + int64_t{ky} * t.dilation_h;
            if (iy < 0 || iy >= is.height) continue;
            for (uint32_t kx = 0; kx < t.kernel_w; ++kx) {
              const int64_t ix = int64_t{ox} * t.stride_w - t.pad_left + int64_t{kx} * t.dilation_w;
              if (ix < 0 || ix >= is.width) continue;
              const T v = Load<T>(in + is.Offset(c1 * is.c2 + c, static_cast<uint32_t>(iy), static_cast<uint32_t>(ix)));
              if (!seeded || decode(v) > best_value) best = v, best_value = decode(v), seeded = true;
            }
          }
          Store<T>(out + os.Offset(c1 * os.c2 + c, oy, ox), best);
        }
}

// int8 with the same C2 on both sides: int8 values compare as they decode and -128 is the
// lowest, so each output line is the lane-wise max of its taps' C2 atoms, seeded with -128.
// kC2 is the atom's lanes when known at compile time (one vector max per tap), else 0.
template <uint32_t kC2>
void MaxPoolInt8Atoms(const isa::Task& t, const uint8_t* in, uint8_t* out) {
  const isa::Surface& is = t.input;
  const isa::Surface& os = t.output;
  const uint32_t c2 = kC2 != 0 ? kC2 : os.c2;
  for (uint32_t c1 = 0; c1 < os.c1(); ++c1)
    for (uint32_t oy = 0; oy < os.height; ++oy) {
      auto* line = reinterpret_cast<int8_t*>(out + os.Offset(c1 * c2, oy, 0));
      std::fill(line, line + size_t{os.width} * c2, int8_t{-128});
      for (uint32_t ky = 0; ky < t.kernel_h; ++ky) {
        const int64_t iy = int64_t{oy} * t.stride_h - t.pad_top + int64_t{ky} * t.dilation_h;
        if (iy < 0 || iy >= is.height) continue;
        const auto* row = reinterpret_cast<const int8_t*>(in + is.Offset(c1 * c2, static_cast<uint32_t>(iy), 0));
        for (uint32_t ox = 0; ox < os.width; ++ox)
          for (uint32_t kx = 0; kx < t.kernel_w; ++kx) {
            const int64_t ix = int64_t{ox} * t.stride_w - t.pad_left + int64_t{kx} * t.dilation_w;
            if (ix < 0 || ix >= is.width) continue;
            const int8_t* tap = row + ix * c2;
            int8_t* best = line + size_t{ox} * c2;
            if constexpr (kC2 != 0) {
              // One vector max per tap: through a local atom (the compiler cannot prove `best`
              // and `tap` apart), as unsigned bytes with the sign bit flipped (the build's
              // baseline x86-64 has an unsigned byte max, the signed one is SSE4.1), which
              // orders them as the signed values.
              uint8_t atom[kC2], other[kC2];
              std::memcpy(atom, best, kC2);
              std::memcpy(other, tap, kC2);
              for (uint32_t c = 0; c < kC2; ++c)
                atom[c] = static_cast<uint8_t>(std::max<uint8_t>(atom[c] ^ 0x80, other[c] ^ 0x80) ^ 0x80);
              std::memcpy(best, atom, kC2);
            } else {
              for (uint32_t c = 0; c < c2; ++c) best[c] = std::max(best[c], tap[c]);
            }
          }
      }
    }
}

}  // namespace

void MaxPool(const isa::Task& t, const uint8_t* in, uint8_t* out) {
  if (t.input.type == isa::ElemType::kInt8 && t.input.c2 == t.output.c2 && t.output.c2 == 16)
    MaxPoolInt8Atoms<16>(t, in, out);
  else if (t.input.type == isa::ElemType::kInt8 && t.input.c2 == t.output.c2)
    MaxPoolInt8Atoms<0>(t, in, out);
  else if (t.input.type == isa::ElemType::kInt8)
    MaxPoolTyped<int8_t>(t, in, out, int8_t{-128}, [](int8_t v) { return static_cast<float>(v); });
  else
    MaxPoolTyped<uint16_t>(t, in, out, uint16_t{0xFC00}, [](uint16_t v) { return HalfBitsToFloat(v); });
}

// int8: sum of (q - zp_in) over the plane, requantized with the task's scale/shift (round half
// up), plus zp_out, saturated. fp16: fp32 sum in row-major order, divided by H*W, rounded.
void GlobalAvgPool(const isa::Task& t, const uint8_t* in, uint8_t* out) {
  const isa::Surface& is = t.input;
  const isa::Surface& os = t.output;
  for (uint32_t c = 0; c < is.c1() * is.c2; ++c) {
    if (is.type == isa::ElemType::kInt8) {
      int64_t sum = 0;
      for (uint32_t y = 0; y < is.height; ++y)
        for (uint32_t x = 0; x < is.width; ++x) sum += int64_t{Load<int8_t>(in + is.Offset(c, y, x))} - t.input_zp;
      const int64_t scaled = sum * t.scale_a;
      const int64_t shifted = t.shift > 0 ? (scaled + (int64_t{1} << (t.shift - 1))) >> t.shift : scaled;
      const int64_t v = std::clamp<int64_t>(shifted + t.output_zp, -128, 127);
      Store<int8_t>(out + os.Offset(c, 0, 0), static_cast<int8_t>(v));
    } else {
      float sum = 0.0f;
      for (uint32_t y = 0; y < is.height; ++y)
        for (uint32_t x = 0; x < is.width; ++x) sum += HalfBitsToFloat(Load<uint16_t>(in + is.Offset(c, y, x)));
      Store<uint16_t>(out + os.Offset(c, 0, 0), FloatToHalfBits(sum / static_cast<float>(is.height * is.width)));
    }
  }
}

// Average pooling whose windows all divide by kh*kw (docs/quantization.md §10, §11): taps outside
// the input are skipped (int8: they would add z_in - z_in = 0). int8 requantizes the int64 sum of
// (q - zp_in) with the task's scale/shift (round half up); fp16 sums in fp32 in (ky, kx) order and
// divides by kh*kw before one rounding.
void AvgPool(const isa::Task& t, const uint8_t* in, uint8_t* out) {
  const isa::Surface& is = t.input;
  const isa::Surface& os = t.output;
  const bool int8 = is.type == isa::ElemType::kInt8;
  const float divisor = static_cast<float>(t.kernel_h * t.kernel_w);
  for (uint32_t c = 0; c < os.c1() * os.c2; ++c)
    for (uint32_t oy = 0; oy < os.height; ++oy)
      for (uint32_t ox = 0; ox < os.width; ++ox) {
        int64_t isum = 0;
        float fsum = 0.0f;
        for (uint32_t ky = 0; ky < t.kernel_h; ++ky) {
          const int64_t iy = int64_t{oy} * t.stride_h - t.pad_top + ky;
          if (iy < 0 || iy >= is.height) continue;
          for (uint32_t kx = 0; kx < t.kernel_w; ++kx) {
            const int64_t ix = int64_t{ox} * t.stride_w - t.pad_left + kx;
            if (ix < 0 || ix >= is.width) continue;
            const uint64_t at = is.Offset(c, static_cast<uint32_t>(iy), static_cast<uint32_t>(ix));
            if (int8)
              isum += int64_t{Load<int8_t>(in + at)} - t.input_zp;
            else
              fsum += HalfBitsToFloat(Load<uint16_t>(in + at));
          }
        }
        if (int8) {
          const int64_t scaled = isum * t.scale_a;
          const int64_t shifted = t.shift > 0 ? (scaled + (int64_t{1} << (t.shift - 1))) >> t.shift : scaled;
          Store<int8_t>(out + os.Offset(c, oy, ox), static_cast<int8_t>(std::clamp<int64_t>(shifted + t.output_zp, -128, 127)));
        } else {
          Store<uint16_t>(out + os.Offset(c, oy, ox), FloatToHalfBits(fsum / divisor));
        }
      }
}

}  // namespace rknnsim::sim
