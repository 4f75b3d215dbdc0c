// Broadcasting binary arithmetic (Sub, Div, Pow — Mul is in mul.cc: ONNX opsets 7-15), variadic Min/Max (8-13)
// and PRelu (9-16), float32 reference only. Shapes broadcast numpy-style (compiler/ops/broadcast.h);
// PRelu's slope broadcasts one way, to X. Arithmetic is plain IEEE float: x/0 is ±inf or NaN,
// Pow follows std::pow (powf, as numpy float32), Min/Max propagate NaN like numpy minimum/maximum.
#include <cmath>

#include "compiler/ops/broadcast.h"
#include "compiler/ops/elementwise.h"
#include "compiler/ops/op_list.h"
#include "compiler/ops/op_util.h"

namespace rknnsim::ops {
namespace {

template <typename F>
void RunBinary(FloatArgs& args, F f) {
  CheckInputSize(args, 0);
  CheckInputSize(args, 1);
  const ir::Shape& sa = InputShape(args.graph, args.node, 0);
  const ir::Shape& sb = InputShape(args.graph, args.node, 1);
  const ir::Shape out = BroadcastShape(sa, sb);
  args.out.resize(static_cast<size_t>(ir::NumElements(out)));
  BroadcastBinary(MakeBroadcastPlan({sa, sb}, out), args.in[0]->data(), args.in[1]->data(), args.out.data(), f);
}

// Folds any number of inputs: out = in0 op in1, then out = out op in_k (in place, out has the final shape).
template <typename F>
void RunVariadic(FloatArgs& args, F f) {
  const size_t n = args.in.size();
  for (size_t i = 0; i < n; ++i) CheckInputSize(args, i);
  const ir::Shape out = InferBroadcast(args.graph, args.node, GetOpDef(args.node.op).onnx_name);
  args.out.resize(static_cast<size_t>(ir::NumElements(out)));
  if (n == 1) {
    args.out = *args.in[0];
    return;
  }
  BroadcastBinary(MakeBroadcastPlan({InputShape(args.graph, args.node, 0), InputShape(args.graph, args.node, 1)}, out),
                  args.in[0]->data(), args.in[1]->data(), args.out.data(), f);
  for (size_t i = 2; i < n; ++i)
    BroadcastBinary(MakeBroadcastPlan({out, InputShape(args.graph, args.node, i)}, out), args.out.data(),
                    args.in[i]->data(), args.out.data(), f);
}

// NaN in either operand gives NaN (numpy.maximum/minimum, torch.max/min).
inline float MaxNan(float a, float b) { return (a > b || std::isnan(a)) ? a : b; }
inline float MinNan(float a, float b) { return (a < b || std::isnan(a)) ? a : b; }

void RunSub(FloatArgs& args) { RunBinary(args, [](float a, float b) { return a - b; }); }
void RunDiv(FloatArgs& args) { RunBinary(args, [](float a, float b) { return a / b; }); }
void RunPow(FloatArgs& args) { RunBinary(args, [](float a, float b) { return std::pow(a, b); }); }
void RunMin(FloatArgs& args) { RunVariadic(args, MinNan); }
void RunMax(FloatArgs& args) { RunVariadic(args, MaxNan); }
void RunPRelu(FloatArgs& args) { RunBinary(args, [](float x, float slope) { return x < 0.0f ? x * slope : x; }); }

void ParseSub(const AttrReader&, const ir::Graph&, ir::Node& node) { RequireInputs(node, "Sub", 2, 2); }
void ParseDiv(const AttrReader&, const ir::Graph&, ir::Node& node) { RequireInputs(node, "Div", 2, 2); }
void ParsePow(const AttrReader&, const ir::Graph&, ir::Node& node) { RequireInputs(node, "Pow", 2, 2); }
void ParseMin(const AttrReader&, const ir::Graph&, ir::Node& node) { RequireInputs(node, "Min", 1, 0); }
void ParseMax(const AttrReader&, const ir::Graph&, ir::Node& node) { RequireInputs(node, "Max", 1, 0); }
void ParsePRelu(const AttrReader&, const ir::Graph&, ir::Node& node) { RequireInputs(node, "PRelu", 2, 2); }

std::vector<ir::Shape> InferSub(const ir::Graph& g, const ir::Node& n) { return {InferBroadcast(g, n, "Sub")}; }
std::vector<ir::Shape> InferDiv(const ir::Graph& g, const ir::Node& n) { return {InferBroadcast(g, n, "Div")}; }
std::vector<ir::Shape> InferPow(const ir::Graph& g, const ir::Node& n) { return {InferBroadcast(g, n, "Pow")}; }
std::vector<ir::Shape> InferMin(const ir::Graph& g, const ir::Node& n) { return {InferBroadcast(g, n, "Min")}; }
std::vector<ir::Shape> InferMax(const ir::Graph& g, const ir::Node& n) { return {InferBroadcast(g, n, "Max")}; }

// The slope broadcasts to X (unidirectional); the output has X's shape.
std::vector<ir::Shape> InferPRelu(const ir::Graph& g, const ir::Node& n) {
  const ir::Shape& x = InputShape(g, n, 0);
  const ir::Shape& slope = InputShape(g, n, 1);
  if (!BroadcastsTo(slope, x)) {
    std::string hint = "the slope must broadcast to X numpy-style";
    if (x.size() == 4 && slope.size() == 1 && slope[0] == x[1])
      hint += "; a per-channel slope for NCHW input has shape (" + std::to_string(x[1]) + ",1,1)";
    throw NodeError(n, "PRelu: slope of shape " + ir::ShapeToString(slope) + " cannot be broadcast to input shape " +
                           ir::ShapeToString(x), hint);
  }
  return {x};
}

}  // namespace

const OpDef kSubOp{ir::OpKind::kSub, "Sub", ParseSub, InferSub, RunSub, nullptr, nullptr, false};
// limits: integer tensors are held as float32 (exact to 2^24), so integer Div does not truncate
const OpDef kDivOp{ir::OpKind::kDiv, "Div", ParseDiv, InferDiv, RunDiv, nullptr, nullptr, false};
const OpDef kPowOp{ir::OpKind::kPow, "Pow", ParsePow, InferPow, RunPow, nullptr, nullptr, false};
const OpDef kMinOp{ir::OpKind::kMin, "Min", ParseMin, InferMin, RunMin, nullptr, nullptr, false};
const OpDef kMaxOp{ir::OpKind::kMax, "Max", ParseMax, InferMax, RunMax, nullptr, nullptr, false};
// limits: numpy broadcasting of the slope; a 1-D slope of an opset < 7 model is one value per channel (onnx_decompose.cc)
const OpDef kPReluOp{ir::OpKind::kPRelu, "PRelu", ParsePRelu, InferPRelu, RunPRelu, nullptr, nullptr, false};

}  // namespace rknnsim::ops
