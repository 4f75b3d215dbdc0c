#include "compiler/passes/pipeline.h"

#include "compiler/passes/channel_affine_to_depthwise.h"
#include "compiler/passes/fold_batchnorm.h"
#include "compiler/passes/fold_conv_add.h"
#include "compiler/passes/fold_conv_mul.h"
#include "compiler/passes/fold_mul_conv.h"
#include "compiler/passes/fuse_activation.h"
#include "compiler/passes/fuse_hard_activations.h"
#include "compiler/passes/fuse_layer_norm.h"
#include "compiler/passes/fuse_mul_add.h"
#include "compiler/passes/fuse_swish.h"
#include "compiler/passes/lower_conv_transpose.h"
#include "compiler/passes/matmul_add_to_gemm.h"
#include "compiler/passes/merge_constant_chain.h"

namespace rknnsim::passes {

std::vector<PassRun> RunGraphPasses(ir::Graph& graph, PassSet set,
                                    const std::function<void(const PassRun&, const ir::Graph&)>& after_each) {
  struct Pass {
    const char* name;
    std::function<int(ir::Graph&)> run;
    bool changes_constants;
  };
  // Exporters' spellings of single activations first, so the folds see whole activations; then
  // constant folds (each leaves fewer, larger ops for the next); what no fold absorbed and still
  // scales or shifts channels becomes a 1x1 depthwise conv; activations last, fusing into the
  // Conv/Gemm/Add the folds have settled.
  static const Pass kPasses[] = {
      {"FuseHardActivations",
       [](ir::Graph& g) {
         const HardActivationCount c = FuseHardActivations(g);
         return c.hard_swish + c.hard_sigmoid;
       },
       false},
      // Creates a unit gamma when the pattern has none, so it is not run on QDQ graphs.
      {"FuseLayerNorm", FuseLayerNorm, true},
      {"FoldBatchNorm", FoldBatchNorm, true},
      {"MergeConstantChains", MergeConstantChains, true},
      {"FuseMatMulAdd", FuseMatMulAdd, true},
      {"FoldConvMul", FoldConvMul, true},
      {"FoldConvAdd", FoldConvAdd, true},
      {"FoldMulConv", FoldMulConv, true},
      {"FuseMulAdd", FuseMulAdd, true},
      {"FuseSwish", FuseSwish, false},
      {"ChannelAffineToDepthwise", ChannelAffineToDepthwise, true},
      {"LowerConvTranspose", LowerConvTranspose, true},
      {"FuseActivations", FuseActivations, false},
  };
  std::vector<PassRun> runs;
  for (const Pass& pass : kPasses) {
    if (set == PassSet::kKeepConstants && pass.changes_constants) continue;
    runs.push_back({pass.name, pass.run(graph)});
    if (after_each) after_each(runs.back(), graph);
  }
  return runs;
}

}  // namespace rknnsim::passes
