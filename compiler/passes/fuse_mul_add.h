// Rewrites Mul(x, s) + t with per-channel constants s and t on a 4-D x into one per-channel
// affine (manual §10 "Mul+Add → BN"). The affine is expressed as a 1x1 depthwise Conv (weights
// s[c] of shape (C,1,1,1), bias t[c]) rather than a BatchNormalization node: it is the same
// function, and the depthwise conv runs on the NPU with the bias in its accumulator, where a BN
// node would fall back to the CPU. Runs after the Conv+Mul / Conv+Add folds, so only Mul+Add
// pairs without a foldable conv in front are left. The float result changes only by rounding.
#pragma once

#include "compiler/ir/graph.h"

namespace rknnsim::passes {

// Returns the number of Mul+Add pairs rewritten.
int FuseMulAdd(ir::Graph& graph);

}  // namespace rknnsim::passes
