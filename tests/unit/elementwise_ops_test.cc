// The element-wise op group: numpy broadcasting helper, shape rules, float32 kernels, attribute and
// input validation, and Add's broadcasting float path next to its same-shape-only NPU kernels.
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.h"
#include "common/fp16.h"
#include "compiler/ops/broadcast.h"
#include "compiler/ops/elementwise.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/op_list.h"

namespace rknnsim::ops {
namespace {

using ir::OpKind;
using ir::Shape;

class MapAttrs : public AttrReader {
 public:
  MapAttrs& I(const std::string& k, int64_t v) {
    ints_[k] = v;
    return *this;
  }
  MapAttrs& F(const std::string& k, float v) {
    floats_[k] = v;
    return *this;
  }
  bool Has(const std::string& k) const override { return ints_.count(k) || floats_.count(k); }
  int64_t Int(const std::string& k, int64_t fallback) const override {
    auto it = ints_.find(k);
    return it == ints_.end() ? fallback : it->second;
  }
  float Float(const std::string& k, float fallback) const override {
    auto it = floats_.find(k);
    return it == floats_.end() ? fallback : it->second;
  }
  std::vector<int64_t> Ints(const std::string&) const override { return {}; }
  std::string String(const std::string&, const std::string& fallback) const override { return fallback; }

 private:
  std::map<std::string, int64_t> ints_;
  std::map<std::string, float> floats_;
};

struct Input {
  Shape shape;
  std::vector<float> values;
};

// One node in its own graph: parse, infer, then run the float kernel.
struct OneNode {
  ir::Graph g;
  ir::Node node;
  Shape out_shape;

  OneNode(OpKind kind, const std::vector<Shape>& shapes, const MapAttrs& attrs = {}) {
    for (size_t i = 0; i < shapes.size(); ++i) {
      ir::Tensor t;
      t.name = "in" + std::to_string(i);
      t.shape = shapes[i];
      node.inputs.push_back(g.AddTensor(std::move(t)));
    }
    node.op = kind;
    node.name = "n";
    const OpDef& def = GetOpDef(kind);
    def.parse(attrs, g, node);
    const std::vector<Shape> outs = def.infer(g, node);
    out_shape = outs.at(0);
    ir::Tensor t;
    t.name = "out";
    t.shape = out_shape;
    node.outputs.push_back(g.AddTensor(std::move(t)));
  }

