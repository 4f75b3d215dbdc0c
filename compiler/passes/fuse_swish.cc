#include "compiler/passes/fuse_swish.h"

#include <algorithm>

namespace rknnsim::passes {

int FuseSwish(ir::Graph& graph) {
  std::vector<ir::Node>& nodes = graph.nodes();
  const std::vector<int> producer = graph.Producers();
  const std::vector<int> consumers = graph.ConsumerCounts();
  const auto& outs = graph.outputs();
  std::vector<bool> removed(nodes.size(), false);
  int fused = 0;
  for (ir::Node& mul : nodes) {
    if (mul.op != ir::OpKind::kMul || mul.inputs.size() != 2) continue;
    for (int side = 0; side < 2; ++side) {
      const int sig_out = mul.inputs[side], x = mul.inputs[1 - side];
      const int p = producer[sig_out];
      if (p < 0 || removed[p] || nodes[p].op != ir::OpKind::kSigmoid || nodes[p].inputs[0] != x) continue;
      if (consumers[sig_out] != 1 || std::find(outs.begin(), outs.end(), sig_out) != outs.end()) continue;
      if (graph.tensor(x).shape != graph.tensor(mul.outputs[0]).shape) continue;
      mul.op = ir::OpKind::kSwish;
      mul.inputs = {x};
      removed[p] = true;
      ++fused;
      break;
    }
  }
  graph.EraseNodes(removed);
  return fused;
}

}  // namespace rknnsim::passes
