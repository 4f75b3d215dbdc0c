// DPU element-wise multiply (docs/quantization.md §20): x times a multiplier surface read per
// channel (C × 1 × 1, one C2 atom per C1 surface) or per element. Padding lanes are computed as
// don't-care values, as for Add.
#include <algorithm>
#include <cstring>

#include "common/fp16.h"
#include "sim/kernels/npu_kernels.h"

namespace rknnsim::sim {

void EltwiseMul(const isa::Task& t, const uint8_t* x, const uint8_t* s, uint8_t* out) {
  const isa::Surface& os = t.output;
  const isa::Surface& ss = t.input2;
  const bool per_channel = ss.height == 1 && ss.width == 1;
  const bool int8 = os.type == isa::ElemType::kInt8;
  const uint32_t e = isa::ElemBytes(os.type);
  for (uint32_t c1 = 0; c1 < os.c1(); ++c1)
    for (uint32_t y = 0; y < os.height; ++y)
      for (uint32_t xx = 0; xx < os.width; ++xx)
        for (uint32_t lane = 0; lane < os.c2; ++lane) {
          const uint32_t c = c1 * os.c2 + lane;
          const uint64_t at = os.Offset(c, y, xx);
          const uint64_t s_at = per_channel ? ss.Offset(c, 0, 0) : ss.Offset(c, y, xx);
          if (int8) {
            // |product| <= 255^2 and scale < 2^15: the int64 product never wraps.
            const int64_t p = (int64_t{static_cast<int8_t>(x[at])} - t.input_zp) *
                              (int64_t{static_cast<int8_t>(s[s_at])} - t.input2_zp) * t.scale_a;
            const int64_t r = t.shift > 0 ? (p + (int64_t{1} << (t.shift - 1))) >> t.shift : p;
            out[at] = static_cast<uint8_t>(static_cast<int8_t>(std::clamp<int64_t>(r + t.output_zp, -128, 127)));
          } else {
            uint16_t hx, hs;
            std::memcpy(&hx, x + at, 2);
            std::memcpy(&hs, s + s_at, 2);
            const uint16_t r = FloatToHalfBits(HalfBitsToFloat(hx) * HalfBitsToFloat(hs));
            std::memcpy(out + at, &r, e);
          }
        }
}

}  // namespace rknnsim::sim