  std::vector<float> Run(const std::vector<std::vector<float>>& values) const {
    std::vector<float> out;
    FloatArgs args{g, node, {}, out, {&out}};
    for (const auto& v : values) args.in.push_back(&v);
    GetOpDef(node.op).run_float(args);
    return out;
  }
};

std::vector<float> Eval(OpKind kind, const std::vector<Input>& inputs, const MapAttrs& attrs = {},
                       Shape* out_shape = nullptr) {
  std::vector<Shape> shapes;
  std::vector<std::vector<float>> values;
  for (const Input& in : inputs) {
    shapes.push_back(in.shape);
    values.push_back(in.values);
  }
  OneNode n(kind, shapes, attrs);
  if (out_shape) *out_shape = n.out_shape;
  return n.Run(values);
}

std::vector<float> Iota(int64_t n, float start = 0.0f, float step = 1.0f) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[i] = start + step * static_cast<float>(i);
  return v;
}

// Expects `fn` to throw an Error whose message contains every fragment.
template <typename Fn>
void ExpectError(Fn fn, const std::vector<std::string>& fragments) {
  try {
    fn();
    ADD_FAILURE() << "no error thrown";
  } catch (const Error& e) {
    for (const std::string& f : fragments) EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << e.what();
  }
}

// ---- broadcast helper ----

TEST(Broadcast, Shapes) {
  EXPECT_EQ(BroadcastShape({3, 4, 5}, {5}), (Shape{3, 4, 5}));
  EXPECT_EQ(BroadcastShape({2, 1, 4}, {3, 1}), (Shape{2, 3, 4}));
  EXPECT_EQ(BroadcastShape({}, {2, 3}), (Shape{2, 3}));
  EXPECT_EQ(BroadcastShape({1}, {}), (Shape{1}));
  EXPECT_EQ(BroadcastShape({0, 3}, {1, 3}), (Shape{0, 3}));
  EXPECT_EQ(BroadcastShapes({{2, 1, 1}, {1, 3, 1}, {4}}), (Shape{2, 3, 4}));
  EXPECT_FALSE(TryBroadcastShape({3, 4}, {5}).has_value());
  EXPECT_FALSE(TryBroadcastShape({0}, {2}).has_value());
  ExpectError([] { BroadcastShape({3, 4}, {5}); }, {"(3,4)", "(5)", "axis -1: 4 vs 5"});
  EXPECT_TRUE(BroadcastsTo({3, 1, 1}, {2, 3, 7, 5}));
  EXPECT_FALSE(BroadcastsTo({3, 1, 1}, {2, 4, 5, 5}));
  EXPECT_FALSE(BroadcastsTo({1, 3}, {3}));
  EXPECT_FALSE(BroadcastsTo({2, 3}, {3}));
  EXPECT_EQ(BroadcastStrides({3, 1}, {2, 3, 4}), (std::vector<int64_t>{0, 1, 0}));
}

TEST(Broadcast, PlanMergesAxes) {
  const BroadcastPlan same = MakeBroadcastPlan({{2, 3, 4}, {2, 3, 4}}, {2, 3, 4});
  EXPECT_EQ(same.dims, (std::vector<int64_t>{24}));
  const BroadcastPlan scalar = MakeBroadcastPlan({{2, 3, 4}, {}}, {2, 3, 4});
  EXPECT_EQ(scalar.dims, (std::vector<int64_t>{24}));
  EXPECT_EQ(scalar.strides[1], (std::vector<int64_t>{0}));
  const BroadcastPlan chan = MakeBroadcastPlan({{2, 3, 4, 5}, {3, 1, 1}}, {2, 3, 4, 5});
  EXPECT_EQ(chan.dims, (std::vector<int64_t>{2, 3, 20}));  // N*C runs of H*W
  EXPECT_EQ(chan.strides[0], (std::vector<int64_t>{60, 20, 1}));
  EXPECT_EQ(chan.strides[1], (std::vector<int64_t>{0, 1, 0}));
  const BroadcastPlan rows = MakeBroadcastPlan({{4, 2, 3}, {1, 1, 3}}, {4, 2, 3});
  EXPECT_EQ(rows.dims, (std::vector<int64_t>{8, 3}));  // leading axes merge when both broadcast alike
  const BroadcastPlan ones = MakeBroadcastPlan({{1, 1}, {}}, {1, 1});
  EXPECT_EQ(ones.dims, (std::vector<int64_t>{1}));
  EXPECT_EQ(ones.size, 1);
  ExpectError([] { MakeBroadcastPlan({{3}}, {4}); }, {"(3)", "(4)"});
}

// The plan's iteration against plain index arithmetic, over random broadcastable shape pairs.
TEST(Broadcast, BinaryMatchesNaiveIndexing) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> rank_d(0, 5), ext_d(1, 4), coin(0, 2);
  for (int trial = 0; trial < 400; ++trial) {
    const int rank = rank_d(rng);
    Shape out(static_cast<size_t>(rank));
    for (auto& d : out) d = ext_d(rng);
    auto derive = [&] {
      Shape s = out;
      const int drop = std::uniform_int_distribution<int>(0, rank)(rng);
      s.erase(s.begin(), s.begin() + drop);
      for (auto& d : s)
        if (coin(rng) == 0) d = 1;
      return s;
    };
    const Shape a = derive(), b = derive();
    const Shape o = BroadcastShape(a, b);
    const std::vector<float> va = Iota(ir::NumElements(a), 1.0f), vb = Iota(ir::NumElements(b), 1000.0f);
    std::vector<float> got(static_cast<size_t>(ir::NumElements(o)));
    BroadcastBinary(MakeBroadcastPlan({a, b}, o), va.data(), vb.data(), got.data(),
                    [](float x, float y) { return x * 10000.0f + y; });
    const std::vector<int64_t> sa = BroadcastStrides(a, o), sb = BroadcastStrides(b, o);
    for (int64_t k = 0; k < ir::NumElements(o); ++k) {
      int64_t rem = k, ia = 0, ib = 0;
      for (size_t ax = o.size(); ax-- > 0;) {
        const int64_t idx = rem % o[ax];
        rem /= o[ax];
        ia += idx * sa[ax];
        ib += idx * sb[ax];
      }
      ASSERT_EQ(got[k], va[ia] * 10000.0f + vb[ib])
          << ir::ShapeToString(a) << " " << ir::ShapeToString(b) << " at " << k;
    }
    std::vector<float> copy(got.size());
    BroadcastCopy(MakeBroadcastPlan({b}, o), vb.data(), copy.data());
    for (int64_t k = 0; k < ir::NumElements(o); ++k) {
      int64_t rem = k, ib = 0;
      for (size_t ax = o.size(); ax-- > 0;) {
        ib += (rem % o[ax]) * sb[ax];
        rem /= o[ax];
      }
      ASSERT_EQ(copy[k], vb[ib]);
    }
  }
}

