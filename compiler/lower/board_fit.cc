#include "compiler/lower/board_fit.h"

#include <algorithm>
#include <limits>

namespace rknnsim::lower {
namespace {

constexpr uint64_t kSaturated = std::numeric_limits<uint64_t>::max();

uint64_t Times(uint64_t a, uint64_t b) { return b != 0 && a > kSaturated / b ? kSaturated : a * b; }
uint64_t Plus(uint64_t a, uint64_t b) { return a > kSaturated - b ? kSaturated : a + b; }

// Bytes of one int8 feature map: NC1HWC2 for 4-D tensors, one byte per element otherwise.
uint64_t FeatureBytes(const ir::Shape& shape, uint64_t c2) {
  uint64_t bytes = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    uint64_t d = static_cast<uint64_t>(std::max<int64_t>(shape[i], 0));
    if (shape.size() == 4 && i == 1) d = (d + c2 - 1) / c2 * c2;
    bytes = Times(bytes, d);
  }
  return bytes;
}

}  // namespace

uint64_t MinimumDdrBytes(const ir::Graph& graph, const isa::PlatformConfig& platform) {
  const uint64_t c2 = static_cast<uint64_t>(std::max(platform.c2_int8, 1));
  uint64_t constants = 0, largest_node = 0;
  for (size_t id = 0; id < graph.tensors().size(); ++id) {
    const ir::Tensor& t = graph.tensor(static_cast<int>(id));
    if (t.is_constant) constants = Plus(constants, FeatureBytes(t.shape, 1));
  }
  for (const ir::Node& node : graph.nodes()) {
    uint64_t live = 0;
    for (const std::vector<int>* ids : {&node.inputs, &node.outputs})
      for (int id : *ids)
        if (id >= 0 && !graph.tensor(id).is_constant) live = Plus(live, FeatureBytes(graph.tensor(id).shape, c2));
    largest_node = std::max(largest_node, live);
  }
  return Plus(constants, largest_node);
}

}  // namespace rknnsim::lower
