#include "compiler/passes/fold_conv_add.h"

#include "compiler/passes/fold_conv_affine.h"

namespace rknnsim::passes {

int FoldConvAdd(ir::Graph& graph) { return FoldPerChannelIntoHost(graph, ir::OpKind::kAdd, /*multiply=*/false); }

}  // namespace rknnsim::passes
