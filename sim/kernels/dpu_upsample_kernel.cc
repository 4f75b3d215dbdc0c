// DPU data movement: nearest upsampling by integer factors (docs/quantization.md §19). Each C2
// atom of an input pixel (all C2 lanes, padding included) is written to an f_h × f_w block of the
// output surface; bytes are copied unchanged, so int8 and fp16 are the same operation.
#include <cstring>

#include "sim/kernels/npu_kernels.h"

namespace rknnsim::sim {

void UpsampleNearest(const isa::Task& t, const uint8_t* in, uint8_t* out) {
  const isa::Surface& is = t.input;
  const isa::Surface& os = t.output;
  const uint64_t atom = uint64_t{os.c2} * isa::ElemBytes(os.type);
  for (uint32_t c1 = 0; c1 < os.c1(); ++c1)
    for (uint32_t iy = 0; iy < is.height; ++iy) {
      // Widen one input line, then repeat it for the f_h output lines it covers.
      const uint8_t* src = in + c1 * is.surface_stride() + iy * is.line_stride();
      uint8_t* first = out + c1 * os.surface_stride() + uint64_t{iy} * t.stride_h * os.line_stride();
      for (uint32_t ox = 0; ox < os.width; ++ox) std::memcpy(first + ox * atom, src + (ox / t.stride_w) * atom, atom);
      for (uint32_t r = 1; r < t.stride_h; ++r) std::memcpy(first + r * os.line_stride(), first, os.line_stride());
    }
}

}  // namespace rknnsim::sim
