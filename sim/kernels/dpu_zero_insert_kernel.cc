// DPU data movement for deconvolution (docs/quantization.md §21): the output surface is filled
// with the fill value, then each C2 atom of an input pixel (padding lanes included) is copied to
// (iy·stride_h, ix·stride_w). Bytes are copied unchanged, so int8 and fp16 differ only in the fill.
#include <cstring>

#include "sim/kernels/npu_kernels.h"

namespace rknnsim::sim {

void ZeroInsert(const isa::Task& t, const uint8_t* in, uint8_t* out) {
  const isa::Surface& is = t.input;
  const isa::Surface& os = t.output;
  // int8: the input's zero point (real 0); fp16: +0, all bits clear.
  const uint8_t fill = os.type == isa::ElemType::kInt8 ? static_cast<uint8_t>(static_cast<int8_t>(t.input_zp)) : 0;
  std::memset(out, fill, os.bytes());
  const uint64_t atom = uint64_t{os.c2} * isa::ElemBytes(os.type);
  for (uint32_t c1 = 0; c1 < os.c1(); ++c1)
    for (uint32_t iy = 0; iy < is.height; ++iy) {
      const uint8_t* src = in + c1 * is.surface_stride() + iy * is.line_stride();
      uint8_t* dst = out + c1 * os.surface_stride() + uint64_t{iy} * t.stride_h * os.line_stride();
      for (uint32_t ix = 0; ix < is.width; ++ix) std::memcpy(dst + uint64_t{ix} * t.stride_w * atom, src + ix * atom, atom);
    }
}

}  // namespace rknnsim::sim
