// Mul (ONNX opsets 7-21). The float32 reference broadcasts numpy-style; the int8/fp16 (NPU)
// kernels handle the DPU's two forms (docs/quantization.md §20): same-shape operands, and a
// [1, C, H, W] tensor times a computed per-channel multiplier [1, C, 1, 1] (squeeze-excitation),
// in either operand order. Other broadcasts are refused with a NodeError (placement keeps them on
// the CPU).
#include <algorithm>

#include "common/fp16.h"
#include "compiler/ops/broadcast.h"
#include "compiler/ops/elementwise.h"
#include "compiler/ops/op_util.h"
#include "compiler/quant/arithmetic.h"

namespace rknnsim::ops {

int ChannelMultiplierOperand(const ir::Shape& a, const ir::Shape& b) {
  for (int k : {0, 1}) {
    const ir::Shape& s = k == 0 ? a : b;
    const ir::Shape& x = k == 0 ? b : a;
    if (s.size() == 4 && x.size() == 4 && s[0] == 1 && x[0] == 1 && s[1] == x[1] && s[2] == 1 && s[3] == 1 &&
        x[2] * x[3] > 1)
      return k;
  }
  return -1;
}

namespace {

void Parse(const AttrReader&, const ir::Graph&, ir::Node& node) { RequireInputs(node, "Mul", 2, 2); }

std::vector<ir::Shape> Infer(const ir::Graph& g, const ir::Node& node) { return {InferBroadcast(g, node, "Mul")}; }

void RunFloat(FloatArgs& args) {
  CheckInputSize(args, 0);
  CheckInputSize(args, 1);
  const ir::Shape& sa = InputShape(args.graph, args.node, 0);
  const ir::Shape& sb = InputShape(args.graph, args.node, 1);
  const ir::Shape out = BroadcastShape(sa, sb);
  args.out.resize(static_cast<size_t>(ir::NumElements(out)));
  BroadcastBinary(MakeBroadcastPlan({sa, sb}, out), args.in[0]->data(), args.in[1]->data(), args.out.data(),
                  [](float x, float y) { return x * y; });
}

// The operand order for the quantized kernels: {x, s} where s is x's per-channel multiplier or a
// same-shape tensor; `per_channel` tells which.
struct Operands {
  int x = 0, s = 1;
  bool per_channel = false;
};

Operands NpuOperands(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& a = InputShape(g, node, 0);
  const ir::Shape& b = InputShape(g, node, 1);
  if (a == b) return {};
  const int k = ChannelMultiplierOperand(a, b);
  if (k < 0)
    throw NodeError(node, "Mul with broadcasting " + ir::ShapeToString(a) + " * " + ir::ShapeToString(b) +
                              " has no NPU form (same shapes, or [1,C,H,W] * [1,C,1,1])",
                    "run AssignPlacement first: such a Mul runs on the CPU");
  return {1 - k, k, true};
}

// int8: y = sat8(rshift((q_x - z_x) * (q_s - z_s) * scale, shift) + z_y), M = s_a * s_b / s_y.
void RunInt8(Int8Args& args) {
  const Operands o = NpuOperands(args.graph, args.node);
  const ir::Tensor& xt = args.graph.tensor(args.node.inputs[o.x]);
  const ir::Tensor& st = args.graph.tensor(args.node.inputs[o.s]);
  const ir::Tensor& yt = args.graph.tensor(args.node.outputs[0]);
  const quant::Requant rq = quant::MakeRequant(double(xt.quant.scale[0]) * double(st.quant.scale[0]) /
                                               double(yt.quant.scale[0]));
  const int32_t zx = xt.quant.zero_point[0], zs = st.quant.zero_point[0], zy = yt.quant.zero_point[0];
  const std::vector<int8_t>& x = *args.in[o.x];
  const std::vector<int8_t>& s = *args.in[o.s];
  // Per channel: the elements of one channel plane share one multiplier.
  const size_t plane = o.per_channel ? x.size() / std::max<size_t>(s.size(), 1) : 1;
  args.out.resize(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const int64_t p = (int64_t{x[i]} - zx) * (int64_t{s[i / plane]} - zs);
    args.out[i] = quant::SaturateInt8(quant::ApplyRequant(p, rq) + zy);
  }
}

// fp16: the fp32 product of two fp16 values is exact, rounded once to fp16.
void RunFp16(Fp16Args& args) {
  NpuOperands(args.graph, args.node);
  RunFloat(args);
  for (float& v : args.out) v = RoundToHalf(v);
}

}  // namespace

// limits: the int8/fp16 (NPU) kernels need equal shapes or [1,C,H,W] * [1,C,1,1]; other broadcasts run on the CPU
const OpDef kMulOp{ir::OpKind::kMul, "Mul", Parse, Infer, RunFloat, RunInt8, RunFp16, false};

}  // namespace rknnsim::ops
