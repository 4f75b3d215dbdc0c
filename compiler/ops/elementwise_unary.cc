// Element-wise functions of one input (ONNX opsets 6-21), float32 reference only: Sqrt,
// Reciprocal, Exp, Log, Abs, Neg, Erf, Sigmoid, Tanh, Softplus, HardSwish and the parameterized
// activations LeakyRelu (alpha), HardSigmoid (alpha, beta) and Elu (alpha). IEEE semantics
// throughout: Sqrt/Log of negatives give NaN, Log(0) = -inf, Reciprocal(0) = ±inf.
#include <algorithm>
#include <cmath>

#include "common/parallel.h"
#include "compiler/ops/elementwise.h"
#include "compiler/ops/op_list.h"
#include "compiler/ops/op_util.h"

namespace rknnsim::ops {
namespace {

// Elements per thread that pay for waking one: a libm call each (Sigmoid's exp took 14% of
// yolov8n's float reference on one thread while the other waited).
constexpr size_t kMinChunkElements = size_t{1} << 15;

template <typename F>
void Map(FloatArgs& args, F f) {
  CheckInputSize(args, 0);
  const std::vector<float>& x = *args.in[0];
  args.out.resize(x.size());
  const float* in = x.data();
  float* out = args.out.data();
  // Each element on its own: the same bits on any thread count.
  ParallelChunks(x.size(), kMinChunkElements, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) out[i] = f(in[i]);
  });
}

std::vector<ir::Shape> SameShape(const ir::Graph& g, const ir::Node& node) { return {InputShape(g, node, 0)}; }

// Unary ops without attributes share one parse.
void ParseUnary(const AttrReader&, const ir::Graph&, ir::Node& node) {
  RequireInputs(node, GetOpDef(node.op).onnx_name, 1, 1);
}

// The activations whose one attribute is alpha: LeakyRelu (default 0.01), Elu, Celu and
// ThresholdedRelu (default 1).
void ParseAlpha(const AttrReader& reader, const ir::Graph&, ir::Node& node) {
  RequireInputs(node, GetOpDef(node.op).onnx_name, 1, 1);
  node.attrs.alpha = FiniteAttr(reader, node, "alpha", node.op == ir::OpKind::kLeakyRelu ? 0.01f : 1.0f);
  if (node.op == ir::OpKind::kCelu && node.attrs.alpha == 0.0f) throw NodeError(node, "Celu alpha must not be 0");
}

void ParseHardSigmoid(const AttrReader& reader, const ir::Graph&, ir::Node& node) {
  RequireInputs(node, "HardSigmoid", 1, 1);
  node.attrs.alpha = FiniteAttr(reader, node, "alpha", 0.2f);
  node.attrs.beta = FiniteAttr(reader, node, "beta", 0.5f);
}

void ParseGelu(const AttrReader& reader, const ir::Graph&, ir::Node& node) {
  RequireInputs(node, "Gelu", 1, 1);
  node.attrs.mode = reader.String("approximate", "none");
  if (node.attrs.mode != "none" && node.attrs.mode != "tanh")
    throw NodeError(node, "Gelu approximate='" + node.attrs.mode + "' is not supported", "use none or tanh");
}

void ParseSelu(const AttrReader& reader, const ir::Graph&, ir::Node& node) {
  RequireInputs(node, "Selu", 1, 1);
  node.attrs.alpha = FiniteAttr(reader, node, "alpha", 1.67326319217681884765625f);
  node.attrs.beta = FiniteAttr(reader, node, "gamma", 1.05070102214813232421875f);
}

void RunSqrt(FloatArgs& args) { Map(args, [](float v) { return std::sqrt(v); }); }
void RunReciprocal(FloatArgs& args) { Map(args, [](float v) { return 1.0f / v; }); }
void RunExp(FloatArgs& args) { Map(args, [](float v) { return std::exp(v); }); }
void RunLog(FloatArgs& args) { Map(args, [](float v) { return std::log(v); }); }
void RunAbs(FloatArgs& args) { Map(args, [](float v) { return std::fabs(v); }); }
void RunNeg(FloatArgs& args) { Map(args, [](float v) { return -v; }); }
void RunErf(FloatArgs& args) { Map(args, [](float v) { return std::erf(v); }); }
void RunTanh(FloatArgs& args) { Map(args, [](float v) { return std::tanh(v); }); }

// 1 / (1 + e^-x); saturates cleanly to 0 and 1 (e^-x overflowing to inf gives 0).
void RunSigmoid(FloatArgs& args) { Map(args, [](float v) { return 1.0f / (1.0f + std::exp(-v)); }); }

// log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|).
void RunSoftplus(FloatArgs& args) {
  Map(args, [](float v) { return (v > 0.0f ? v : 0.0f) + std::log1p(std::exp(-std::fabs(v))); });
}

// x * max(0, min(1, x/6 + 1/2)) (ONNX: alpha = 1/6, beta = 0.5), evaluated as x * clamp(x + 3, 0, 6) / 6
// like torch: x + 3 is exact near -3, where x/6 + 0.5 would cancel and lose most of the result's bits.
void RunHardSwish(FloatArgs& args) {
  Map(args, [](float v) {
    const float r = v + 3.0f;
    return v * (r < 0.0f ? 0.0f : (r > 6.0f ? 6.0f : r)) / 6.0f;
  });
}

void RunLeakyRelu(FloatArgs& args) {
  const float alpha = args.node.attrs.alpha;
  Map(args, [alpha](float v) { return v < 0.0f ? v * alpha : v; });
}

void RunHardSigmoid(FloatArgs& args) {
  const float alpha = args.node.attrs.alpha, beta = args.node.attrs.beta;
  Map(args, [alpha, beta](float v) {
    const float h = alpha * v + beta;
    return h < 0.0f ? 0.0f : (h > 1.0f ? 1.0f : h);  // NaN passes through
  });
}

