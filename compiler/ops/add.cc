// Add (ONNX opset 7-17) of two tensors of the same shape, optionally with a fused ReLU/Clip.
// Broadcasting is left to the "ONNX frontend" work; same-shape residual adds are what CNNs use.
#include "common/fp16.h"
#include "compiler/ops/op_list.h"
#include "compiler/ops/op_util.h"
#include "compiler/quant/arithmetic.h"

namespace rknnsim::ops {
namespace {

void Parse(const AttrReader&, const ir::Graph&, ir::Node& node) {
  if (node.inputs.size() != 2) throw NodeError(node, "Add takes two inputs");
}

std::vector<ir::Shape> Infer(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& a = InputShape(g, node, 0);
  const ir::Shape& b = InputShape(g, node, 1);
  if (a != b)
    throw NodeError(node, "Add with broadcasting " + ir::ShapeToString(a) + " + " + ir::ShapeToString(b) +
                              " is not supported yet", "make both operands the same shape");
  return {a};
}

void RunFloat(FloatArgs& args) {
  const std::vector<float>& a = *args.in[0];
  const std::vector<float>& b = *args.in[1];
  args.out.resize(a.size());
  for (size_t i = 0; i < a.size(); ++i) args.out[i] = ApplyActivation(args.node.attrs, a[i] + b[i]);
}

// int8: both inputs rescaled to the output scale with one shared shift, then offset and clamped.
void RunInt8(Int8Args& args) {
  const ir::Tensor& at = args.graph.tensor(args.node.inputs[0]);
  const ir::Tensor& bt = args.graph.tensor(args.node.inputs[1]);
  const ir::Tensor& yt = args.graph.tensor(args.node.outputs[0]);
  const double so = yt.quant.scale[0];
  const quant::AddRequant rq = quant::MakeAddRequant(at.quant.scale[0] / so, bt.quant.scale[0] / so);
  const quant::ClampRange range = quant::ActivationRange(args.node.attrs, yt.quant);
  const int32_t za = at.quant.zero_point[0], zb = bt.quant.zero_point[0], zy = yt.quant.zero_point[0];
  const std::vector<int8_t>& a = *args.in[0];
  const std::vector<int8_t>& b = *args.in[1];
  args.out.resize(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    const int64_t sum = (int64_t{a[i]} - za) * rq.scale_a + (int64_t{b[i]} - zb) * rq.scale_b;
    const int64_t v = quant::RoundingShiftRight(sum, rq.shift) + zy;
    args.out[i] = static_cast<int8_t>(std::clamp<int64_t>(v, range.lo, range.hi));
  }
}

void RunFp16(Fp16Args& args) {
  RunFloat(args);
  for (float& v : args.out) v = RoundToHalf(v);
}

}  // namespace

const OpDef kAddOp{ir::OpKind::kAdd, "Add", Parse, Infer, RunFloat, RunInt8, RunFp16, false};

}  // namespace rknnsim::ops
