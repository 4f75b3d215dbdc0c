#include "compiler/passes/fold_batchnorm.h"

#include <cmath>

#include "compiler/ops/nn.h"
#include "compiler/passes/pass_util.h"

namespace rknnsim::passes {

int FoldBatchNorm(ir::Graph& graph) {
  const GraphUse use(graph);
  std::vector<bool> removed(graph.nodes().size(), false);
  int folded = 0;
  for (size_t i = 0; i < graph.nodes().size(); ++i) {
    const ir::Node& bn = graph.nodes()[i];
    if (bn.op != ir::OpKind::kBatchNormalization || bn.inputs.size() != 5 || bn.outputs.size() != 1 ||
        ops::IsTrainingBatchNorm(bn))
      continue;
    const int x = bn.inputs[0];
    const int p = use.producer[static_cast<size_t>(x)];
    if (p < 0 || removed[static_cast<size_t>(p)] || !use.SoleInternalUse(x)) continue;
    ir::Node& host = graph.nodes()[static_cast<size_t>(p)];
    if (!IsAffineHost(graph, host)) continue;
    const int64_t channels = OutputChannels(graph, host);
    std::vector<std::vector<float>> params;  // scale, B, mean, var
    for (size_t k = 1; k < 5; ++k) {
      const ir::Tensor& t = graph.tensor(bn.inputs[k]);
      if (!t.is_constant || static_cast<int64_t>(t.float_data.size()) != channels) break;
      params.push_back(t.float_data);
    }
    if (params.size() != 4) continue;
    // The same per-channel a and b the BatchNormalization kernel computes (compiler/ops/nn_norm.cc).
    std::vector<float> a(static_cast<size_t>(channels)), b(static_cast<size_t>(channels));
    for (size_t c = 0; c < a.size(); ++c) {
      a[c] = params[0][c] * (1.0f / std::sqrt(params[3][c] + bn.attrs.epsilon));
      b[c] = params[1][c] - params[2][c] * a[c];
    }
    ScaleOutputChannels(graph, host, a, b);
    host.outputs[0] = graph.nodes()[i].outputs[0];
    removed[i] = true;
    ++folded;
  }
  graph.EraseNodes(removed);
  return folded;
}

}  // namespace rknnsim::passes
