#include "compiler/passes/fold_conv_mul.h"

#include "compiler/passes/fold_conv_affine.h"

namespace rknnsim::passes {

int FoldConvMul(ir::Graph& graph) { return FoldPerChannelIntoHost(graph, ir::OpKind::kMul, /*multiply=*/true); }

}  // namespace rknnsim::passes
