#include "compiler/passes/channel_affine_to_depthwise.h"

#include <cmath>
#include <optional>

#include "compiler/ops/nn.h"
#include "compiler/passes/pass_util.h"

namespace rknnsim::passes {
namespace {

struct Affine {
  std::vector<float> weight, bias;  // per channel
};

std::optional<Affine> AffineOf(const ir::Graph& g, const ir::Node& n, int& x) {
  if (n.inputs.empty()) return std::nullopt;
  const auto rank4 = [&](int id) { return g.tensor(id).shape.size() == 4 && !g.tensor(id).is_constant; };
  if (n.op == ir::OpKind::kBatchNormalization) {
    if (ops::IsTrainingBatchNorm(n)) return std::nullopt;  // batch statistics, not constants
    x = n.inputs[0];
    if (!rank4(x)) return std::nullopt;
    const int64_t c = g.tensor(x).shape[1];
    for (int i = 1; i < 5; ++i)
      if (!g.tensor(n.inputs[i]).is_constant || static_cast<int64_t>(g.tensor(n.inputs[i]).float_data.size()) != c)
        return std::nullopt;
    const auto &scale = g.tensor(n.inputs[1]).float_data, &b = g.tensor(n.inputs[2]).float_data;
    const auto &mean = g.tensor(n.inputs[3]).float_data, &var = g.tensor(n.inputs[4]).float_data;
    Affine a;
    for (int64_t i = 0; i < c; ++i) {
      const float w = scale[i] / std::sqrt(var[i] + n.attrs.epsilon);
      a.weight.push_back(w);
      a.bias.push_back(b[i] - mean[i] * w);
    }
    return a;
  }
  const bool mul = n.op == ir::OpKind::kMul, div = n.op == ir::OpKind::kDiv;
  const bool add = n.op == ir::OpKind::kAdd, sub = n.op == ir::OpKind::kSub;
  if (!(mul || div || add || sub) || n.inputs.size() != 2) return std::nullopt;
  for (int side = 0; side < 2; ++side) {
    if (div && side == 0) continue;  // k / x is not affine in x
    x = n.inputs[1 - side];
    if (!rank4(x) || g.tensor(x).shape != g.tensor(n.outputs[0]).shape) continue;
    const int64_t c = g.tensor(x).shape[1];
    const auto k = PerChannelValues(g, n.inputs[side], g.tensor(x).shape);
    if (!k) continue;
    Affine a;
    a.weight.assign(static_cast<size_t>(c), 1.0f);
    a.bias.assign(static_cast<size_t>(c), 0.0f);
    for (int64_t i = 0; i < c; ++i) {
      const float v = (*k)[i];
      if (mul) a.weight[i] = v;
      if (div) a.weight[i] = 1.0f / v;
      if (add) a.bias[i] = v;
      if (sub && side == 1) a.bias[i] = -v;               // x - k
      if (sub && side == 0) a.weight[i] = -1.0f, a.bias[i] = v;  // k - x
    }
    return a;
  }
  return std::nullopt;
}

}  // namespace

int ChannelAffineToDepthwise(ir::Graph& graph) {
  int rewritten = 0;
  for (size_t i = 0; i < graph.nodes().size(); ++i) {
    int x = -1;
    const std::optional<Affine> affine = AffineOf(graph, graph.nodes()[i], x);
    if (!affine) continue;
    const int64_t c = graph.tensor(x).shape[1];
    const std::string name = graph.nodes()[i].name;
    const int w = AddConstant(graph, name + "/depthwise_weight", {c, 1, 1, 1}, affine->weight);
    const int b = AddConstant(graph, name + "/depthwise_bias", {c}, affine->bias);
    ir::Node& n = graph.nodes()[i];  // AddTensor does not touch nodes, but take it after anyway
    n.op = ir::OpKind::kConv;
    n.inputs = {x, w, b};
    n.attrs = Depthwise1x1(c);
    ++rewritten;
  }
  return rewritten;
}

}  // namespace rknnsim::passes
