#include "compiler/passes/fuse_mul_add.h"

#include "compiler/passes/pass_util.h"

namespace rknnsim::passes {

int FuseMulAdd(ir::Graph& graph) {
  const GraphUse use(graph);
  std::vector<ir::Node>& nodes = graph.nodes();
  std::vector<bool> removed(nodes.size(), false);
  int fused = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const ir::Node& add = nodes[i];
    if (add.op != ir::OpKind::kAdd) continue;
    const std::optional<int> add_side = ConstantOperand(graph, add);
    if (!add_side) continue;
    const int t = add.inputs[static_cast<size_t>(1 - *add_side)];
    const int p = use.producer[static_cast<size_t>(t)];
    if (p < 0 || removed[static_cast<size_t>(p)] || !use.SoleInternalUse(t)) continue;
    ir::Node& mul = nodes[static_cast<size_t>(p)];
    if (mul.op != ir::OpKind::kMul) continue;
    const std::optional<int> mul_side = ConstantOperand(graph, mul);
    if (!mul_side) continue;
    const int x = mul.inputs[static_cast<size_t>(1 - *mul_side)];
    const ir::Shape shape = graph.tensor(x).shape;
    if (shape.size() != 4 || shape != graph.tensor(add.outputs[0]).shape) continue;
    const auto s = PerChannelValues(graph, mul.inputs[static_cast<size_t>(*mul_side)], shape);
    const auto b = PerChannelValues(graph, add.inputs[static_cast<size_t>(*add_side)], shape);
    if (!s || !b) continue;
    const int64_t c = shape[1];
    const int w_id = AddConstant(graph, mul.name + "_scale", {c, 1, 1, 1}, *s);
    const int b_id = AddConstant(graph, mul.name + "_shift", {c}, *b);
    ir::Node conv;
    conv.op = ir::OpKind::kConv;
    conv.name = mul.name;
    conv.inputs = {x, w_id, b_id};
    conv.outputs = {nodes[i].outputs[0]};
    conv.attrs = Depthwise1x1(c);
    mul = std::move(conv);
    removed[i] = true;
    ++fused;
  }
  graph.EraseNodes(removed);
  return fused;
}

}  // namespace rknnsim::passes
