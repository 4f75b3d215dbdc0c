#include "compiler/frontend/onnx_windows_1d.h"

#include <string>
#include <vector>

namespace rknnsim::frontend {
namespace {

onnx::AttributeProto* FindAttr(onnx::NodeProto& n, const std::string& name) {
  for (onnx::AttributeProto& a : *n.mutable_attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

onnx::TensorProto* FindInitializer(onnx::GraphProto& g, const std::string& name) {
  for (onnx::TensorProto& t : *g.mutable_initializer())
    if (t.name() == name) return &t;
  return nullptr;
}

bool HasWeights(const onnx::NodeProto& n) { return n.op_type() == "Conv" || n.op_type() == "ConvTranspose"; }

// The node's window is 1-D: a one-element kernel_shape, or 3-D weights (an initializer or a graph
// input).
bool IsOneDimensional(onnx::NodeProto& n, onnx::GraphProto& g) {
  if (n.op_type() != "Conv" && n.op_type() != "ConvTranspose" && n.op_type() != "MaxPool" &&
      n.op_type() != "AveragePool")
    return false;
  if (const onnx::AttributeProto* k = FindAttr(n, "kernel_shape")) return k->ints_size() == 1;
  if (!HasWeights(n) || n.input_size() < 2) return false;
  if (const onnx::TensorProto* w = FindInitializer(g, n.input(1))) return w->dims_size() == 3;
  for (const onnx::ValueInfoProto& v : g.input())  // weights fed as a graph input
    if (v.name() == n.input(1) && v.type().has_tensor_type() && v.type().tensor_type().has_shape())
      return v.type().tensor_type().shape().dim_size() == 3;
  return false;
}

// [v] -> [fill, v] for kernel_shape/strides/dilations/output_padding/output_shape; pads [b, e] ->
// [0, b, 0, e].
void WidenAttr(onnx::NodeProto& n, const std::string& name, int64_t fill) {
  onnx::AttributeProto* a = FindAttr(n, name);
  if (!a) return;
  std::vector<int64_t> v(a->ints().begin(), a->ints().end());
  a->clear_ints();
  if (name == "pads" && v.size() == 2) v = {0, v[0], 0, v[1]};
  else if (v.size() == 1) v = {fill, v[0]};
  for (int64_t x : v) a->add_ints(x);
}

// A node that inserts (Unsqueeze) or removes (Squeeze) axis 2, in the opset's form.
onnx::NodeProto AxisNode(const std::string& op, const std::string& in, const std::string& out, int64_t opset,
                         onnx::GraphProto& g) {
  onnx::NodeProto n;
  n.set_op_type(op);
  n.set_name(out + "/" + op);
  n.add_input(in);
  n.add_output(out);
  if (opset >= 13) {  // axes as a constant input
    onnx::TensorProto* axes = g.add_initializer();
    axes->set_name(out + "/axes");
    axes->set_data_type(onnx::TensorProto::INT64);
    axes->add_dims(1);
    axes->add_int64_data(2);
    n.add_input(axes->name());
  } else {
    onnx::AttributeProto* a = n.add_attribute();
    a->set_name("axes");
    a->set_type(onnx::AttributeProto::INTS);
    a->add_ints(2);
  }
  return n;
}

}  // namespace

void LiftOneDimensionalWindows(onnx::ModelProto& model, int64_t opset) {
  onnx::GraphProto& g = *model.mutable_graph();
  std::vector<onnx::NodeProto> nodes;
  for (onnx::NodeProto n : g.node()) {
    if (!IsOneDimensional(n, g) || n.input_size() < 1 || n.output_size() < 1) {
      nodes.push_back(std::move(n));
      continue;
    }
    const std::string x = n.input(0), y = n.output(0), x4 = x + "/as_2d/" + y, y4 = y + "/as_2d";
    nodes.push_back(AxisNode("Unsqueeze", x, x4, opset, g));
    n.set_input(0, x4);
    if (HasWeights(n) && n.input_size() >= 2) {
      if (onnx::TensorProto* w = FindInitializer(g, n.input(1)); w && w->dims_size() == 3) {
        // (O, I, k) -> (O, I, 1, k) (ConvTranspose: (I, O, k)): the same bytes in the same order.
        const int64_t k = w->dims(2);
        w->set_dims(2, 1);
        w->add_dims(k);
      } else {
        const std::string w4 = n.input(1) + "/as_2d/" + y;
        nodes.push_back(AxisNode("Unsqueeze", n.input(1), w4, opset, g));
        n.set_input(1, w4);
      }
    }
    for (const char* attr : {"kernel_shape", "strides", "dilations", "output_shape"}) WidenAttr(n, attr, 1);
    WidenAttr(n, "output_padding", 0);
    WidenAttr(n, "pads", 0);
    n.set_output(0, y4);
    // MaxPool's Indices too: the flat index of (n, c, 0, l) in N x C x 1 x L is that of (n, c, l).
    std::vector<std::pair<std::string, std::string>> more;  // (lifted, original) of outputs 1..
    for (int k = 1; k < n.output_size(); ++k)
      if (!n.output(k).empty()) more.emplace_back(n.output(k) + "/as_2d", n.output(k)), n.set_output(k, more.back().first);
    nodes.push_back(std::move(n));
    nodes.push_back(AxisNode("Squeeze", y4, y, opset, g));
    for (const auto& [lifted, original] : more) nodes.push_back(AxisNode("Squeeze", lifted, original, opset, g));
  }
  g.clear_node();
  for (onnx::NodeProto& n : nodes) *g.add_node() = std::move(n);
}

}  // namespace rknnsim::frontend
