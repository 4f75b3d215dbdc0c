// Merges two Adds (or two Muls) in a row whose second operands are constants into one (manual §10
// "Add+Add", "Mul+Mul"): (x + c1) + c2 = x + (c1 + c2) and (x * c1) * c2 = x * (c1 * c2), the
// merged constant broadcast from both. The float result changes only by rounding (fp32
// reassociation). Other folds (Conv+Mul, Mul+Add → affine) then see a single op.
#pragma once

#include "compiler/ir/graph.h"

namespace rknnsim::passes {

// Returns the number of nodes removed.
int MergeConstantChains(ir::Graph& graph);

}  // namespace rknnsim::passes
