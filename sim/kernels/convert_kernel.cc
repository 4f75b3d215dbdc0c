// DPU: int8 <-> fp16 conversion of one surface at a hybrid-quantization boundary
// (docs/quantization.md §17). The two surfaces have different C2 atoms (e.g. 16 int8 vs 8 fp16
// lanes on RK3588), so elements are addressed one by one through Surface::Offset.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/fp16.h"
#include "sim/kernels/npu_kernels.h"

namespace rknnsim::sim {
namespace {

// fp16 -> int8 with the output's {scale, zero point}: f32 division, round half away from zero,
// NaN to the zero point, saturation (huge values and infinities are clamped before the add).
int8_t QuantizeLane(float x, float scale, int32_t zero_point) {
  const float r = std::round(x / scale);
  const int64_t q = std::isnan(r) ? zero_point : static_cast<int64_t>(std::clamp(r, -1e6f, 1e6f)) + zero_point;
  return static_cast<int8_t>(std::clamp<int64_t>(q, -128, 127));
}

}  // namespace

void ConvertSurface(const isa::Task& t, const uint8_t* in, uint8_t* out) {
  const isa::Surface& is = t.input;
  const isa::Surface& os = t.output;
  std::memset(out, 0, os.bytes());  // padding lanes are written as 0, as a conv's DPU does
  const bool to_fp16 = is.type == isa::ElemType::kInt8;
  for (uint32_t c = 0; c < os.channels; ++c)
    for (uint32_t y = 0; y < os.height; ++y)
      for (uint32_t x = 0; x < os.width; ++x) {
        const uint8_t* src = in + is.Offset(c, y, x);
        uint8_t* dst = out + os.Offset(c, y, x);
        if (to_fp16) {
          const int32_t q = static_cast<int8_t>(*src);
          const uint16_t h = FloatToHalfBits(t.convert_scale * static_cast<float>(q - t.input_zp));
          std::memcpy(dst, &h, 2);
        } else {
          uint16_t h;
          std::memcpy(&h, src, 2);
          *dst = static_cast<uint8_t>(QuantizeLane(HalfBitsToFloat(h), t.convert_scale, t.output_zp));
        }
      }
}

}  // namespace rknnsim::sim
