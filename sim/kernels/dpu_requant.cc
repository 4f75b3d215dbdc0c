#include "sim/kernels/dpu_requant.h"

#include <climits>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "sim/kernels/dpu_requant.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace rknnsim::sim {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

size_t RequantizePixelsSimd(const RequantLanes& r, size_t first_lane, size_t lanes, const int32_t* acc,
                            size_t acc_stride, size_t pixels, int8_t* out, size_t out_stride) {
  const hn::ScalableTag<double> dd;
  const hn::Rebind<int32_t, decltype(dd)> di;
  const hn::Rebind<uint8_t, decltype(dd)> d8;
  const size_t n = hn::Lanes(dd);
  const auto top8 = hn::Set(d8, uint8_t{0x80});
  // The values are computed 128 above the code (RequantLanes::offset), clamped to [lo, hi] + 128,
  // i.e. into [0, 255]: there the conversion's truncation is the floor, and the code is the
  // byte's top bit flipped.
  const auto lo = hn::Set(dd, r.lo + kCodeBias), hi = hn::Set(dd, r.hi + kCodeBias);
  const double* scale = r.scale.data() + first_lane;
  const double* offset = r.offset.data() + first_lane;
  // One value: acc · scale + offset (exact, see PrepareRequantLanes) clamped, then truncated.
  const auto convert = [&](auto sc, auto of, const int32_t* a) {
    const auto v = hn::MulAdd(hn::PromoteTo(dd, hn::LoadU(di, a)), sc, of);
    return hn::DemoteTo(di, hn::Min(hn::Max(v, lo), hi));
  };
  // Lane blocks outside, pixels inside: a block's constants are loaded once per call. Two vectors
  // of lanes at a time narrow to int8 in one step and store once.
  size_t l = 0;
#if HWY_TARGET != HWY_SCALAR  // one lane per vector: nothing to pair
  const hn::Twice<decltype(di)> di2;
  const hn::Rebind<uint8_t, decltype(di2)> d8x2;
  const auto top16 = hn::Set(d8x2, uint8_t{0x80});
  for (; l + 2 * n <= lanes; l += 2 * n) {
    const auto sc0 = hn::LoadU(dd, scale + l), of0 = hn::LoadU(dd, offset + l);
    const auto sc1 = hn::LoadU(dd, scale + l + n), of1 = hn::LoadU(dd, offset + l + n);
    for (size_t p = 0; p < pixels; ++p) {
      const int32_t* a = acc + p * acc_stride + l;
      const auto both = hn::Combine(di2, convert(sc1, of1, a + n), convert(sc0, of0, a));
      hn::StoreU(hn::Xor(hn::DemoteTo(d8x2, both), top16), d8x2, reinterpret_cast<uint8_t*>(out + p * out_stride + l));
    }
  }
#endif
  for (; l + n <= lanes; l += n) {
    const auto sc = hn::LoadU(dd, scale + l), of = hn::LoadU(dd, offset + l);
    for (size_t p = 0; p < pixels; ++p)
      hn::StoreU(hn::Xor(hn::DemoteTo(d8, convert(sc, of, acc + p * acc_stride + l)), top8), d8,
                 reinterpret_cast<uint8_t*>(out + p * out_stride + l));
  }
  return l;
}

