// Fuses a Relu or Clip into the Conv, Gemm or Add that produces its input, when nothing else
// reads the intermediate tensor. The board does the same (its perf table shows "ConvRelu"), and
// quantization then calibrates only the activated output. The float result is unchanged.
#pragma once

#include "compiler/ir/graph.h"

namespace rknnsim::passes {

// Returns the number of activations fused.
int FuseActivations(ir::Graph& graph);

}  // namespace rknnsim::passes
