// Fuses Sigmoid(x) followed by Mul(x, Sigmoid(x)) — SiLU/Swish as exporters write it — into one
// Swish node, the activation the board reports as "ExSwish". The float result is bit-identical
// (the same multiply of the same values); in int8 the intermediate sigmoid is no longer
// quantized, and the NPU runs the whole activation as one lookup table.
#pragma once

#include "compiler/ir/graph.h"

namespace rknnsim::passes {

// Returns the number of Swish nodes created.
int FuseSwish(ir::Graph& graph);

}  // namespace rknnsim::passes