// expm1 keeps the relative accuracy of small negative inputs (exp(x) - 1 would cancel).
void RunElu(FloatArgs& args) {
  const float alpha = args.node.attrs.alpha;
  Map(args, [alpha](float v) { return v < 0.0f ? alpha * std::expm1(v) : v; });
}

// x * Phi(x), Phi the standard normal CDF, in double (as erf/tanh of a float would round twice):
// 0.5 x (1 + erf(x / sqrt 2)), or with approximate = tanh 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
void RunGelu(FloatArgs& args) {
  if (args.node.attrs.mode == "tanh") {
    Map(args, [](float v) {
      const double x = v;
      return static_cast<float>(0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x))));
    });
  } else {
    Map(args, [](float v) { return static_cast<float>(0.5 * double(v) * (1.0 + std::erf(double(v) * M_SQRT1_2))); });
  }
}

// gamma * (x > 0 ? x : alpha * (e^x - 1)); expm1 as in Elu.
void RunSelu(FloatArgs& args) {
  const float alpha = args.node.attrs.alpha, gamma = args.node.attrs.beta;
  Map(args, [alpha, gamma](float v) { return gamma * (v > 0.0f ? v : alpha * std::expm1(v)); });
}

// max(0, x) + min(0, alpha * (e^(x/alpha) - 1)).
void RunCelu(FloatArgs& args) {
  const float alpha = args.node.attrs.alpha;
  Map(args, [alpha](float v) { return std::max(0.0f, v) + std::min(0.0f, alpha * std::expm1(v / alpha)); });
}

void RunSoftsign(FloatArgs& args) { Map(args, [](float v) { return v / (1.0f + std::fabs(v)); }); }

void RunThresholdedRelu(FloatArgs& args) {
  const float alpha = args.node.attrs.alpha;
  Map(args, [alpha](float v) { return v > alpha ? v : 0.0f; });
}

// x * tanh(softplus(x)), softplus as in RunSoftplus.
void RunMish(FloatArgs& args) {
  Map(args, [](float v) {
    const double x = v;
    return static_cast<float>(x * std::tanh((x > 0 ? x : 0.0) + std::log1p(std::exp(-std::fabs(x)))));
  });
}

}  // namespace

const OpDef kSqrtOp{ir::OpKind::kSqrt, "Sqrt", ParseUnary, SameShape, RunSqrt, nullptr, nullptr, false};
const OpDef kReciprocalOp{ir::OpKind::kReciprocal, "Reciprocal", ParseUnary, SameShape, RunReciprocal, nullptr, nullptr, false};
const OpDef kExpOp{ir::OpKind::kExp, "Exp", ParseUnary, SameShape, RunExp, nullptr, nullptr, false};
const OpDef kLogOp{ir::OpKind::kLog, "Log", ParseUnary, SameShape, RunLog, nullptr, nullptr, false};
const OpDef kAbsOp{ir::OpKind::kAbs, "Abs", ParseUnary, SameShape, RunAbs, nullptr, nullptr, false};
const OpDef kNegOp{ir::OpKind::kNeg, "Neg", ParseUnary, SameShape, RunNeg, nullptr, nullptr, false};
const OpDef kErfOp{ir::OpKind::kErf, "Erf", ParseUnary, SameShape, RunErf, nullptr, nullptr, false};
const OpDef kLeakyReluOp{ir::OpKind::kLeakyRelu, "LeakyRelu", ParseAlpha, SameShape, RunLeakyRelu, nullptr, nullptr, false};
const OpDef kSigmoidOp{ir::OpKind::kSigmoid, "Sigmoid", ParseUnary, SameShape, RunSigmoid, nullptr, nullptr, false};
const OpDef kHardSigmoidOp{ir::OpKind::kHardSigmoid, "HardSigmoid", ParseHardSigmoid, SameShape, RunHardSigmoid, nullptr, nullptr, false};
// opsets: 14-21
const OpDef kHardSwishOp{ir::OpKind::kHardSwish, "HardSwish", ParseUnary, SameShape, RunHardSwish, nullptr, nullptr, false};
const OpDef kTanhOp{ir::OpKind::kTanh, "Tanh", ParseUnary, SameShape, RunTanh, nullptr, nullptr, false};
const OpDef kEluOp{ir::OpKind::kElu, "Elu", ParseAlpha, SameShape, RunElu, nullptr, nullptr, false};
const OpDef kSoftplusOp{ir::OpKind::kSoftplus, "Softplus", ParseUnary, SameShape, RunSoftplus, nullptr, nullptr, false};
// opsets: 20-21
const OpDef kGeluOp{ir::OpKind::kGelu, "Gelu", ParseGelu, SameShape, RunGelu, nullptr, nullptr, false};
const OpDef kSeluOp{ir::OpKind::kSelu, "Selu", ParseSelu, SameShape, RunSelu, nullptr, nullptr, false};
// opsets: 12-21
const OpDef kCeluOp{ir::OpKind::kCelu, "Celu", ParseAlpha, SameShape, RunCelu, nullptr, nullptr, false};
const OpDef kSoftsignOp{ir::OpKind::kSoftsign, "Softsign", ParseUnary, SameShape, RunSoftsign, nullptr, nullptr, false};
// opsets: 10-21
const OpDef kThresholdedReluOp{ir::OpKind::kThresholdedRelu, "ThresholdedRelu", ParseAlpha, SameShape,
                               RunThresholdedRelu, nullptr, nullptr, false};
// opsets: 18-21
const OpDef kMishOp{ir::OpKind::kMish, "Mish", ParseUnary, SameShape, RunMish, nullptr, nullptr, false};

}  // namespace rknnsim::ops