TEST(Broadcast, EmptyOutput) {
  std::vector<float> out;
  const std::vector<float> a, b = {1.0f, 2.0f, 3.0f};
  BroadcastBinary(MakeBroadcastPlan({{0, 3}, {3}}, {0, 3}), a.data(), b.data(), out.data(),
                  [](float x, float y) { return x + y; });
  Shape s;
  EXPECT_TRUE(Eval(OpKind::kMul, {{{0, 3}, {}}, {{1, 3}, b}}, {}, &s).empty());
  EXPECT_EQ(s, (Shape{0, 3}));
}

// ---- registration ----

TEST(ElementwiseOps, Registered) {
  for (const char* name : {"Add", "Sub", "Mul", "Div", "Pow", "Min", "Max", "Sqrt", "Reciprocal", "Exp", "Log", "Abs",
                           "Neg", "Erf", "LeakyRelu", "PRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Elu",
                           "Softplus", "Gelu", "Mish", "Selu", "Celu", "Softsign", "ThresholdedRelu", "Cast"}) {
    const OpDef* def = FindOnnxOp(name);
    ASSERT_NE(def, nullptr) << name;
    EXPECT_EQ(std::string(def->onnx_name), name);
    EXPECT_EQ(&GetOpDef(def->kind), def) << name;
    EXPECT_NE(def->run_float, nullptr) << name;
    EXPECT_FALSE(def->keeps_input_quant) << name;
    // Add and Mul have NPU (DPU) forms and so quantized kernels; the rest run on the CPU or as tables.
    const bool npu = std::string(name) == "Add" || std::string(name) == "Mul";
    EXPECT_EQ(def->run_int8 != nullptr, npu) << name;
    EXPECT_EQ(def->run_fp16 != nullptr, npu) << name;
  }
}

// Mul's int8 kernel follows docs/quantization.md §20: one product, one requantization. Operands
// s_a = 0.02, s_b = 0.01, s_y = 0.001: M = 0.2, scale 26214, shift 17.
// (50 - 10) * (-20 - (-4)) = -640 -> -640 * 26214 >> 17 = -128.0 (exact -128) -> -128 + 3 = -125.
TEST(Mul, Int8ChannelMultiplierFollowsTheSpec) {
  ir::Graph g;
  ir::Tensor x, s, y;
  x.name = "x", s.name = "s", y.name = "y";
  x.shape = {1, 2, 1, 2}, s.shape = {1, 2, 1, 1}, y.shape = {1, 2, 1, 2};
  x.dtype = s.dtype = y.dtype = ir::DType::kInt8;
  x.quant.scale = {0.02f}, x.quant.zero_point = {10};
  s.quant.scale = {0.01f}, s.quant.zero_point = {-4};
  y.quant.scale = {0.001f}, y.quant.zero_point = {3};
  ir::Node n;
  n.op = OpKind::kMul;
  n.name = "mul";
  n.inputs = {g.AddTensor(s), g.AddTensor(x)};  // multiplier first, as torchvision's SE exports it
  n.outputs = {g.AddTensor(y)};
  const std::vector<int8_t> qs = {-20, 6}, qx = {50, 10, -128, 127};
  std::vector<int8_t> out;
  Int8Args args{g, n, {&qs, &qx}, out, {&out}};
  GetOpDef(OpKind::kMul).run_int8(args);
  // channel 0: (40)(-16) = -640 -> -125; (0)(-16) = 0 -> 3; channel 1: (-138)(10) = -1380 -> sat -128;
  // (117)(10) = 1170 -> 1170 * 0.2 = 234 + 3 -> sat 127.
  EXPECT_EQ(out, (std::vector<int8_t>{-125, 3, -128, 127}));
}

// ---- binary arithmetic ----

