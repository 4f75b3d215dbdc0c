// The integer arithmetic of the quantized path, exactly as docs/quantization.md states it.
// The compiler derives register values with these functions; the int8 reference executor applies
// them. The SystemC kernels re-implement the application side independently (sim/kernels/).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "common/fp16.h"
#include "compiler/ir/op.h"
#include "compiler/ir/tensor.h"

namespace rknnsim::quant {

// A real multiplier m ≈ scale · 2^-shift with a 16-bit unsigned scale normalized to
// [2^14, 2^15), the width of the DPU output converter's scale field (Mesa rkt_coefs.c).
struct Requant {
  int32_t scale = 0;
  int32_t shift = 0;
};
Requant MakeRequant(double multiplier);

// Element-wise add: both inputs are scaled to the output scale with one shared shift.
struct AddRequant {
  int32_t scale_a = 0;
  int32_t scale_b = 0;
  int32_t shift = 0;
};
AddRequant MakeAddRequant(double multiplier_a, double multiplier_b);

// Arithmetic shift right rounding half towards +infinity: floor((v + 2^(shift-1)) / 2^shift).
inline int64_t RoundingShiftRight(int64_t v, int32_t shift) {
  return shift <= 0 ? v : (v + (int64_t{1} << (shift - 1))) >> shift;
}

inline int64_t ApplyRequant(int64_t acc, const Requant& r) { return RoundingShiftRight(acc * r.scale, r.shift); }

inline int8_t SaturateInt8(int64_t v) { return static_cast<int8_t>(std::clamp<int64_t>(v, -128, 127)); }

// Moving an int8 value from one tensor's quantization to another's (Concat, Split):
// clamp(requant(q - zp_from, s_from / s_to) + zp_to). Entry q + 128 holds the result for code q,
// so a tensor rescales by one lookup per element.
struct RescaleTable {
  RescaleTable(const ir::QuantParams& from, const ir::QuantParams& to);
  int8_t operator()(int8_t q) const { return codes[static_cast<size_t>(q + 128)]; }
  int8_t codes[256];
};

// clamp(round_half_away_from_zero(x / scale) + zero_point, lo, hi), in float32; NaN maps to the
// zero point. Quotients beyond ±1e6 saturate whatever the zero point, so they are clamped first;
// below 2^24 a float's distance to its truncation is exact, which rounds half away from zero
// without a libm call per element (the inputs of every inference pass here).
inline int64_t QuantizeClamped(float x, float scale, int32_t zero_point, int64_t lo, int64_t hi) {
  const float q = x / scale;
  if (!(q == q)) return std::clamp<int64_t>(zero_point, lo, hi);
  const float c = std::clamp(q, -1e6f, 1e6f);
  const int32_t t = static_cast<int32_t>(c);  // toward zero
  const float frac = c - static_cast<float>(t);
  const int32_t r = t + (frac >= 0.5f) - (frac <= -0.5f);
  return std::clamp<int64_t>(int64_t{r} + zero_point, lo, hi);
}
inline int8_t QuantizeValue(float x, float scale, int32_t zero_point) {
  return static_cast<int8_t>(QuantizeClamped(x, scale, zero_point, -128, 127));
}
// The same rounding into uint8 (the pixels a Rockchip program's input converter reads).
inline uint8_t QuantizeUint8(float x, float scale, int32_t zero_point) {
  return static_cast<uint8_t>(QuantizeClamped(x, scale, zero_point, 0, 255));
}
inline float DequantizeValue(int8_t q, float scale, int32_t zero_point) {
  return scale * static_cast<float>(static_cast<int32_t>(q) - zero_point);
}

// Hybrid-quantization boundaries (docs/quantization.md §17), with the int8 side's {s, z}:
// int8 -> fp16 dequantizes in f32 then rounds to fp16 (RNE); fp16 -> int8 quantizes the fp16
// value like any float (§2: round half away from zero, saturate, NaN -> z).
inline float DequantizeToHalf(int8_t q, float scale, int32_t zero_point) {
  return RoundToHalf(DequantizeValue(q, scale, zero_point));
}
inline int8_t QuantizeHalf(float half_value, float scale, int32_t zero_point) {
  return QuantizeValue(half_value, scale, zero_point);
}

// Bounds of the int8 output after the fused activation: [lo, hi] in the output's quant domain.
struct ClampRange {
  int32_t lo = -128;
  int32_t hi = 127;
};
ClampRange ActivationRange(const ir::Attributes& attrs, const ir::QuantParams& out);

// Int32 bias of one output channel: round(bias / (s_in * s_w)), saturated to int32.
int32_t QuantizeBias(float bias, double input_scale, double weight_scale);

}  // namespace rknnsim::quant
