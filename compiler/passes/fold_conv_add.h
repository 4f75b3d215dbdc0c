// Folds a per-channel constant Add after a Conv, ConvTranspose or Gemm into its bias (manual §10
// "Conv+Add", "Gemm+Add"): W * x + bias + c = W * x + (bias + c). An Add of two computed tensors
// (a residual connection) is not this pattern. The float result changes only by rounding.
#pragma once

#include "compiler/ir/graph.h"

namespace rknnsim::passes {

// Returns the number of Add nodes folded.
int FoldConvAdd(ir::Graph& graph);

}  // namespace rknnsim::passes
