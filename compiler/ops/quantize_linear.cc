// QuantizeLinear / DequantizeLinear. The integer side's type is the zero point's element type
// (uint8 without a zero point), which the importer reports through AttrReader::InputType and
// parse() keeps in attrs.to; the float32 reference holds those integers as float values.
//   QuantizeLinear:   y = saturate(rint(x / scale) + zero_point), rint = round half to even (as
//                     ONNX's reference, numpy.rint), x / scale in float32; NaN gives the zero point.
//   DequantizeLinear: y = (x - zero_point) * scale in float32 (x - zero_point is exact).
// Scale and zero point must be constants: per tensor (one value) or, from opset 13, per axis (a
// 1-D tensor along `axis`). Opset 21's output_dtype names the type when there is no zero point;
// int16/uint16, int4, the float8 types and blocked quantization (block_size) are refused.
#include "compiler/ops/quantize_linear.h"

#include <cmath>
#include <string>

#include "compiler/ops/elementwise.h"
#include "compiler/ops/op_util.h"

namespace rknnsim::ops {
namespace {

bool IsQuantize(const ir::Node& node) { return node.op == ir::OpKind::kQuantizeLinear; }
const char* OpName(const ir::Node& node) { return IsQuantize(node) ? "QuantizeLinear" : "DequantizeLinear"; }

const ir::Tensor& ConstantInput(const ir::Graph& g, const ir::Node& node, size_t i, const char* what) {
  const ir::Tensor& t = g.tensor(node.inputs[i]);
  if (!t.is_constant)
    throw NodeError(node, std::string(OpName(node)) + " with a non-constant " + what + " is not supported",
                    "store the scale and zero point as initializers (a QDQ model from a quantization tool does)");
  return t;
}

void ParseQdq(const AttrReader& reader, const ir::Graph& g, ir::Node& node) {
  const char* op = OpName(node);
  RequireInputs(node, op, 2, 3);
  if (reader.Int("block_size", 0) != 0)
    throw NodeError(node, std::string(op) + " with blocked quantization (block_size, opset 21) is not supported",
                    "quantize per tensor or per channel");
  const ir::Tensor& scale = ConstantInput(g, node, 1, "scale");
  const ir::Shape& x_shape = InputShape(g, node, 0);
  const int64_t rank = static_cast<int64_t>(x_shape.size());
  node.attrs.axis = -1;  // per tensor
  if (scale.num_elements() != 1) {
    if (g.opset() < 13)
      throw NodeError(node, std::string(op) + " with a per-axis scale needs opset 13 (the model has opset " +
                                std::to_string(g.opset()) + ")");
    int64_t axis = reader.Int("axis", 1);
    if (axis < -rank || axis >= rank)
      throw NodeError(node, "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
    if (axis < 0) axis += rank;
    if (scale.shape.size() != 1 || scale.shape[0] != x_shape[static_cast<size_t>(axis)])
      throw NodeError(node, "scale of shape " + ir::ShapeToString(scale.shape) + " does not match axis " +
                                std::to_string(axis) + " of the input " + ir::ShapeToString(x_shape));
    node.attrs.axis = axis;
  }
  for (float s : scale.float_data)
    if (!(s > 0.0f) || !std::isfinite(s))
      throw NodeError(node, std::string(op) + " scale " + std::to_string(s) + " is not positive and finite");
  // ONNX: without a zero point the integer type is uint8, or QuantizeLinear's output_dtype (opset 21).
  int64_t type = IsQuantize(node) ? reader.Int("output_dtype", 0) : 0;
  if (type == 0) type = kQdqUint8;
  if (node.inputs.size() > 2 && node.inputs[2] >= 0) {
    const ir::Tensor& zp = ConstantInput(g, node, 2, "zero point");
    if (zp.num_elements() != scale.num_elements())
      throw NodeError(node, "zero point has " + std::to_string(zp.num_elements()) + " value(s), scale " +
                                std::to_string(scale.num_elements()));
    const int64_t declared = type;
    type = reader.InputType(2);
    if (IsQuantize(node) && reader.Has("output_dtype") && type != 0 && type != declared)
      throw NodeError(node, std::string("QuantizeLinear output_dtype ") + OnnxTypeName(declared) + " differs from its zero point's type " +
                                OnnxTypeName(type));
    if (type == 0)
      throw NodeError(node, std::string(op) + ": the zero point's integer type is unknown",
                      "store the zero point as a uint8 or int8 initializer");
  }
  const bool supported = type == kQdqUint8 || type == kQdqInt8 || (!IsQuantize(node) && type == kQdqInt32);
  if (!supported)
    throw NodeError(node, std::string(op) + " to " + OnnxTypeName(type) + " is not supported",
                    "quantize to uint8 or int8 (the NPU's integer type is int8)");
  node.attrs.to = type;
}

std::vector<ir::Shape> InferQdq(const ir::Graph& g, const ir::Node& node) { return {InputShape(g, node, 0)}; }

// Index into the scale/zero point of element i of a tensor of `shape` (0 when per tensor).
struct ParamIndex {
  int64_t inner = 1, count = 1;
  ParamIndex(const ir::Shape& shape, int64_t axis) {
    if (axis < 0) return;
    count = shape[static_cast<size_t>(axis)];
    for (size_t d = static_cast<size_t>(axis) + 1; d < shape.size(); ++d) inner *= shape[d];
  }
  size_t operator()(size_t i) const { return count == 1 ? 0 : static_cast<size_t>((static_cast<int64_t>(i) / inner) % count); }
};

float ZeroPointAt(const FloatArgs& args, size_t p) { return args.in.size() > 2 ? (*args.in[2])[p] : 0.0f; }

void RunQuantize(FloatArgs& args) {
  CheckInputSize(args, 0);
  const std::vector<float>& x = *args.in[0];
  const std::vector<float>& scale = *args.in[1];
  const bool is_signed = args.node.attrs.to == kQdqInt8;
  const float lo = is_signed ? -128.0f : 0.0f, hi = is_signed ? 127.0f : 255.0f;
  const ParamIndex index(InputShape(args.graph, args.node, 0), args.node.attrs.axis);
  args.out.resize(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const size_t p = index(i);
    const float r = std::nearbyint(x[i] / scale[p]);  // default rounding mode: half to even
    const float v = std::isnan(r) ? ZeroPointAt(args, p) : r + ZeroPointAt(args, p);
    args.out[i] = v < lo ? lo : (v > hi ? hi : v);
  }
}

void RunDequantize(FloatArgs& args) {
  CheckInputSize(args, 0);
  const std::vector<float>& x = *args.in[0];
  const std::vector<float>& scale = *args.in[1];
  const ParamIndex index(InputShape(args.graph, args.node, 0), args.node.attrs.axis);
  args.out.resize(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const size_t p = index(i);
    args.out[i] = static_cast<float>(double{x[i]} - double{ZeroPointAt(args, p)}) * scale[p];
  }
}

}  // namespace

ir::QuantParams QdqParams(const ir::Graph& graph, const ir::Node& node) {
  ir::QuantParams q;
  q.scale = graph.tensor(node.inputs[1]).float_data;
  const bool has_zp = node.inputs.size() > 2 && node.inputs[2] >= 0;
  const int32_t shift = node.attrs.to == kQdqUint8 ? -128 : 0;
  for (size_t i = 0; i < q.scale.size(); ++i)
    q.zero_point.push_back((has_zp ? static_cast<int32_t>(graph.tensor(node.inputs[2]).float_data[i]) : 0) + shift);
  q.axis = static_cast<int>(node.attrs.axis);
  return q;
}

// opsets: 10-21
// limits: constant scale/zero point; per tensor, per axis from opset 13; uint8/int8; folded away in int8 models
const OpDef kQuantizeLinearOp{ir::OpKind::kQuantizeLinear, "QuantizeLinear", ParseQdq, InferQdq, RunQuantize,
                              nullptr, nullptr, false};
// opsets: 10-21
// limits: constant scale/zero point; per tensor, per axis from opset 13; uint8/int8/int32; folded away in int8 models
const OpDef kDequantizeLinearOp{ir::OpKind::kDequantizeLinear, "DequantizeLinear", ParseQdq, InferQdq,
                                RunDequantize, nullptr, nullptr, false};

}  // namespace rknnsim::ops