TEST(Binary, SameShape) {
  const std::vector<float> a = {1, -2, 3, 4.5f}, b = {2, 4, -0.5f, 3};
  EXPECT_EQ(Eval(OpKind::kSub, {{{2, 2}, a}, {{2, 2}, b}}), (std::vector<float>{-1, -6, 3.5f, 1.5f}));
  EXPECT_EQ(Eval(OpKind::kMul, {{{2, 2}, a}, {{2, 2}, b}}), (std::vector<float>{2, -8, -1.5f, 13.5f}));
  EXPECT_EQ(Eval(OpKind::kDiv, {{{2, 2}, a}, {{2, 2}, b}}), (std::vector<float>{0.5f, -0.5f, -6, 1.5f}));
  EXPECT_EQ(Eval(OpKind::kPow, {{{4}, {2, -3, 4, 4}}, {{4}, {3, 2, 0.5f, -1}}}), (std::vector<float>{8, 9, 2, 0.25f}));
}

TEST(Binary, Broadcasting) {
  Shape s;
  // (2,3) - (3): rows minus a vector; (3,1) * (1,4): outer product; scalar divides.
  EXPECT_EQ(Eval(OpKind::kSub, {{{2, 3}, Iota(6)}, {{3}, {10, 20, 30}}}, {}, &s),
            (std::vector<float>{-10, -19, -28, -7, -16, -25}));
  EXPECT_EQ(s, (Shape{2, 3}));
  EXPECT_EQ(Eval(OpKind::kMul, {{{3, 1}, {1, 2, 3}}, {{1, 4}, {1, 10, 100, 1000}}}, {}, &s),
            (std::vector<float>{1, 10, 100, 1000, 2, 20, 200, 2000, 3, 30, 300, 3000}));
  EXPECT_EQ(s, (Shape{3, 4}));
  EXPECT_EQ(Eval(OpKind::kDiv, {{{}, {12}}, {{2, 2}, {1, 2, 3, 4}}}, {}, &s), (std::vector<float>{12, 6, 4, 3}));
  EXPECT_EQ(s, (Shape{2, 2}));
  EXPECT_EQ(Eval(OpKind::kPow, {{{2, 3}, {1, 2, 3, 4, 5, 6}}, {{3}, {1, 2, 3}}}),
            (std::vector<float>{1, 4, 27, 4, 25, 216}));
  EXPECT_EQ(Eval(OpKind::kPow, {{{3}, {1, 2, 3}}, {{}, {2}}}), (std::vector<float>{1, 4, 9}));
}

TEST(Binary, IeeeSpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> d = Eval(OpKind::kDiv, {{{4}, {1, -1, 0, 2}}, {{4}, {0, 0, 0, -0.0f}}});
  EXPECT_EQ(d[0], inf);
  EXPECT_EQ(d[1], -inf);
  EXPECT_TRUE(std::isnan(d[2]));
  EXPECT_EQ(d[3], -inf);
  const std::vector<float> p = Eval(OpKind::kPow, {{{3}, {-8, 0, 2}}, {{3}, {1.0f / 3.0f, -1, 0}}});
  EXPECT_TRUE(std::isnan(p[0]));  // negative base, fractional exponent
  EXPECT_EQ(p[1], inf);
  EXPECT_EQ(p[2], 1.0f);
}

TEST(Binary, ShapeAndInputErrors) {
  ExpectError([] { OneNode(OpKind::kSub, {{3, 4}, {5}}); }, {"node 'n'", "Sub", "(3,4)", "(5)", "cannot be broadcast"});
  ExpectError([] { OneNode(OpKind::kMul, {{2, 3}}); }, {"Mul takes 2 inputs, got 1"});
  ExpectError([] { OneNode(OpKind::kDiv, {{2}, {2}, {2}}); }, {"Div takes 2 inputs, got 3"});
  ExpectError([] { OneNode(OpKind::kMax, {}); }, {"Max takes at least 1 input"});
  // An omitted (empty-named) input arrives as id -1.
  ExpectError(
      [] {
        ir::Graph g;
        ir::Tensor t;
        t.name = "x";
        t.shape = {2};
        ir::Node node;
        node.op = OpKind::kPow;
        node.name = "n";
        node.inputs = {g.AddTensor(t), -1};
        GetOpDef(OpKind::kPow).parse(MapAttrs{}, g, node);
      },
      {"Pow input 1 is missing"});
  // A value vector of the wrong length is refused, not read out of bounds.
  OneNode n(OpKind::kSub, {{2, 2}, {2}});
  ExpectError([&] { n.Run({{1, 2, 3, 4}, {1}}); }, {"input 1", "holds 1 values", "needs 2"});
}

