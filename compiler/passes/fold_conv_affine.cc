#include "compiler/passes/fold_conv_affine.h"

#include "compiler/passes/pass_util.h"

namespace rknnsim::passes {

int FoldPerChannelIntoHost(ir::Graph& graph, ir::OpKind op, bool multiply) {
  const GraphUse use(graph);
  std::vector<bool> removed(graph.nodes().size(), false);
  int folded = 0;
  for (size_t i = 0; i < graph.nodes().size(); ++i) {
    const ir::Node& node = graph.nodes()[i];
    if (node.op != op || node.outputs.size() != 1) continue;
    const std::optional<int> side = ConstantOperand(graph, node);
    if (!side) continue;
    const int x = node.inputs[static_cast<size_t>(1 - *side)];
    const int p = use.producer[static_cast<size_t>(x)];
    if (p < 0 || removed[static_cast<size_t>(p)] || !use.SoleInternalUse(x)) continue;
    ir::Node& host = graph.nodes()[static_cast<size_t>(p)];
    if (!IsAffineHost(graph, host)) continue;
    const std::optional<std::vector<float>> c =
        PerChannelValues(graph, node.inputs[static_cast<size_t>(*side)], graph.tensor(x).shape);
    if (!c || static_cast<int64_t>(c->size()) != OutputChannels(graph, host)) continue;
    if (multiply)
      ScaleOutputChannels(graph, host, *c, std::vector<float>(c->size(), 0.0f));
    else
      ScaleOutputChannels(graph, host, std::vector<float>(c->size(), 1.0f), *c);
    host.outputs[0] = graph.nodes()[i].outputs[0];
    removed[i] = true;
    ++folded;
  }
  graph.EraseNodes(removed);
  return folded;
}

}  // namespace rknnsim::passes