size_t AddInt8Simd(const int8_t* a, int32_t za, int32_t sa, const int8_t* b, int32_t zb, int32_t sb, int32_t shift,
                   int32_t zo, int32_t lo, int32_t hi, int8_t* out, size_t count) {
  const hn::ScalableTag<int32_t> d32;
  const hn::Rebind<int8_t, decltype(d32)> d8;
  const size_t n = hn::Lanes(d32);
  const auto vza = hn::Set(d32, za), vsa = hn::Set(d32, sa), vzb = hn::Set(d32, zb), vsb = hn::Set(d32, sb);
  const auto half = hn::Set(d32, shift > 0 ? int32_t{1} << (shift - 1) : 0), vzo = hn::Set(d32, zo);
  const auto vlo = hn::Set(d32, lo), vhi = hn::Set(d32, hi);
  const int s = shift > 0 ? shift : 0;
  size_t i = 0;
  for (; i + n <= count; i += n) {
    const auto x = hn::Sub(hn::PromoteTo(d32, hn::LoadU(d8, a + i)), vza);
    const auto y = hn::Sub(hn::PromoteTo(d32, hn::LoadU(d8, b + i)), vzb);
    const auto sum = hn::Add(hn::Add(hn::Mul(x, vsa), hn::Mul(y, vsb)), half);
    const auto v = hn::Min(hn::Max(hn::Add(hn::ShiftRightSame(sum, s), vzo), vlo), vhi);
    hn::StoreU(hn::DemoteTo(d8, v), d8, out + i);
  }
  return i;
}

}  // namespace HWY_NAMESPACE
}  // namespace rknnsim::sim
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace rknnsim::sim {
namespace {

// 2^0 .. 2^40, the DPU's shifts.
constexpr auto kPowersOfTwo = [] {
  std::array<double, 41> p{};
  double v = 1.0;
  for (double& e : p) e = v, v *= 2.0;
  return p;
}();

}  // namespace

HWY_EXPORT(RequantizePixelsSimd);
HWY_EXPORT(AddInt8Simd);

bool PrepareRequantLanes(const int32_t* entries, size_t kernels, int32_t zero_point, int32_t lo, int32_t hi,
                         RequantLanes& out) {
  // The exactness argument holds for int8 clamps and zero points (the compiler's always are).
  if (lo < -128 || hi > 127 || lo > hi || zero_point < -128 || zero_point > 127) return false;
  out.scale.resize(kernels), out.offset.resize(kernels);
  out.lo = lo, out.hi = hi;
  for (size_t k = 0; k < kernels; ++k) {
    const int32_t bias = entries[3 * k], scale = entries[3 * k + 1], shift = entries[3 * k + 2];
    // |acc · scale|, |bias · scale| < 2^51 and the rounding half <= 2^39: every partial sum below
    // stays under 2^53.
    if (std::llabs(scale) >= (int64_t{1} << 20) || shift > 40) return false;
    // Scaling by a power of two is exact: a table of them instead of ldexp (a libm call per
    // kernel per task showed in profiles).
    const double half = shift > 0 ? kPowersOfTwo[shift - 1] : 0.0;
    const double unit = shift > 0 ? 1.0 / kPowersOfTwo[shift] : 1.0;
    out.scale[k] = double(scale) * unit;
    out.offset[k] = (double(bias) * scale + half) * unit + zero_point + kCodeBias;
  }
  return true;
}

size_t RequantizePixels(const RequantLanes& r, size_t first_lane, size_t lanes, const int32_t* acc, size_t acc_stride,
                        size_t pixels, int8_t* out, size_t out_stride) {
  return HWY_DYNAMIC_DISPATCH(RequantizePixelsSimd)(r, first_lane, lanes, acc, acc_stride, pixels, out, out_stride);
}

size_t AddInt8Lanes(const int8_t* a, int32_t za, int32_t sa, const int8_t* b, int32_t zb, int32_t sb, int32_t shift,
                    int32_t zo, int32_t lo, int32_t hi, int8_t* out, size_t count) {
  // |x - z| <= 255 for int8 values and zero points in [-128, 127]; the sum plus the rounding half
  // must stay inside int32 (arithmetic right shift then floors exactly as the integer loop does).
  const int64_t bound = 255 * (std::llabs(sa) + std::llabs(sb)) + (shift > 0 ? int64_t{1} << (shift - 1) : 0);
  if (bound > INT32_MAX || shift > 30) return 0;
  return HWY_DYNAMIC_DISPATCH(AddInt8Simd)(a, za, sa, b, zb, sb, shift, zo, lo, hi, out, count);
}

}  // namespace rknnsim::sim
#endif  // HWY_ONCE