// ---- Min / Max ----

TEST(MinMax, Variadic) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(Eval(OpKind::kMax, {{{3}, {3, 2, 1}}}), (std::vector<float>{3, 2, 1}));
  EXPECT_EQ(Eval(OpKind::kMax, {{{3}, {3, 2, 1}}, {{3}, {1, 4, 4}}, {{3}, {2, 5, 3}}}), (std::vector<float>{3, 5, 4}));
  EXPECT_EQ(Eval(OpKind::kMin, {{{3}, {3, 2, 1}}, {{3}, {1, 4, 4}}, {{3}, {2, 5, 3}}}), (std::vector<float>{1, 2, 1}));
  Shape s;
  // (2,1) with (3) with scalar: broadcast across all inputs.
  EXPECT_EQ(Eval(OpKind::kMax, {{{2, 1}, {0, 5}}, {{3}, {-1, 2, 7}}, {{}, {1}}}, {}, &s),
            (std::vector<float>{1, 2, 7, 5, 5, 7}));
  EXPECT_EQ(s, (Shape{2, 3}));
  EXPECT_EQ(Eval(OpKind::kMin, {{{}, {4}}, {{2, 2}, {1, 5, 3, 9}}}), (std::vector<float>{1, 4, 3, 4}));
  const std::vector<float> m = Eval(OpKind::kMax, {{{2}, {nan, 1}}, {{2}, {1, nan}}});
  EXPECT_TRUE(std::isnan(m[0]));
  EXPECT_TRUE(std::isnan(m[1]));
  const std::vector<float> mn = Eval(OpKind::kMin, {{{2}, {nan, 1}}, {{2}, {1, nan}}});
  EXPECT_TRUE(std::isnan(mn[0]));
  EXPECT_TRUE(std::isnan(mn[1]));
  ExpectError([] { OneNode(OpKind::kMin, {{2, 3}, {3}, {2}}); }, {"Min", "input 2", "(2)", "(2,3)"});
}

// ---- PRelu ----

TEST(PRelu, SlopeBroadcastsToInput) {
  Shape s;
  // NCHW input with a per-channel (C,1,1) slope.
  const std::vector<float> y =
      Eval(OpKind::kPRelu, {{{1, 2, 1, 2}, {-1, 2, -3, 4}}, {{2, 1, 1}, {0.5f, 0.25f}}}, {}, &s);
  EXPECT_EQ(y, (std::vector<float>{-0.5f, 2, -0.75f, 4}));
  EXPECT_EQ(s, (Shape{1, 2, 1, 2}));
  EXPECT_EQ(Eval(OpKind::kPRelu, {{{3}, {-2, 0, 2}}, {{}, {0.1f}}}), (std::vector<float>{-0.2f, 0, 2}));
  EXPECT_EQ(Eval(OpKind::kPRelu, {{{3}, {-2, -1, 2}}, {{3}, {1, 2, 3}}}), (std::vector<float>{-2, -2, 2}));
  // The slope must not widen X, and a bare (C) slope for NCHW gets a hint.
  ExpectError([] { OneNode(OpKind::kPRelu, {{3}, {2, 3}}); }, {"PRelu", "slope", "(2,3)", "(3)"});
  ExpectError([] { OneNode(OpKind::kPRelu, {{1, 4, 8, 8}, {4}}); }, {"(4,1,1)"});
}

// ---- unary ----

