#include "sim/kernels/dpu_requant.h"

#include <cmath>
#include <cstdlib>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "sim/kernels/dpu_requant.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace rknnsim::sim {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void RequantizePixelsSimd(const RequantLanes& r, size_t first_lane, size_t lanes, const int32_t* acc,
                          size_t acc_stride, size_t pixels, int8_t* out, size_t out_stride) {
  const hn::ScalableTag<double> dd;
  const hn::Rebind<int32_t, decltype(dd)> di;
  const size_t n = hn::Lanes(dd);
  const auto zp = hn::Set(dd, r.zero_point), lo = hn::Set(dd, r.lo), hi = hn::Set(dd, r.hi);
  const double* bias = r.bias.data() + first_lane;
  const double* scale = r.scale.data() + first_lane;
  const double* half = r.half.data() + first_lane;
  const double* inverse = r.inverse.data() + first_lane;
  const auto one = [&](double sum, size_t l) {
    const double v = std::floor((sum * scale[l] + half[l]) * inverse[l]) + r.zero_point;
    return static_cast<int8_t>(std::min(std::max(v, r.lo), r.hi));
  };
  const hn::Rebind<int8_t, decltype(dd)> d8;
  // Lane blocks outside, pixels inside: a block's constants are loaded once per call.
  size_t l = 0;
  for (; l + n <= lanes; l += n) {
    const auto b = hn::LoadU(dd, bias + l), sc = hn::LoadU(dd, scale + l);
    const auto hf = hn::LoadU(dd, half + l), inv = hn::LoadU(dd, inverse + l);
    for (size_t p = 0; p < pixels; ++p) {
      const auto sum = hn::Add(hn::PromoteTo(dd, hn::LoadU(di, acc + p * acc_stride + l)), b);
      auto v = hn::Add(hn::Floor(hn::Mul(hn::MulAdd(sum, sc, hf), inv)), zp);
      v = hn::Min(hn::Max(v, lo), hi);
      hn::StoreU(hn::DemoteTo(d8, hn::DemoteTo(di, v)), d8, out + p * out_stride + l);
    }
  }
  for (; l < lanes; ++l)
    for (size_t p = 0; p < pixels; ++p) out[p * out_stride + l] = one(double(acc[p * acc_stride + l]) + bias[l], l);
}

}  // namespace HWY_NAMESPACE
}  // namespace rknnsim::sim
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace rknnsim::sim {

HWY_EXPORT(RequantizePixelsSimd);

bool PrepareRequantLanes(const int32_t* entries, size_t kernels, int32_t zero_point, int32_t lo, int32_t hi,
                         RequantLanes& out) {
  out.bias.resize(kernels), out.scale.resize(kernels), out.half.resize(kernels), out.inverse.resize(kernels);
  out.zero_point = zero_point, out.lo = lo, out.hi = hi;
  for (size_t k = 0; k < kernels; ++k) {
    const int32_t bias = entries[3 * k], scale = entries[3 * k + 1], shift = entries[3 * k + 2];
    // |acc + bias| < 2^32; the product plus the rounding half must stay below 2^53.
    if (std::llabs(scale) >= (int64_t{1} << 20) || shift > 40) return false;
    out.bias[k] = bias, out.scale[k] = scale;
    out.half[k] = shift > 0 ? std::ldexp(1.0, shift - 1) : 0.0;
    out.inverse[k] = shift > 0 ? std::ldexp(1.0, -shift) : 1.0;
  }
  return true;
}

void RequantizePixels(const RequantLanes& r, size_t first_lane, size_t lanes, const int32_t* acc, size_t acc_stride,
                      size_t pixels, int8_t* out, size_t out_stride) {
  HWY_DYNAMIC_DISPATCH(RequantizePixelsSimd)(r, first_lane, lanes, acc, acc_stride, pixels, out, out_stride);
}

}  // namespace rknnsim::sim
#endif  // HWY_ONCE
