// Finds where an fp16 model leaves the fp16 range (the troubleshooting manual §9.15: with
// do_quantization=False, values beyond ±65504 become inf and then nan downstream). The float32
// reference shows the values the layer should have produced, so the first layer whose float
// output exceeds the range is the one to fix.
#pragma once

#include <vector>

#include "compiler/ir/graph.h"

namespace rknnsim::reference {

constexpr float kFp16Max = 65504.0f;

struct Fp16Overflow {
  int node = -1;           // index into graph.nodes(), -1 when every value fits
  float peak = 0.0f;       // largest |value| of that node's outputs in float32
};

Fp16Overflow FirstFp16Overflow(const ir::Graph& graph, const std::vector<std::vector<float>>& inputs);

}  // namespace rknnsim::reference
