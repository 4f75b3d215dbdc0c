#include "compiler/frontend/onnx_decompose.h"

#include <utility>

#include <onnx/defs/attr_proto_util.h>

namespace rknnsim::frontend {
namespace {

const onnx::AttributeProto* FindAttr(const onnx::NodeProto& n, const std::string& name) {
  for (const onnx::AttributeProto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

float FloatAttr(const onnx::NodeProto& n, const std::string& name, float fallback) {
  const onnx::AttributeProto* a = FindAttr(n, name);
  return a ? a->f() : fallback;
}

int64_t IntAttr(const onnx::NodeProto& n, const std::string& name, int64_t fallback) {
  const onnx::AttributeProto* a = FindAttr(n, name);
  return a ? a->i() : fallback;
}

// The name of optional input `i`, or "" when it is left out.
std::string OptionalInput(const onnx::NodeProto& n, int i) { return n.input_size() > i ? n.input(i) : ""; }

// Collects the replacement nodes; each Add* returns the new node's output name.
class NodeList {
 public:
  explicit NodeList(std::string prefix) : prefix_(std::move(prefix)) {}

  std::string Add(const std::string& op, const std::string& suffix, const std::vector<std::string>& inputs) {
    onnx::NodeProto& n = nodes_.emplace_back();
    n.set_op_type(op);
    n.set_name(suffix.empty() ? prefix_ : prefix_ + "/" + suffix);
    for (const std::string& in : inputs) n.add_input(in);
    n.add_output(n.name() + ":0");
    return n.output(0);
  }

  std::string Scalar(const std::string& suffix, float value) {
    const std::string out = Add("Constant", suffix, {});
    Set("value_float", value);
    return out;
  }

  std::string Ints(const std::string& suffix, const std::vector<int64_t>& values) {
    const std::string out = Add("Constant", suffix, {});
    Set("value_ints", values);
    return out;
  }

  // An attribute of the node added last (float, int64_t, or a list of int64_t).
  template <typename T>
  void Set(const std::string& name, const T& value) {
    *nodes_.back().add_attribute() = onnx::MakeAttribute(name, value);
  }

  // The last node writes the original node's output, so later nodes and the graph outputs find it.
  std::vector<onnx::NodeProto> Finish(const std::string& output) {
    nodes_.back().set_output(0, output);
    return std::move(nodes_);
  }

 private:
  std::string prefix_;
  std::vector<onnx::NodeProto> nodes_;
};

// Y = alpha · A' · B' + beta · C. The compiler's Gemm (a 1×1 convolution on the NPU) takes
// constant 2-D weights, transA = 0 and a scalar or per-column C; anything else is built from
// Transpose, MatMul (both operands at run time), Mul and a broadcasting Add.
std::vector<onnx::NodeProto> DecomposeGemm(const onnx::NodeProto& node, const std::string& name,
                                           const TensorLookup& lookup) {
  if (node.input_size() < 2 || node.output_size() < 1) return {};
  const TensorFacts b = lookup(node.input(1));
  const std::string c_name = OptionalInput(node, 2);
  const TensorFacts c = c_name.empty() ? TensorFacts{} : lookup(c_name);
  if (!b.known || (!c_name.empty() && !c.known)) return {};  // the importer names the missing input
  const bool trans_a = IntAttr(node, "transA", 0) != 0, trans_b = IntAttr(node, "transB", 0) != 0;
  const float alpha = FloatAttr(node, "alpha", 1.0f), beta = FloatAttr(node, "beta", 1.0f);
  const bool constant_weights = b.constant && b.shape.size() == 2;
  const int64_t n = constant_weights ? b.shape[trans_b ? 0 : 1] : -1;
  const int64_t c_size = ir::NumElements(c.shape);
  const bool c_inside = !c_name.empty() && constant_weights && c.constant && (c_size == 1 || c_size == n);
  if (constant_weights && !trans_a && (c_name.empty() || c_inside)) return {};

  NodeList list(name);
  std::string a = node.input(0);
  if (trans_a) a = list.Add("Transpose", "transpose_a", {a});
  std::string y;
  if (constant_weights) {
    std::vector<std::string> inputs = {a, node.input(1)};
    if (c_inside) inputs.push_back(c_name);
    y = list.Add("Gemm", "", inputs);
    list.Set("transB", int64_t{trans_b ? 1 : 0});
    list.Set("alpha", alpha);
    if (c_inside) list.Set("beta", beta);
  } else {
    const std::string b_op = trans_b ? list.Add("Transpose", "transpose_b", {node.input(1)}) : node.input(1);
    y = list.Add("MatMul", "", {a, b_op});
    if (alpha != 1.0f) y = list.Add("Mul", "alpha", {y, list.Scalar("alpha_value", alpha)});
  }
  if (!c_name.empty() && !c_inside) {
    const std::string c_op = beta == 1.0f ? c_name : list.Add("Mul", "beta", {c_name, list.Scalar("beta_value", beta)});
    y = list.Add("Add", "add_c", {y, c_op});
  }
  return list.Finish(node.output(0));
}

bool IsConstantScalar(const TensorFacts& t) { return t.constant && ir::NumElements(t.shape) == 1; }

// Clip(x, min, max) with bounds known only at run time: Min(Max(x, min), max), which also gives
// ONNX's result when min > max (every value becomes max). Constant scalar bounds stay in a Clip,
// which the fusion pass can fold into the producing convolution.
std::vector<onnx::NodeProto> DecomposeClip(const onnx::NodeProto& node, const std::string& name,
                                           const TensorLookup& lookup) {
  if (node.input_size() < 1 || node.output_size() < 1) return {};
  const std::string min_name = OptionalInput(node, 1), max_name = OptionalInput(node, 2);
  const TensorFacts min = min_name.empty() ? TensorFacts{} : lookup(min_name);
  const TensorFacts max = max_name.empty() ? TensorFacts{} : lookup(max_name);
  if ((!min_name.empty() && !min.known) || (!max_name.empty() && !max.known)) return {};
  const bool dynamic_min = !min_name.empty() && !IsConstantScalar(min);
  const bool dynamic_max = !max_name.empty() && !IsConstantScalar(max);
  if (!dynamic_min && !dynamic_max) return {};

  NodeList list(name);
  std::string y = node.input(0);
  if ((!min_name.empty() && !dynamic_min) || (!max_name.empty() && !dynamic_max))
    y = list.Add("Clip", "", {y, dynamic_min ? "" : min_name, dynamic_max ? "" : max_name});
  if (dynamic_min) y = list.Add("Max", "min", {y, min_name});
  if (dynamic_max) y = list.Add("Min", "max", {y, max_name});
  return list.Finish(node.output(0));
}

// PRelu before opset 7 had no numpy broadcasting: a 1-D slope held one value per channel (axis 1),
// which is what PyTorch exported. ONNX's version converter keeps the slope as it is, so under the
// upgraded opset it would broadcast against the last axis instead.
std::vector<onnx::NodeProto> DecomposeLegacyPRelu(const onnx::NodeProto& node, const std::string& name,
                                                  int64_t source_opset, const TensorLookup& lookup) {
  if (source_opset >= 7 || node.input_size() != 2 || node.output_size() < 1) return {};
  const TensorFacts x = lookup(node.input(0)), slope = lookup(node.input(1));
  if (!x.known || !slope.known || x.shape.size() < 3 || slope.shape.size() != 1 || slope.shape[0] != x.shape[1] ||
      slope.shape[0] == 1)
    return {};
  std::vector<int64_t> per_channel(x.shape.size() - 1, 1);
  per_channel[0] = x.shape[1];
  NodeList list(name);
  const std::string reshaped = list.Add("Reshape", "slope", {node.input(1), list.Ints("slope_shape", per_channel)});
  list.Add("PRelu", "", {node.input(0), reshaped});
  return list.Finish(node.output(0));
}

}  // namespace

std::vector<onnx::NodeProto> Decompose(const onnx::NodeProto& node, const std::string& name, int64_t source_opset,
                                       const TensorLookup& lookup) {
  if (node.op_type() == "Gemm") return DecomposeGemm(node, name, lookup);
  if (node.op_type() == "Clip") return DecomposeClip(node, name, lookup);
  if (node.op_type() == "PRelu") return DecomposeLegacyPRelu(node, name, source_opset, lookup);
  return {};
}

}  // namespace rknnsim::frontend