TEST(Unary, MathFunctions) {
  const std::vector<float> x = {-2.5f, -1, -0.25f, 0, 0.5f, 1, 3};
  struct Case {
    OpKind kind;
    double (*ref)(double);
  };
  const Case cases[] = {
      {OpKind::kExp, [](double v) { return std::exp(v); }},
      {OpKind::kAbs, [](double v) { return std::fabs(v); }},
      {OpKind::kNeg, [](double v) { return -v; }},
      {OpKind::kErf, [](double v) { return std::erf(v); }},
      {OpKind::kTanh, [](double v) { return std::tanh(v); }},
      {OpKind::kSigmoid, [](double v) { return 1.0 / (1.0 + std::exp(-v)); }},
      {OpKind::kSoftplus, [](double v) { return std::log(1.0 + std::exp(v)); }},
      {OpKind::kHardSwish, [](double v) { return v * std::fmin(1.0, std::fmax(0.0, v / 6.0 + 0.5)); }},
      // Default attributes (ONNX's Selu constants; Celu and ThresholdedRelu alpha = 1).
      {OpKind::kSelu, [](double v) { return 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * (std::exp(v) - 1)); }},
      {OpKind::kCelu, [](double v) { return std::fmax(0.0, v) + std::fmin(0.0, std::exp(v) - 1); }},
      {OpKind::kSoftsign, [](double v) { return v / (1 + std::fabs(v)); }},
      {OpKind::kThresholdedRelu, [](double v) { return v > 1 ? v : 0.0; }},
      {OpKind::kMish, [](double v) { return v * std::tanh(std::log(1 + std::exp(v))); }},
      {OpKind::kGelu, [](double v) { return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0))); }},
  };
  for (const Case& c : cases) {
    Shape s;
    const std::vector<float> y = Eval(c.kind, {{{7}, x}}, {}, &s);
    EXPECT_EQ(s, (Shape{7}));
    ASSERT_EQ(y.size(), x.size());
    for (size_t i = 0; i < x.size(); ++i)
      EXPECT_NEAR(y[i], c.ref(x[i]), 5e-7 * std::fmax(1.0, std::fabs(c.ref(x[i])))) << GetOpDef(c.kind).onnx_name << " " << x[i];
  }
  const std::vector<float> pos = {0.25f, 1, 2, 100};
  const std::vector<float> sq = Eval(OpKind::kSqrt, {{{4}, pos}});
  const std::vector<float> lg = Eval(OpKind::kLog, {{{4}, pos}});
  const std::vector<float> rc = Eval(OpKind::kReciprocal, {{{2, 2}, pos}});
  for (size_t i = 0; i < pos.size(); ++i) {
    EXPECT_FLOAT_EQ(sq[i], std::sqrt(pos[i]));
    EXPECT_FLOAT_EQ(lg[i], std::log(pos[i]));
    EXPECT_FLOAT_EQ(rc[i], 1.0f / pos[i]);
  }
}

TEST(Unary, SpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_TRUE(std::isnan(Eval(OpKind::kSqrt, {{{1}, {-1}}})[0]));
  EXPECT_EQ(Eval(OpKind::kLog, {{{1}, {0}}})[0], -inf);
  EXPECT_TRUE(std::isnan(Eval(OpKind::kLog, {{{1}, {-1}}})[0]));
  EXPECT_EQ(Eval(OpKind::kReciprocal, {{{2}, {0, -0.0f}}}), (std::vector<float>{inf, -inf}));
  EXPECT_EQ(Eval(OpKind::kSigmoid, {{{2}, {-200, 200}}}), (std::vector<float>{0, 1}));
  EXPECT_EQ(Eval(OpKind::kExp, {{{1}, {100}}})[0], inf);
  // Softplus neither overflows for large x nor loses small values for very negative x.
  const std::vector<float> sp = Eval(OpKind::kSoftplus, {{{3}, {100, -100, 1000}}});
  EXPECT_FLOAT_EQ(sp[0], 100.0f);
  EXPECT_FLOAT_EQ(sp[1], std::exp(-100.0f));
  EXPECT_FLOAT_EQ(sp[2], 1000.0f);
  EXPECT_EQ(Eval(OpKind::kTanh, {{{2}, {-50, 50}}}), (std::vector<float>{-1, 1}));
  EXPECT_EQ(Eval(OpKind::kHardSwish, {{{4}, {-4, -3, 3, 5}}}), (std::vector<float>{0, 0, 3, 5}));
}

