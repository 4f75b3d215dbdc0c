// Relu and Clip (ONNX opset 6-21). Standalone they keep their input's quantization (the int8 form
// is a clamp in the input domain); usually the fusion pass folds them into the producing op.
#include <cmath>

#include "common/fp16.h"
#include "compiler/ops/op_list.h"
#include "compiler/ops/op_util.h"
#include "compiler/quant/arithmetic.h"

namespace rknnsim::ops {
namespace {

std::vector<ir::Shape> SameShape(const ir::Graph& g, const ir::Node& node) { return {InputShape(g, node, 0)}; }

void ParseRelu(const AttrReader&, const ir::Graph&, ir::Node& node) {
  if (node.inputs.size() != 1) throw NodeError(node, "Relu takes one input");
  node.attrs.activation = ir::Activation::kRelu;
}

// Clip bounds come from attributes (opset < 11) or from constant inputs (opset >= 11); the importer
// turns bounds known only at run time into Max/Min (compiler/frontend/onnx_decompose.cc).
void ParseClip(const AttrReader& reader, const ir::Graph& g, ir::Node& node) {
  ir::Attributes& a = node.attrs;
  a.activation = ir::Activation::kClip;
  a.clip_min = reader.Float("min", -3.4028235e38f);
  a.clip_max = reader.Float("max", 3.4028235e38f);
  auto bound = [&](size_t i, float& value) {
    if (node.inputs.size() <= i || node.inputs[i] < 0) return;
    const ir::Tensor& t = g.tensor(node.inputs[i]);
    if (!t.is_constant || t.float_data.size() != 1)
      throw NodeError(node, "Clip bounds must be constant scalars", "fold them to constants before export");
    value = t.float_data[0];
  };
  bound(1, a.clip_min);
  bound(2, a.clip_max);
  if (a.clip_min > a.clip_max) throw NodeError(node, "Clip min is greater than max");
  node.inputs.resize(1);
}

void RunFloat(FloatArgs& args) {
  const std::vector<float>& x = *args.in[0];
  args.out.resize(x.size());
  ApplyActivation(args.node.attrs, x.data(), args.out.data(), x.size());
}

void RunInt8(Int8Args& args) {
  const ir::Tensor& xt = args.graph.tensor(args.node.inputs[0]);
  const quant::ClampRange range = quant::ActivationRange(args.node.attrs, xt.quant);
  const std::vector<int8_t>& x = *args.in[0];
  args.out.resize(x.size());
  for (size_t i = 0; i < x.size(); ++i) args.out[i] = static_cast<int8_t>(std::clamp<int32_t>(x[i], range.lo, range.hi));
}

void RunFp16(Fp16Args& args) {
  RunFloat(args);
  for (float& v : args.out) v = RoundToHalf(v);  // Clip bounds may not be fp16 values
}

// Swish(x) = x * sigmoid(x), created by passes/fuse_swish from Sigmoid + Mul.
void ParseSwish(const AttrReader&, const ir::Graph&, ir::Node& node) {
  if (node.inputs.size() != 1) throw NodeError(node, "Swish takes one input");
}

void RunSwishFloat(FloatArgs& args) {
  const std::vector<float>& x = *args.in[0];
  args.out.resize(x.size());
  for (size_t i = 0; i < x.size(); ++i) args.out[i] = x[i] * (1.0f / (1.0f + std::exp(-x[i])));
}

}  // namespace

const OpDef kSwishOp{ir::OpKind::kSwish, "Swish", ParseSwish, SameShape, RunSwishFloat, nullptr, nullptr, false};
const OpDef kReluOp{ir::OpKind::kRelu, "Relu", ParseRelu, SameShape, RunFloat, RunInt8, RunFp16, true};
// limits: constant scalar bounds (attributes before opset 11, inputs since); bounds fed at run time become Max/Min at import
const OpDef kClipOp{ir::OpKind::kClip, "Clip", ParseClip, SameShape, RunFloat, RunInt8, RunFp16, true};

}  // namespace rknnsim::ops
