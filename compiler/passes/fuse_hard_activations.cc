#include "compiler/passes/fuse_hard_activations.h"

#include <algorithm>
#include <cmath>

namespace rknnsim::passes {
namespace {

bool IsScalarConstant(const ir::Graph& g, int id, float value) {
  const ir::Tensor& t = g.tensor(id);
  return t.is_constant && t.float_data.size() == 1 && std::fabs(t.float_data[0] - value) <= 1e-6f * std::fabs(value);
}

class Matcher {
 public:
  explicit Matcher(ir::Graph& g) : g_(g), producer_(g.Producers()), consumers_(g.ConsumerCounts()) {}

  // The node producing `id` when it is an intermediate value only `expected_uses` nodes read.
  ir::Node* Inner(int id, int expected_uses = 1) {
    const int p = producer_[id];
    if (p < 0 || removed_[p] || consumers_[id] != expected_uses) return nullptr;
    const auto& outs = g_.outputs();
    if (std::find(outs.begin(), outs.end(), id) != outs.end()) return nullptr;
    return &g_.nodes()[p];
  }

  // Matches Clip(Add(x, 3), 0, 6) producing `id`; returns x or -1.
  int ShiftedRelu6(int id, std::vector<int>& nodes) {
    ir::Node* clip = Inner(id);
    if (!clip || clip->op != ir::OpKind::kClip || clip->attrs.clip_min != 0.0f || clip->attrs.clip_max != 6.0f)
      return -1;
    ir::Node* add = Inner(clip->inputs[0]);
    if (!add || add->op != ir::OpKind::kAdd || add->inputs.size() != 2) return -1;
    for (int side = 0; side < 2; ++side)
      if (IsScalarConstant(g_, add->inputs[side], 3.0f)) {
        nodes.push_back(Index(*clip));
        nodes.push_back(Index(*add));
        return add->inputs[1 - side];
      }
    return -1;
  }

  // Matches v / 6 or v * (1/6) as node `n`; returns v or -1.
  int DividedBySix(const ir::Node& n) {
    if (n.inputs.size() != 2) return -1;
    if (n.op == ir::OpKind::kDiv && IsScalarConstant(g_, n.inputs[1], 6.0f)) return n.inputs[0];
    if (n.op == ir::OpKind::kMul)
      for (int side = 0; side < 2; ++side)
        if (IsScalarConstant(g_, n.inputs[side], 1.0f / 6.0f)) return n.inputs[1 - side];
    return -1;
  }

  int Index(const ir::Node& n) const { return static_cast<int>(&n - g_.nodes().data()); }
  void Remove(const std::vector<int>& nodes) {
    for (int i : nodes) removed_[i] = true;
  }
  std::vector<bool>& removed() { return removed_; }

 private:
  ir::Graph& g_;
  std::vector<int> producer_, consumers_;
  std::vector<bool> removed_ = std::vector<bool>(g_.nodes().size(), false);
};

void MakeHardSigmoid(ir::Node& n, int x) {
  n.op = ir::OpKind::kHardSigmoid;
  n.inputs = {x};
  n.attrs = ir::Attributes{};
  n.attrs.alpha = 1.0f / 6.0f;
  n.attrs.beta = 0.5f;
}

void MakeHardSwish(ir::Node& n, int x) {
  n.op = ir::OpKind::kHardSwish;
  n.inputs = {x};
  n.attrs = ir::Attributes{};
}

}  // namespace

HardActivationCount FuseHardActivations(ir::Graph& graph) {
  HardActivationCount count;
  Matcher m(graph);
  std::vector<ir::Node>& nodes = graph.nodes();
  // Outer nodes first: x * Clip(x + 3, 0, 6) / 6 (either association) is HardSwish.
  for (ir::Node& n : nodes) {
    if (m.removed()[m.Index(n)]) continue;
    // (x * clip) / 6
    if (const int product = m.DividedBySix(n); product >= 0) {
      ir::Node* mul = m.Inner(product);
      if (mul && mul->op == ir::OpKind::kMul && mul->inputs.size() == 2) {
        for (int side = 0; side < 2; ++side) {
          std::vector<int> inner;
          const int x = m.ShiftedRelu6(mul->inputs[side], inner);
          if (x < 0 || x != mul->inputs[1 - side]) continue;
          inner.push_back(m.Index(*mul));
          m.Remove(inner);
          MakeHardSwish(n, x);
          ++count.hard_swish;
          break;
        }
        if (n.op == ir::OpKind::kHardSwish) continue;
      }
    }
    // x * (clip / 6)  or  x * HardSigmoid(x)
    if (n.op == ir::OpKind::kMul && n.inputs.size() == 2) {
      for (int side = 0; side < 2; ++side) {
        const int x = n.inputs[1 - side];
        ir::Node* gate = m.Inner(n.inputs[side]);
        if (!gate) continue;
        std::vector<int> inner{m.Index(*gate)};
        bool matched = gate->op == ir::OpKind::kHardSigmoid && gate->inputs[0] == x &&
                       std::fabs(gate->attrs.alpha - 1.0f / 6.0f) <= 1e-6f && gate->attrs.beta == 0.5f;
        if (!matched)
          if (const int clipped = m.DividedBySix(*gate); clipped >= 0) matched = m.ShiftedRelu6(clipped, inner) == x;
        if (!matched) continue;
        m.Remove(inner);
        MakeHardSwish(n, x);
        ++count.hard_swish;
        break;
      }
    }
  }
  // What remains of the pattern without the outer multiply: Clip(x + 3, 0, 6) / 6 is HardSigmoid.
  for (ir::Node& n : nodes) {
    if (m.removed()[m.Index(n)]) continue;
    const int clipped = m.DividedBySix(n);
    if (clipped < 0) continue;
    std::vector<int> inner;
    const int x = m.ShiftedRelu6(clipped, inner);
    if (x < 0) continue;
    m.Remove(inner);
    MakeHardSigmoid(n, x);
    ++count.hard_sigmoid;
  }
  graph.EraseNodes(m.removed());
  return count;
}

}  // namespace rknnsim::passes
