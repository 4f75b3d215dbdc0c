#include "compiler/reference/fp16_range.h"

#include <cmath>

#include "compiler/reference/float_executor.h"

namespace rknnsim::reference {

Fp16Overflow FirstFp16Overflow(const ir::Graph& graph, const std::vector<std::vector<float>>& inputs) {
  const TensorValues values = RunFloatAll(graph, inputs);
  for (size_t i = 0; i < graph.nodes().size(); ++i) {
    Fp16Overflow found;
    for (int id : graph.nodes()[i].outputs)
      for (float v : values[static_cast<size_t>(id)])
        if (!(std::fabs(v) <= kFp16Max)) found.peak = std::isnan(v) ? NAN : std::fmax(found.peak, std::fabs(v));
    if (found.peak > kFp16Max || std::isnan(found.peak)) {
      found.node = static_cast<int>(i);
      return found;
    }
  }
  return {};
}

}  // namespace rknnsim::reference
