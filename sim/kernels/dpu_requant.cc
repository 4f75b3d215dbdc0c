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
  for (size_t p = 0; p < pixels; ++p) {
    const int32_t* a = acc + p * acc_stride;
    int8_t* o = out + p * out_stride;
    size_t l = 0;
    for (; l + n <= lanes; l += n) {
      const auto sum = hn::Add(hn::PromoteTo(dd, hn::LoadU(di, a + l)), hn::LoadU(dd, bias + l));
      const auto scaled = hn::MulAdd(sum, hn::LoadU(dd, scale + l), hn::LoadU(dd, half + l));
      auto v = hn::Add(hn::Floor(hn::Mul(scaled, hn::LoadU(dd, inverse + l))), zp);
      v = hn::Min(hn::Max(v, lo), hi);
      alignas(64) int32_t q[HWY_MAX_BYTES / sizeof(double)];
      hn::StoreU(hn::DemoteTo(di, v), di, q);
      for (size_t i = 0; i < n; ++i) o[l + i] = static_cast<int8_t>(q[i]);
    }
    for (; l < lanes; ++l) o[l] = one(double(a[l]) + bias[l], l);
  }
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