TEST(Unary, Activations) {
  const std::vector<float> x = {-3, -1, 0, 2};
  EXPECT_EQ(Eval(OpKind::kLeakyRelu, {{{4}, x}}), (std::vector<float>{-3 * 0.01f, -0.01f, 0, 2}));
  EXPECT_EQ(Eval(OpKind::kLeakyRelu, {{{4}, x}}, MapAttrs().F("alpha", 0.5f)), (std::vector<float>{-1.5f, -0.5f, 0, 2}));
  // HardSigmoid defaults alpha 0.2, beta 0.5.
  const std::vector<float> hs = Eval(OpKind::kHardSigmoid, {{{4}, x}});
  EXPECT_EQ(hs[0], 0.0f);
  EXPECT_FLOAT_EQ(hs[1], 0.3f);
  EXPECT_FLOAT_EQ(hs[2], 0.5f);
  EXPECT_FLOAT_EQ(hs[3], 0.9f);
  EXPECT_EQ(Eval(OpKind::kHardSigmoid, {{{4}, x}}, MapAttrs().F("alpha", 0.5f).F("beta", 0.25f)),
            (std::vector<float>{0, 0, 0.25f, 1}));
  const std::vector<float> elu = Eval(OpKind::kElu, {{{4}, x}});
  EXPECT_FLOAT_EQ(elu[0], std::expm1(-3.0f));
  EXPECT_FLOAT_EQ(elu[1], std::expm1(-1.0f));
  EXPECT_EQ(elu[2], 0.0f);
  EXPECT_EQ(elu[3], 2.0f);
  const std::vector<float> elu2 = Eval(OpKind::kElu, {{{4}, x}}, MapAttrs().F("alpha", 2.0f));
  EXPECT_FLOAT_EQ(elu2[1], 2.0f * std::expm1(-1.0f));
}

TEST(Unary, Validation) {
  ExpectError([] { OneNode(OpKind::kSqrt, {{2}, {2}}); }, {"Sqrt takes 1 input, got 2"});
  ExpectError([] { OneNode(OpKind::kTanh, {}); }, {"Tanh takes 1 input, got 0"});
  ExpectError([] { OneNode(OpKind::kLeakyRelu, {{2}}, MapAttrs().F("alpha", std::nanf(""))); }, {"alpha", "finite"});
  ExpectError([] { OneNode(OpKind::kElu, {{2}}, MapAttrs().F("alpha", std::numeric_limits<float>::infinity())); },
              {"alpha"});
  ExpectError([] { OneNode(OpKind::kHardSigmoid, {{2}}, MapAttrs().F("beta", std::nanf(""))); }, {"beta"});
}

// ---- Cast ----

std::vector<float> Cast(int64_t to, const std::vector<float>& x) {
  return Eval(OpKind::kCast, {{{static_cast<int64_t>(x.size())}, x}}, MapAttrs().I("to", to));
}

TEST(Cast, FloatTargets) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> x = {0.1f, -2.5f, 1e-30f, 3.4e38f};
  EXPECT_EQ(Cast(1, x), x);   // FLOAT
  EXPECT_EQ(Cast(11, x), x);  // DOUBLE
  const std::vector<float> h = Cast(10, x);  // FLOAT16
  EXPECT_EQ(h[0], RoundToHalf(0.1f));
  EXPECT_EQ(h[1], -2.5f);
  EXPECT_EQ(h[2], 0.0f);
  EXPECT_EQ(h[3], inf);
  const std::vector<float> b = Cast(16, {1.00390625f, 1.01171875f, 3.0f, std::nanf("")});  // BFLOAT16, ties to even
  EXPECT_EQ(b[0], 1.0f);
  EXPECT_EQ(b[1], 1.015625f);
  EXPECT_EQ(b[2], 3.0f);
  EXPECT_TRUE(std::isnan(b[3]));
}

TEST(Cast, IntegerTargetsTruncateAndWrap) {
  const float nan = std::nanf(""), inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(Cast(3, {2.9f, -2.9f, 127.5f, 128, 300, -129, -0.5f}), (std::vector<float>{2, -2, 127, -128, 44, 127, 0}));
  EXPECT_EQ(Cast(2, {2.9f, -1, 256, 257.7f, -1.5f}), (std::vector<float>{2, 255, 0, 1, 255}));
  EXPECT_EQ(Cast(5, {40000, -32769, 1.5f}), (std::vector<float>{-25536, 32767, 1}));
  EXPECT_EQ(Cast(4, {65536, -1}), (std::vector<float>{0, 65535}));
  EXPECT_EQ(Cast(6, {2147483648.0f, -2147483648.0f, -7.9f}), (std::vector<float>{-2147483648.0f, -2147483648.0f, -7}));
  EXPECT_EQ(Cast(12, {-1, 4294967296.0f}), (std::vector<float>{4294967295.0f, 0}));
  EXPECT_EQ(Cast(7, {-3.7f, 1e10f, 1e19f}), (std::vector<float>{-3, 1e10f, static_cast<float>(double{1e19f} - 18446744073709551616.0)}));
  EXPECT_EQ(Cast(13, {-1, 5.5f}), (std::vector<float>{18446744073709551616.0f, 5}));
  // NaN gives 0, ±inf saturates.
  EXPECT_EQ(Cast(3, {nan, inf, -inf}), (std::vector<float>{0, 127, -128}));
  EXPECT_EQ(Cast(2, {nan, inf, -inf}), (std::vector<float>{0, 255, 0}));
  EXPECT_EQ(Cast(6, {inf, -inf}), (std::vector<float>{2147483647.0f, -2147483648.0f}));
  EXPECT_EQ(CastValue(-inf, 7), -9223372036854775808.0f);
}

