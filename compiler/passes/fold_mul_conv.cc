#include "compiler/passes/fold_mul_conv.h"

#include "compiler/passes/pass_util.h"

namespace rknnsim::passes {
namespace {

// Scales the weights of input channel c by s[c]: Conv [M, C / group, kh, kw] (input channel c is
// column c % (C / group) of the output channels of its group), Gemm [N, K] (column k).
void ScaleInputChannels(ir::Graph& g, ir::Node& node, const std::vector<float>& s) {
  std::vector<float>& w = g.tensor(OwnConstant(g, node, 1)).float_data;
  const ir::Shape ws = g.tensor(node.inputs[1]).shape;
  const int64_t m = ws[0], cg = ws[1], block = node.op == ir::OpKind::kConv ? ws[2] * ws[3] : 1;
  const int64_t mg = node.op == ir::OpKind::kConv ? m / node.attrs.group : m;
  for (int64_t o = 0; o < m; ++o) {
    const int64_t first_channel = node.op == ir::OpKind::kConv ? o / mg * cg : 0;
    for (int64_t ci = 0; ci < cg; ++ci) {
      const float scale = s[static_cast<size_t>(first_channel + ci)];
      float* p = w.data() + (o * cg + ci) * block;
      for (int64_t i = 0; i < block; ++i) p[i] *= scale;
    }
  }
}

bool IsWeightedReader(const ir::Graph& g, const ir::Node& node, int x) {
  const bool kind = node.op == ir::OpKind::kConv || (node.op == ir::OpKind::kGemm && node.attrs.trans_b && !node.attrs.trans_a);
  return kind && node.inputs.size() >= 2 && node.inputs[0] == x && node.inputs[1] != x &&
         g.tensor(node.inputs[1]).is_constant && g.tensor(node.inputs[1]).dtype == ir::DType::kFloat32;
}

}  // namespace

int FoldMulConv(ir::Graph& graph) {
  const GraphUse use(graph);
  std::vector<ir::Node>& nodes = graph.nodes();
  // The reader of each tensor that has exactly one (the Mul's output must feed only the conv).
  std::vector<int> reader(graph.tensors().size(), -1);
  for (size_t n = 0; n < nodes.size(); ++n)
    for (int in : nodes[n].inputs) reader[static_cast<size_t>(in)] = static_cast<int>(n);
  std::vector<bool> removed(nodes.size(), false);
  int folded = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const ir::Node& mul = nodes[i];
    if (mul.op != ir::OpKind::kMul || mul.outputs.size() != 1) continue;
    const std::optional<int> side = ConstantOperand(graph, mul);
    const int y = mul.outputs[0];
    if (!side || !use.SoleInternalUse(y)) continue;
    const int x = mul.inputs[static_cast<size_t>(1 - *side)];
    const int r = reader[static_cast<size_t>(y)];
    if (r < 0 || removed[static_cast<size_t>(r)] || !IsWeightedReader(graph, nodes[static_cast<size_t>(r)], y)) continue;
    const std::optional<std::vector<float>> s =
        PerChannelValues(graph, mul.inputs[static_cast<size_t>(*side)], graph.tensor(x).shape);
    if (!s || graph.tensor(x).shape != graph.tensor(y).shape) continue;
    ir::Node& conv = nodes[static_cast<size_t>(r)];
    ScaleInputChannels(graph, conv, *s);
    conv.inputs[0] = x;
    removed[i] = true;
    ++folded;
  }
  graph.EraseNodes(removed);
  return folded;
}

}  // namespace rknnsim::passes
