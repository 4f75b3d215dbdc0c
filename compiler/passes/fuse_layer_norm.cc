#include "compiler/passes/fuse_layer_norm.h"

#include <optional>
#include <string>
#include <vector>

#include "compiler/passes/pass_util.h"

namespace rknnsim::passes {
namespace {

bool IsScalar(const ir::Graph& g, int id) {
  const ir::Tensor& t = g.tensor(id);
  return t.is_constant && t.num_elements() == 1 && t.float_data.size() == 1;
}

// The first reduced axis when `reduce` is a keepdims ReduceMean over the trailing axes
// [first, rank) of its input; nullopt otherwise.
std::optional<int64_t> TrailingReduceAxis(const ir::Graph& g, const ir::Node& reduce) {
  if (reduce.op != ir::OpKind::kReduceMean || reduce.inputs.size() != 1 || !reduce.attrs.keepdims) return std::nullopt;
  const auto rank = static_cast<int64_t>(g.tensor(reduce.inputs[0]).shape.size());
  if (reduce.attrs.axes.empty() || rank == 0) return std::nullopt;
  std::vector<bool> reduced(static_cast<size_t>(rank), false);
  for (int64_t a : reduce.attrs.axes) {
    const int64_t axis = a < 0 ? a + rank : a;
    if (axis < 0 || axis >= rank) return std::nullopt;
    reduced[static_cast<size_t>(axis)] = true;
  }
  int64_t first = rank;
  while (first > 0 && reduced[static_cast<size_t>(first - 1)]) --first;
  for (int64_t i = 0; i < first; ++i)
    if (reduced[static_cast<size_t>(i)]) return std::nullopt;  // a gap: not trailing axes
  return first;
}

// The shape a constant takes as LayerNormalization's Scale or B when it broadcasts onto the
// normalized shape (the trailing axes from `axis`) without enlarging it: its right-aligned extents
// are those of the normalized shape or 1, and leading 1s beyond the normalized rank (a (1,1,C)
// gamma of a (1,T,C) input) are dropped, as LayerNormalization's parameters may not have them.
std::optional<ir::Shape> NormalizedParamShape(const ir::Graph& g, int c, const ir::Shape& x, int64_t axis) {
  const ir::Tensor& t = g.tensor(c);
  if (!t.is_constant || t.dtype != ir::DType::kFloat32 ||
      static_cast<int64_t>(t.float_data.size()) != t.num_elements())
    return std::nullopt;
  const ir::Shape normalized(x.begin() + axis, x.end());
  size_t lead = 0;
  while (lead < t.shape.size() && t.shape[lead] == 1 && t.shape.size() - lead > normalized.size()) ++lead;
  if (t.shape.size() - lead > normalized.size()) return std::nullopt;
  const size_t off = normalized.size() - (t.shape.size() - lead);
  for (size_t i = lead; i < t.shape.size(); ++i)
    if (t.shape[i] != 1 && t.shape[i] != normalized[off + i - lead]) return std::nullopt;
  return ir::Shape(t.shape.begin() + static_cast<std::ptrdiff_t>(lead), t.shape.end());
}

class LayerNormMatcher {
 public:
  explicit LayerNormMatcher(ir::Graph& g) : g_(g), use_(g) {}

  // The node producing `id` when it is an intermediate read by `uses` node inputs only.
  ir::Node* Inner(int id, int uses = 1) {
    const auto t = static_cast<size_t>(id);
    const int p = use_.producer[t];
    if (p < 0 || removed_[static_cast<size_t>(p)] || use_.consumers[t] != uses || use_.is_output[t]) return nullptr;
    return &g_.nodes()[static_cast<size_t>(p)];
  }

  // Matches the normalization d / Sqrt(ReduceMean(d^2) + eps), d = x - ReduceMean(x), ending at
  // `div`. On success returns x and fills the matched nodes, the axis and epsilon.
  std::optional<int> Normalization(const ir::Node& div, std::vector<int>& nodes, int64_t& axis, float& epsilon) {
    if (div.op != ir::OpKind::kDiv || div.inputs.size() != 2) return std::nullopt;
    const int d = div.inputs[0];
    ir::Node* sqrt = Inner(div.inputs[1]);
    if (!sqrt || sqrt->op != ir::OpKind::kSqrt) return std::nullopt;
    ir::Node* add = Inner(sqrt->inputs[0]);
    if (!add || add->op != ir::OpKind::kAdd || add->inputs.size() != 2) return std::nullopt;
    const auto eps_side = ConstantOperand(g_, *add);
    if (!eps_side || !IsScalar(g_, add->inputs[*eps_side])) return std::nullopt;
    ir::Node* var = Inner(add->inputs[1 - *eps_side]);
    if (!var) return std::nullopt;
    const auto var_axis = TrailingReduceAxis(g_, *var);
    if (!var_axis) return std::nullopt;
    ir::Node* square = Inner(var->inputs[0]);
    if (!square || !IsSquareOf(*square, d)) return std::nullopt;
    // d feeds the square (once as Pow, twice as Mul) and the Div, nothing else.
    ir::Node* sub = Inner(d, square->op == ir::OpKind::kPow ? 2 : 3);
    if (!sub || sub->op != ir::OpKind::kSub || sub->inputs.size() != 2) return std::nullopt;
    const int x = sub->inputs[0];
    ir::Node* mean = Inner(sub->inputs[1]);
    if (!mean || mean->inputs[0] != x || TrailingReduceAxis(g_, *mean) != var_axis) return std::nullopt;
    if (g_.tensor(d).shape != g_.tensor(x).shape) return std::nullopt;
    for (const ir::Node* n : {sqrt, add, var, square, sub, mean}) nodes.push_back(Index(*n));
    axis = *var_axis;
    epsilon = g_.tensor(add->inputs[*eps_side]).float_data[0];
    return x;
  }

