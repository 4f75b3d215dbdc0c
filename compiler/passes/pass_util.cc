#include "compiler/passes/pass_util.h"

#include <algorithm>

namespace rknnsim::passes {

GraphUse::GraphUse(const ir::Graph& g)
    : producer(g.Producers()), consumers(g.ConsumerCounts()), is_output(g.tensors().size(), false) {
  for (int id : g.outputs()) is_output[static_cast<size_t>(id)] = true;
}

bool GraphUse::SoleInternalUse(int tensor) const {
  const auto t = static_cast<size_t>(tensor);
  return consumers[t] == 1 && !is_output[t];
}

std::optional<int> ConstantOperand(const ir::Graph& g, const ir::Node& node) {
  if (node.inputs.size() != 2) return std::nullopt;
  const bool c0 = g.tensor(node.inputs[0]).is_constant, c1 = g.tensor(node.inputs[1]).is_constant;
  if (c0 == c1) return std::nullopt;
  return c0 ? 0 : 1;
}

std::optional<std::vector<float>> PerChannelValues(const ir::Graph& g, int c, const ir::Shape& data) {
  const ir::Tensor& t = g.tensor(c);
  if (!t.is_constant || data.size() < 2 || t.shape.size() > data.size()) return std::nullopt;
  if (static_cast<int64_t>(t.float_data.size()) != t.num_elements()) return std::nullopt;
  const int64_t channels = data[1];
  // Right-aligned against `data`: only the channel axis may have an extent other than 1.
  const size_t lead = data.size() - t.shape.size();
  bool varies = false;
  for (size_t i = 0; i < t.shape.size(); ++i) {
    const size_t axis = lead + i;
    if (t.shape[i] == 1) continue;
    if (axis != 1 || t.shape[i] != channels) return std::nullopt;
    varies = true;
  }
  if (!varies) {
    if (t.float_data.empty()) return std::nullopt;  // an empty constant broadcasts data to size 0
    return std::vector<float>(static_cast<size_t>(channels), t.float_data[0]);
  }
  return t.float_data;  // all other extents are 1, so the data is the channel vector
}

bool IsAffineHost(const ir::Graph& g, const ir::Node& node) {
  const bool kind = node.op == ir::OpKind::kConv || node.op == ir::OpKind::kConvTranspose ||
                    (node.op == ir::OpKind::kGemm && node.attrs.trans_b && !node.attrs.trans_a);
  if (!kind || node.attrs.activation != ir::Activation::kNone || node.inputs.size() < 2) return false;
  for (size_t i = 1; i < node.inputs.size(); ++i)
    if (!g.tensor(node.inputs[i]).is_constant) return false;
  // The IR's float_data is the payload before quantization; passes run on float graphs only.
  return g.tensor(node.inputs[1]).dtype == ir::DType::kFloat32;
}

int64_t OutputChannels(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& w = g.tensor(node.inputs[1]).shape;
  return node.op == ir::OpKind::kConvTranspose ? w[1] * node.attrs.group : w[0];
}

int AddConstant(ir::Graph& g, const std::string& base, const ir::Shape& shape, std::vector<float> values) {
  std::string name = base;
  for (int k = 1; g.FindTensor(name) >= 0; ++k) name = base + "_" + std::to_string(k);
  ir::Tensor t;
  t.name = name;
  t.shape = shape;
  t.is_constant = true;
  t.float_data = std::move(values);
  return g.AddTensor(std::move(t));
}

int OwnConstant(ir::Graph& g, ir::Node& node, size_t index) {
  const int id = node.inputs[index];
  int readers = 0;
  for (const ir::Node& n : g.nodes()) readers += static_cast<int>(std::count(n.inputs.begin(), n.inputs.end(), id));
  readers += static_cast<int>(std::count(g.outputs().begin(), g.outputs().end(), id));
  if (readers <= 1) return id;
  const ir::Tensor copy = g.tensor(id);  // by value: AddConstant may reallocate the tensor list
  node.inputs[index] = AddConstant(g, copy.name + "_" + node.name, copy.shape, copy.float_data);
  return node.inputs[index];
}

void ScaleOutputChannels(ir::Graph& g, ir::Node& node, const std::vector<float>& scale,
                         const std::vector<float>& shift) {
  const int64_t m = OutputChannels(g, node);
  if (node.inputs.size() < 3) node.inputs.push_back(AddConstant(g, node.name + "_bias", {m}, std::vector<float>(m, 0.0f)));
  std::vector<float>& w = g.tensor(OwnConstant(g, node, 1)).float_data;
  const ir::Shape ws = g.tensor(node.inputs[1]).shape;
  if (node.op == ir::OpKind::kConvTranspose) {
    // [C_in, M / group, kh, kw]: input channel ci of group ci / (C_in / group) feeds outputs
    // group * (M / group) + mo.
    const int64_t cin = ws[0], mg = ws[1], block = ws[2] * ws[3], cg = cin / node.attrs.group;
    for (int64_t ci = 0; ci < cin; ++ci)
      for (int64_t mo = 0; mo < mg; ++mo) {
        const float s = scale[static_cast<size_t>(ci / cg * mg + mo)];
        float* p = w.data() + (ci * mg + mo) * block;
        for (int64_t i = 0; i < block; ++i) p[i] *= s;
      }
  } else {
    // Conv [M, C / group, kh, kw] and Gemm [N, K]: output channel m owns one contiguous block.
    const int64_t block = ir::NumElements(ws) / m;
    for (int64_t ch = 0; ch < m; ++ch)
      for (int64_t i = 0; i < block; ++i) w[static_cast<size_t>(ch * block + i)] *= scale[static_cast<size_t>(ch)];
  }
  std::vector<float>& b = g.tensor(OwnConstant(g, node, 2)).float_data;
  for (int64_t ch = 0; ch < m; ++ch) {
    const auto c = static_cast<size_t>(ch);
    b[c] = b[c] * scale[c] + shift[c];
  }
}

ir::Attributes Depthwise1x1(int64_t channels) {
  ir::Attributes a;
  a.kernel = {1, 1};
  a.strides = {1, 1};
  a.pads = {0, 0, 0, 0};
  a.dilations = {1, 1};
  a.group = channels;
  return a;
}

}  // namespace rknnsim::passes
