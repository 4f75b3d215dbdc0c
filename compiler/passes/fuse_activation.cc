#include "compiler/passes/fuse_activation.h"

#include <algorithm>

namespace rknnsim::passes {
namespace {

bool CanAbsorbActivation(const ir::Node& node) {
  return (node.op == ir::OpKind::kConv || node.op == ir::OpKind::kGemm || node.op == ir::OpKind::kAdd) &&
         node.attrs.activation == ir::Activation::kNone;
}

bool IsActivation(const ir::Node& node) { return node.op == ir::OpKind::kRelu || node.op == ir::OpKind::kClip; }

}  // namespace

int FuseActivations(ir::Graph& graph) {
  std::vector<ir::Node>& nodes = graph.nodes();
  const std::vector<int> producer = graph.Producers();
  const std::vector<int> consumers = graph.ConsumerCounts();
  const auto& outs = graph.outputs();
  std::vector<bool> removed(nodes.size(), false);
  int fused = 0;
  for (ir::Node& act : nodes) {
    if (!IsActivation(act)) continue;
    const int in = act.inputs[0];
    const int p = producer[in];
    if (p < 0 || removed[p] || !CanAbsorbActivation(nodes[p])) continue;
    if (consumers[in] != 1 || std::find(outs.begin(), outs.end(), in) != outs.end()) continue;
    ir::Node& host = nodes[p];
    host.attrs.activation = act.attrs.activation;
    host.attrs.clip_min = act.attrs.clip_min;
    host.attrs.clip_max = act.attrs.clip_max;
    host.outputs[0] = act.outputs[0];  // the host now writes the activated tensor
    removed[&act - nodes.data()] = true;
    ++fused;
  }
  graph.EraseNodes(removed);
  return fused;
}

}  // namespace rknnsim::passes
