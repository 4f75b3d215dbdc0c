// Add (ONNX opset 7-21), optionally with a fused ReLU/Clip. The float32 reference broadcasts
// numpy-style (compiler/ops/broadcast.h); the int8/fp16 (NPU) kernels handle same-shape operands
// only, the residual adds CNNs use, and refuse broadcasting with a NodeError.
#include <algorithm>

#include "common/fp16.h"
#include "compiler/ops/broadcast.h"
#include "compiler/ops/elementwise.h"
#include "compiler/ops/op_list.h"
#include "compiler/ops/op_util.h"
#include "compiler/quant/arithmetic.h"

namespace rknnsim::ops {
namespace {

void Parse(const AttrReader&, const ir::Graph&, ir::Node& node) { RequireInputs(node, "Add", 2, 2); }

std::vector<ir::Shape> Infer(const ir::Graph& g, const ir::Node& node) { return {InferBroadcast(g, node, "Add")}; }

// The quantized kernels add element by element.
void RequireSameShapes(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& a = InputShape(g, node, 0);
  const ir::Shape& b = InputShape(g, node, 1);
  if (a != b)
    throw NodeError(node, "Add with broadcasting " + ir::ShapeToString(a) + " + " + ir::ShapeToString(b) +
                              " is not supported on the NPU path yet",
                    "make both operands the same shape in the source model (e.g. expand the smaller one)");
}

void RunFloat(FloatArgs& args) {
  CheckInputSize(args, 0);
  CheckInputSize(args, 1);
  const std::vector<float>& a = *args.in[0];
  const std::vector<float>& b = *args.in[1];
  const ir::Attributes& attrs = args.node.attrs;
  const ir::Shape& sa = InputShape(args.graph, args.node, 0);
  const ir::Shape& sb = InputShape(args.graph, args.node, 1);
  if (sa == sb) {
    args.out.resize(a.size());
    for (size_t i = 0; i < a.size(); ++i) args.out[i] = a[i] + b[i];
    ApplyActivation(attrs, args.out.data(), args.out.data(), args.out.size());
    return;
  }
  const ir::Shape out = BroadcastShape(sa, sb);
  args.out.resize(static_cast<size_t>(ir::NumElements(out)));
  BroadcastBinary(MakeBroadcastPlan({sa, sb}, out), a.data(), b.data(), args.out.data(),
                  [&attrs](float x, float y) { return ApplyActivation(attrs, x + y); });
}

// int8: both inputs rescaled to the output scale with one shared shift, then offset and clamped.
void RunInt8(Int8Args& args) {
  RequireSameShapes(args.graph, args.node);
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
  RequireSameShapes(args.graph, args.node);
  RunFloat(args);
  for (float& v : args.out) v = RoundToHalf(v);
}

}  // namespace

// limits: the int8/fp16 (NPU) kernels need equal shapes; broadcasting Adds run on the CPU
const OpDef kAddOp{ir::OpKind::kAdd, "Add", Parse, Infer, RunFloat, RunInt8, RunFp16, false};

}  // namespace rknnsim::ops
