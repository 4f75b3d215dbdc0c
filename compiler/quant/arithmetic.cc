#include "compiler/quant/arithmetic.h"

#include <limits>
#include <stdexcept>

namespace rknnsim::quant {
namespace {

constexpr int32_t kScaleMax = 1 << 15;  // exclusive
constexpr int32_t kMaxShift = 62;

// The shift that puts m * 2^shift in [2^14, 2^15): a 15-bit normalized mantissa.
int32_t ShiftFor(double multiplier) {
  if (!(multiplier > 0.0) || !std::isfinite(multiplier))
    throw std::invalid_argument("requantization multiplier must be positive and finite");
  int exponent = 0;
  std::frexp(multiplier, &exponent);  // multiplier = f * 2^exponent, f in [0.5, 1)
  return std::clamp(15 - exponent, 0, kMaxShift);
}

int32_t ScaleAt(double multiplier, int32_t shift) {
  const double scaled = std::round(std::ldexp(multiplier, shift));
  return static_cast<int32_t>(std::min<double>(scaled, kScaleMax - 1));
}

}  // namespace

Requant MakeRequant(double multiplier) {
  Requant r;
  r.shift = ShiftFor(multiplier);
  // Rounding can carry the mantissa up to 2^15; one bit less of shift brings it back to 2^14.
  if (std::round(std::ldexp(multiplier, r.shift)) >= kScaleMax && r.shift > 0) --r.shift;
  r.scale = ScaleAt(multiplier, r.shift);
  return r;
}

RescaleTable::RescaleTable(const ir::QuantParams& from, const ir::QuantParams& to) : codes{} {
  const Requant rq = MakeRequant(double(from.scale[0]) / to.scale[0]);
  for (int q = -128; q < 128; ++q)
    codes[q + 128] = SaturateInt8(ApplyRequant(int64_t{q} - from.zero_point[0], rq) + to.zero_point[0]);
}

AddRequant MakeAddRequant(double multiplier_a, double multiplier_b) {
  AddRequant r;
  r.shift = std::min(ShiftFor(multiplier_a), ShiftFor(multiplier_b));
  if (std::round(std::ldexp(std::max(multiplier_a, multiplier_b), r.shift)) >= kScaleMax && r.shift > 0) --r.shift;
  r.scale_a = ScaleAt(multiplier_a, r.shift);
  r.scale_b = ScaleAt(multiplier_b, r.shift);
  return r;
}

ClampRange ActivationRange(const ir::Attributes& attrs, const ir::QuantParams& out) {
  ClampRange range;
  const int32_t zp = out.zero_point.at(0);
  const float scale = out.scale.at(0);
  switch (attrs.activation) {
    case ir::Activation::kNone:
      break;
    case ir::Activation::kRelu:
      range.lo = std::max(range.lo, zp);
      break;
    case ir::Activation::kClip:
      range.lo = std::max<int32_t>(range.lo, QuantizeValue(attrs.clip_min, scale, zp));
      range.hi = std::min<int32_t>(range.hi, QuantizeValue(attrs.clip_max, scale, zp));
      break;
  }
  return range;
}

int32_t QuantizeBias(float bias, double input_scale, double weight_scale) {
  const double q = std::round(static_cast<double>(bias) / (input_scale * weight_scale));
  constexpr double lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
  return static_cast<int32_t>(std::clamp(std::isfinite(q) ? q : 0.0, lo, hi));
}

}  // namespace rknnsim::quant