TEST(Cast, Bool) { EXPECT_EQ(Cast(9, {0, -0.0f, 0.5f, -3, std::nanf("")}), (std::vector<float>{0, 0, 1, 1, 1})); }

TEST(Cast, Validation) {
  ExpectError([] { OneNode(OpKind::kCast, {{2}}); }, {"Cast has no 'to'"});
  ExpectError([] { OneNode(OpKind::kCast, {{2}}, MapAttrs().I("to", 8)); }, {"STRING", "not supported"});
  ExpectError([] { OneNode(OpKind::kCast, {{2}}, MapAttrs().I("to", 14)); }, {"COMPLEX64"});
  ExpectError([] { OneNode(OpKind::kCast, {{2}}, MapAttrs().I("to", 99)); }, {"to=99"});
  ExpectError([] { OneNode(OpKind::kCast, {{2}, {2}}, MapAttrs().I("to", 1)); }, {"Cast takes 1 input"});
  Shape s;
  Eval(OpKind::kCast, {{{2, 3}, Iota(6)}}, MapAttrs().I("to", 7), &s);
  EXPECT_EQ(s, (Shape{2, 3}));
}

// ---- Add ----

TEST(Add, FloatBroadcastsWithFusedActivation) {
  Shape s;
  EXPECT_EQ(Eval(OpKind::kAdd, {{{2, 3}, Iota(6)}, {{3}, {10, 20, 30}}}, {}, &s),
            (std::vector<float>{10, 21, 32, 13, 24, 35}));
  EXPECT_EQ(s, (Shape{2, 3}));
  OneNode n(OpKind::kAdd, {{2, 1}, {1, 2}});
  EXPECT_EQ(n.out_shape, (Shape{2, 2}));
  n.node.attrs.activation = ir::Activation::kRelu;
  EXPECT_EQ(n.Run({{-5, 1}, {1, 2}}), (std::vector<float>{0, 0, 2, 3}));
  ExpectError([] { OneNode(OpKind::kAdd, {{2, 3}, {2}}); }, {"Add", "(2,3)", "(2)", "cannot be broadcast"});
  ExpectError([] { OneNode(OpKind::kAdd, {{2}}); }, {"Add takes 2 inputs"});
}

TEST(Add, QuantizedKernelsRefuseBroadcasting) {
  OneNode n(OpKind::kAdd, {{2, 2}, {2}});
  for (int id : {n.node.inputs[0], n.node.inputs[1], n.node.outputs[0]}) {
    n.g.tensor(id).quant.scale = {0.1f};
    n.g.tensor(id).quant.zero_point = {0};
  }
  std::vector<float> out;
  const std::vector<float> a = {1, 2, 3, 4}, b = {1, 2};
  Fp16Args fargs{n.g, n.node, {&a, &b}, out, {&out}};
  ExpectError([&] { GetOpDef(OpKind::kAdd).run_fp16(fargs); }, {"node 'n'", "(2,2) + (2)", "NPU"});
  std::vector<int8_t> qout;
  const std::vector<int8_t> qa = {1, 2, 3, 4}, qb = {1, 2};
  Int8Args qargs{n.g, n.node, {&qa, &qb}, qout, {}};
  ExpectError([&] { GetOpDef(OpKind::kAdd).run_int8(qargs); }, {"node 'n'", "(2,2) + (2)"});
}

TEST(Add, SameShapeFp16RoundsTheFloatSum) {
  OneNode n(OpKind::kAdd, {{3}, {3}});
  std::vector<float> out;
  const std::vector<float> a = {0.1f, 1000.3f, -2.0f}, b = {0.2f, 0.1f, 0.5f};
  Fp16Args args{n.g, n.node, {&a, &b}, out, {&out}};
  GetOpDef(OpKind::kAdd).run_fp16(args);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(out[i], RoundToHalf(a[i] + b[i]));
}

}  // namespace
}  // namespace rknnsim::ops
