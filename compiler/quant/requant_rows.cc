#include "compiler/quant/requant_rows.h"

#include <algorithm>
#include <cstdlib>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "compiler/quant/requant_rows.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace rknnsim::quant {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// One pixel's channels [0, channels) in int64 lanes; returns how many it converted (whole vectors).
// The sum acc + bias fits int32 (the caller checked), so the signed 32 x 32 -> 64-bit multiply
// of even lanes gives the exact product.
size_t RequantizePixelLanes(const int32_t* acc, size_t channels, const int64_t* bias, const int64_t* scale,
                            const int64_t* half, const int64_t* shift, int64_t zero_point, int64_t lo, int64_t hi,
                            int8_t* out) {
#if HWY_TARGET == HWY_SCALAR  // one lane: the caller's loop does it all
  (void)acc, (void)channels, (void)bias, (void)scale, (void)half, (void)shift, (void)zero_point, (void)lo, (void)hi,
      (void)out;
  return 0;
#else
  const hn::ScalableTag<int64_t> d64;
  const hn::Rebind<int32_t, decltype(d64)> d32;
  const hn::Repartition<int32_t, decltype(d64)> d32x2;
  const hn::RebindToUnsigned<decltype(d64)> du64;
  const hn::Rebind<uint8_t, decltype(d64)> d8;
  const size_t n = hn::Lanes(d64);
  const auto zp = hn::Set(d64, zero_point), vlo = hn::Set(d64, lo), vhi = hn::Set(d64, hi);
  size_t m = 0;
  for (; m + n <= channels; m += n) {
    const auto sum = hn::Add(hn::PromoteTo(d64, hn::LoadU(d32, acc + m)), hn::LoadU(d64, bias + m));
    const auto product = hn::MulEven(hn::BitCast(d32x2, sum), hn::BitCast(d32x2, hn::LoadU(d64, scale + m)));
    const auto shifted = hn::Add(product, hn::LoadU(d64, half + m)) >> hn::LoadU(d64, shift + m);
    const auto v = hn::Min(hn::Max(hn::Add(shifted, zp), vlo), vhi);
    hn::StoreU(hn::TruncateTo(d8, hn::BitCast(du64, v)), d8, reinterpret_cast<uint8_t*>(out + m));
  }
  return m;
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace rknnsim::quant
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace rknnsim::quant {

HWY_EXPORT(RequantizePixelLanes);

RowRequantizer::RowRequantizer(const std::vector<Requant>& rq, const int32_t* bias, int32_t zero_point,
                               ClampRange range, int64_t max_abs_acc)
    : channels_(rq.size()), zero_point_(zero_point), lo_(range.lo), hi_(range.hi) {
  bias_.resize(channels_), scale_.resize(channels_), half_.resize(channels_), shift_.resize(channels_);
  int64_t max_abs_bias = 0;
  for (size_t m = 0; m < channels_; ++m) {
    bias_[m] = bias ? bias[m] : 0;
    scale_[m] = rq[m].scale;
    shift_[m] = std::max(rq[m].shift, 0);
    half_[m] = rq[m].shift > 0 ? int64_t{1} << (rq[m].shift - 1) : 0;
    max_abs_bias = std::max<int64_t>(max_abs_bias, std::llabs(bias_[m]));
  }
  lanes_ = max_abs_acc + max_abs_bias <= INT32_MAX;
}

void RowRequantizer::Run(const int32_t* acc, size_t pixels, int8_t* out) const {
  for (size_t p = 0; p < pixels; ++p) {
    const int32_t* a = acc + p * channels_;
    int8_t* o = out + p * channels_;
    const size_t done = lanes_ ? HWY_DYNAMIC_DISPATCH(RequantizePixelLanes)(a, channels_, bias_.data(), scale_.data(),
                                                                           half_.data(), shift_.data(), zero_point_,
                                                                           lo_, hi_, o)
                               : 0;
    for (size_t m = done; m < channels_; ++m) {
      const int64_t v = RoundingShiftRight((int64_t{a[m]} + bias_[m]) * scale_[m], int32_t(shift_[m])) + zero_point_;
      o[m] = static_cast<int8_t>(std::clamp(v, lo_, hi_));
    }
  }
}

}  // namespace rknnsim::quant
#endif  // HWY_ONCE
