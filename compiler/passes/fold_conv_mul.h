// Folds a per-channel constant Mul after a Conv, ConvTranspose or Gemm into its weights and bias
// (manual §10 "Conv+Mul"): s[m] * (W[m] * x + bias[m]) = (s[m] W[m]) * x + s[m] bias[m]. Only a
// constant with one value per output channel (or a scalar) folds; the float result changes only
// by rounding.
#pragma once

#include "compiler/ir/graph.h"

namespace rknnsim::passes {

// Returns the number of Mul nodes folded.
int FoldConvMul(ir::Graph& graph);

}  // namespace rknnsim::passes
