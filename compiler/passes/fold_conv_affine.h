// The shared loop of FoldConvMul and FoldConvAdd: a binary op with a per-channel constant operand
// that reads the sole output of an affine host (pass_util.h) is absorbed by the host.
#pragma once

#include "compiler/ir/graph.h"

namespace rknnsim::passes {

// For each `op` node matching the pattern, the host's channels m become scale * y + shift, with
// (scale, shift) = (c, 0) when `multiply`, (1, c) otherwise. Returns the number of nodes removed.
int FoldPerChannelIntoHost(ir::Graph& graph, ir::OpKind op, bool multiply);

}  // namespace rknnsim::passes
