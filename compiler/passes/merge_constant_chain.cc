#include "compiler/passes/merge_constant_chain.h"

#include "compiler/ops/broadcast.h"
#include "compiler/passes/pass_util.h"

namespace rknnsim::passes {
namespace {

// c1 op c2 broadcast to their common shape, or nullopt when the shapes do not broadcast.
std::optional<ir::Tensor> Combine(const ir::Tensor& c1, const ir::Tensor& c2, bool multiply) {
  const std::optional<ir::Shape> shape = ops::TryBroadcastShape(c1.shape, c2.shape);
  if (!shape) return std::nullopt;
  ir::Tensor out;
  out.shape = *shape;
  out.is_constant = true;
  out.float_data.resize(static_cast<size_t>(ir::NumElements(*shape)));
  const ops::BroadcastPlan plan = ops::MakeBroadcastPlan({c1.shape, c2.shape}, *shape);
  if (multiply)
    ops::BroadcastBinary(plan, c1.float_data.data(), c2.float_data.data(), out.float_data.data(),
                         [](float a, float b) { return a * b; });
  else
    ops::BroadcastBinary(plan, c1.float_data.data(), c2.float_data.data(), out.float_data.data(),
                         [](float a, float b) { return a + b; });
  return out;
}

int MergeOnce(ir::Graph& graph) {
  const GraphUse use(graph);
  std::vector<bool> removed(graph.nodes().size(), false);
  int merged = 0;
  for (size_t i = 0; i < graph.nodes().size(); ++i) {
    const ir::Node& second = graph.nodes()[i];
    if (second.op != ir::OpKind::kAdd && second.op != ir::OpKind::kMul) continue;
    const std::optional<int> side2 = ConstantOperand(graph, second);
    if (!side2) continue;
    const int t = second.inputs[static_cast<size_t>(1 - *side2)];
    const int p = use.producer[static_cast<size_t>(t)];
    if (p < 0 || removed[static_cast<size_t>(p)] || !use.SoleInternalUse(t)) continue;
    ir::Node& first = graph.nodes()[static_cast<size_t>(p)];
    if (first.op != second.op || first.outputs.size() != 1) continue;
    const std::optional<int> side1 = ConstantOperand(graph, first);
    if (!side1) continue;
    const ir::Tensor& c1 = graph.tensor(first.inputs[static_cast<size_t>(*side1)]);
    const ir::Tensor& c2 = graph.tensor(second.inputs[static_cast<size_t>(*side2)]);
    if (c1.dtype != ir::DType::kFloat32 || c2.dtype != ir::DType::kFloat32) continue;
    std::optional<ir::Tensor> c = Combine(c1, c2, second.op == ir::OpKind::kMul);
    if (!c) continue;
    const ir::Shape& x = graph.tensor(first.inputs[static_cast<size_t>(1 - *side1)]).shape;
    const int y = second.outputs[0];
    if (ops::TryBroadcastShape(x, c->shape) != graph.tensor(y).shape) continue;
    const int merged_id = AddConstant(graph, c1.name + "_merged", c->shape, std::move(c->float_data));
    first.inputs[static_cast<size_t>(*side1)] = merged_id;
    first.outputs[0] = y;
    removed[i] = true;
    ++merged;
  }
  graph.EraseNodes(removed);
  return merged;
}

}  // namespace

int MergeConstantChains(ir::Graph& graph) {
  // One sweep merges pairs; a chain of n ops needs up to log2(n) sweeps.
  int total = 0;
  for (int merged = MergeOnce(graph); merged > 0; merged = MergeOnce(graph)) total += merged;
  return total;
}

}  // namespace rknnsim::passes