  // The affine `node` (Mul by gamma or Add of beta) applied to `value` with a constant fitting the
  // normalized shape: returns that constant, or a copy without its extra leading 1s.
  std::optional<int> AffineConstant(const ir::Node& node, ir::OpKind op, int value, const ir::Shape& x, int64_t axis) {
    if (node.op != op || node.inputs.size() != 2) return std::nullopt;
    const auto c = ConstantOperand(g_, node);
    if (!c || node.inputs[1 - *c] != value) return std::nullopt;
    const int param = node.inputs[*c];
    const std::optional<ir::Shape> shape = NormalizedParamShape(g_, param, x, axis);
    if (!shape) return std::nullopt;
    if (*shape == g_.tensor(param).shape) return param;
    return AddConstant(g_, g_.tensor(param).name + "_ln", *shape, g_.tensor(param).float_data);
  }

  // The node that alone reads `id`, when `id` is not a graph output.
  ir::Node* SoleReader(int id) {
    if (!use_.SoleInternalUse(id)) return nullptr;
    for (ir::Node& n : g_.nodes())
      if (!removed_[static_cast<size_t>(Index(n))])
        for (int in : n.inputs)
          if (in == id) return &n;
    return nullptr;
  }

  int Index(const ir::Node& n) const { return static_cast<int>(&n - g_.nodes().data()); }
  std::vector<bool>& removed() { return removed_; }

 private:
  bool IsSquareOf(const ir::Node& n, int d) const {
    if (n.inputs.empty() || n.inputs[0] != d || n.inputs.size() != 2) return false;
    if (n.op == ir::OpKind::kMul) return n.inputs[1] == d;
    return n.op == ir::OpKind::kPow && IsScalar(g_, n.inputs[1]) && g_.tensor(n.inputs[1]).float_data[0] == 2.0f;
  }

  ir::Graph& g_;
  GraphUse use_;
  std::vector<bool> removed_ = std::vector<bool>(g_.nodes().size(), false);
};

}  // namespace

int FuseLayerNorm(ir::Graph& graph) {
  LayerNormMatcher m(graph);
  int fused = 0;
  for (size_t i = 0; i < graph.nodes().size(); ++i) {
    ir::Node* div = &graph.nodes()[i];
    if (m.removed()[i]) continue;
    std::vector<int> inner;
    int64_t axis = 0;
    float epsilon = 0.0f;
    const std::optional<int> x = m.Normalization(*div, inner, axis, epsilon);
    if (!x) continue;
    const ir::Shape x_shape = graph.tensor(*x).shape;
    // The optional elementwise affine: * gamma, then + beta, each read only by the next step.
    ir::Node* last = div;
    std::optional<int> gamma, beta;
    if (ir::Node* mul = m.SoleReader(div->outputs[0])) {
      gamma = m.AffineConstant(*mul, ir::OpKind::kMul, div->outputs[0], x_shape, axis);
      if (gamma) {
        inner.push_back(m.Index(*last));
        last = mul;
        if (ir::Node* add = m.SoleReader(mul->outputs[0])) {
          beta = m.AffineConstant(*add, ir::OpKind::kAdd, mul->outputs[0], x_shape, axis);
          if (beta) inner.push_back(m.Index(*last)), last = add;
        }
      }
    }
    if (!gamma) {
      const ir::Shape normalized(x_shape.begin() + axis, x_shape.end());
      gamma = AddConstant(graph, last->name + "_gamma", normalized,
                          std::vector<float>(static_cast<size_t>(ir::NumElements(normalized)), 1.0f));
    }
    for (int n : inner) m.removed()[static_cast<size_t>(n)] = true;
    last->op = ir::OpKind::kLayerNormalization;
    last->inputs = {*x, *gamma};
    if (beta) last->inputs.push_back(*beta);
    last->attrs = ir::Attributes{};
    last->attrs.axis = axis;
    last->attrs.epsilon = epsilon;
    ++fused;
  }
  graph.EraseNodes(m.removed());
  return fused;
}

}  // namespace rknnsim::passes
