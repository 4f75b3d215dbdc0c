#include "compiler/passes/lower_conv_transpose.h"

#include "compiler/passes/pass_util.h"

namespace rknnsim::passes {
namespace {

bool Lowerable(const ir::Graph& g, const ir::Node& n) {
  if (n.op != ir::OpKind::kConvTranspose || n.inputs.size() < 2 || n.inputs.size() > 3) return false;
  if (n.inputs[0] < 0 || n.inputs[1] < 0 || !g.tensor(n.inputs[1]).is_constant) return false;
  if (n.inputs.size() == 3 && (n.inputs[2] < 0 || !g.tensor(n.inputs[2]).is_constant)) return false;
  const ir::Shape& x = g.tensor(n.inputs[0]).shape;
  const ir::Shape& w = g.tensor(n.inputs[1]).shape;
  if (x.size() != 4 || w.size() != 4 || x[2] <= 0 || x[3] <= 0) return false;
  if (g.tensor(n.inputs[1]).float_data.size() != static_cast<size_t>(ir::NumElements(w))) return false;
  const ir::Attributes& a = n.attrs;
  for (size_t i = 0; i < 2; ++i) {
    if (a.dilations[i] != 1) return false;
    const int64_t k = w[2 + i];
    // The Conv's pads: k-1-pad_begin before, k-1-pad_end+output_padding after; both must be >= 0.
    if (a.pads[i] > k - 1 || a.pads[i + 2] > k - 1 + a.output_padding[i]) return false;
  }
  return true;
}

// W'[g·M_g + m, c, i, j] = W[g·C_g + c, m, kh-1-i, kw-1-j]
std::vector<float> ConvWeights(const ir::Tensor& w, int64_t group) {
  const int64_t cin = w.shape[0], mg = w.shape[1], kh = w.shape[2], kw = w.shape[3], cg = cin / group;
  std::vector<float> out(w.float_data.size());
  for (int64_t gr = 0; gr < group; ++gr)
    for (int64_t m = 0; m < mg; ++m)
      for (int64_t c = 0; c < cg; ++c)
        for (int64_t i = 0; i < kh; ++i)
          for (int64_t j = 0; j < kw; ++j)
            out[static_cast<size_t>((((gr * mg + m) * cg + c) * kh + i) * kw + j)] =
                w.float_data[static_cast<size_t>((((gr * cg + c) * mg + m) * kh + (kh - 1 - i)) * kw + (kw - 1 - j))];
  return out;
}

}  // namespace

int LowerConvTranspose(ir::Graph& graph) {
  std::vector<ir::Node> nodes;
  int lowered = 0;
  for (ir::Node& n : graph.nodes()) {
    if (!Lowerable(graph, n)) {
      nodes.push_back(std::move(n));
      continue;
    }
    const ir::Tensor& x = graph.tensor(n.inputs[0]);
    const ir::Tensor& w = graph.tensor(n.inputs[1]);
    const ir::Attributes a = n.attrs;
    const int64_t kh = w.shape[2], kw = w.shape[3];

    ir::Tensor spread;
    spread.name = n.name + "_zero_insert";
    while (graph.FindTensor(spread.name) >= 0) spread.name += "_";
    spread.dtype = x.dtype;
    spread.shape = {x.shape[0], x.shape[1], (x.shape[2] - 1) * a.strides[0] + 1, (x.shape[3] - 1) * a.strides[1] + 1};
    const int input = n.inputs[0];
    const int spread_id = graph.AddTensor(spread);
    ir::Node insert;
    insert.op = ir::OpKind::kZeroInsert;
    insert.name = n.name + "_zero_insert";
    insert.inputs = {input};
    insert.outputs = {spread_id};
    insert.attrs.strides = a.strides;

    const ir::Tensor& weights = graph.tensor(n.inputs[1]);  // AddTensor may have moved the tensors
    const ir::Shape conv_shape{weights.shape[1] * a.group, weights.shape[0] / a.group, kh, kw};
    const int conv_w = AddConstant(graph, weights.name + "_deconv", conv_shape, ConvWeights(weights, a.group));

    ir::Node conv = std::move(n);
    conv.op = ir::OpKind::kConv;
    conv.inputs[0] = spread_id;
    conv.inputs[1] = conv_w;
    conv.attrs = ir::Attributes{};
    conv.attrs.kernel = {kh, kw};
    conv.attrs.strides = {1, 1};
    conv.attrs.dilations = {1, 1};
    conv.attrs.group = a.group;
    conv.attrs.activation = a.activation, conv.attrs.clip_min = a.clip_min, conv.attrs.clip_max = a.clip_max;
    conv.attrs.pads = {kh - 1 - a.pads[0], kw - 1 - a.pads[1], kh - 1 - a.pads[2] + a.output_padding[0],
                       kw - 1 - a.pads[3] + a.output_padding[1]};
    nodes.push_back(std::move(insert));
    nodes.push_back(std::move(conv));
    ++lowered;
  }
  graph.nodes() = std::move(nodes);
  return lowered;
}

}  // namespace rknnsim::passes
