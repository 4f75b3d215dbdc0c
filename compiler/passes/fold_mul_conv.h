// Folds a per-channel constant Mul in front of a Conv or Gemm into its weights (manual §10
// "Mul+Conv", "Mul+Gemm"): conv(s[c] * x[c]) = conv'(x) with W'[m][c] = W[m][c] * s[c]. This is
// exact in real arithmetic because Conv pads with zeros and s * 0 = 0. The mirror image with Add
// (x + t before a conv) is NOT foldable: the padded border would see t where the folded conv sees
// 0, so it is left alone. The Mul must feed only the Conv's data input.
#pragma once

#include "compiler/ir/graph.h"

namespace rknnsim::passes {

// Returns the number of Mul nodes folded.
int FoldMulConv(ir::Graph& graph);

}  // namespace rknnsim::passes
