#include "compiler/passes/fuse_layer_norm.h"

#include <gtest/gtest.h>

#include <cmath>

#include "compiler/reference/float_executor.h"
#include "tests/ops/one_op_graph.h"

namespace rknnsim::passes {
namespace {

using testing_support::OneOpGraph;

ir::Attributes Reduce(std::vector<int64_t> axes) {
  ir::Attributes a;
  a.axes = std::move(axes);
  a.keepdims = 1;
  return a;
}

struct Options {
  std::vector<int64_t> axes = {-1};
  bool square_by_mul = false;
  float exponent = 2.0f;
  bool affine = true;
  bool rank3_params = false;  // gamma and beta shaped (1, 1, C), as Keras and nn.Parameter(ones(1, 1, C)) write them
};

// paddle2onnx's layer_norm: (x - mean) / sqrt(var + eps) * gamma + beta over the last axis.
ir::Graph DecomposedLayerNorm(const Options& o, const ir::Shape& shape = {1, 40, 24}) {
  OneOpGraph b;
  const int x = b.Input(shape);
  const int mean = b.Node(ir::OpKind::kReduceMean, {x}, Reduce(o.axes));
  const int d = b.Node(ir::OpKind::kSub, {x, mean});
  const int sq = o.square_by_mul ? b.Node(ir::OpKind::kMul, {d, d}) : b.Node(ir::OpKind::kPow, {d, b.Scalar(o.exponent)});
  const int var = b.Node(ir::OpKind::kReduceMean, {sq}, Reduce(o.axes));
  const int std_dev = b.Node(ir::OpKind::kSqrt, {b.Node(ir::OpKind::kAdd, {var, b.Scalar(1e-5f)})});
  const int y = b.Node(ir::OpKind::kDiv, {d, std_dev});
  const ir::Shape param = o.rank3_params ? ir::Shape{1, 1, shape.back()} : ir::Shape{shape.back()};
  if (o.affine) b.Node(ir::OpKind::kAdd, {b.Node(ir::OpKind::kMul, {y, b.Const(param, 1.5f)}), b.Const(param, 0.5f)});
  return b.graph();
}

// Rows of very different scales: the case where the decomposition's Pow loses small variances.
quant::Sample Rows(const ir::Graph& g) {
  const ir::Tensor& in = g.tensor(g.inputs()[0]);
  std::vector<float> v = testing_support::Random(static_cast<size_t>(in.num_elements()), 11, -1.0f, 1.0f);
  const int64_t row = in.shape.back();
  for (size_t i = 0; i < v.size(); ++i) v[i] = v[i] * std::pow(10.0f, static_cast<float>((i / row) % 5) - 2.0f) + 0.3f;
  return {v};
}

void ExpectSameFloat(const ir::Graph& before, const ir::Graph& after) {
  const quant::Sample in = Rows(before);
  const auto a = reference::RunFloat(before, in), b = reference::RunFloat(after, in);
  ASSERT_EQ(a.size(), b.size());
  for (size_t o = 0; o < a.size(); ++o) {
    ASSERT_EQ(a[o].size(), b[o].size());
    for (size_t i = 0; i < a[o].size(); ++i) EXPECT_NEAR(a[o][i], b[o][i], 2e-5f * (1.0f + std::fabs(a[o][i]))) << i;
  }
}

TEST(FuseLayerNorm, PaddleLayerNormBecomesOneNode) {
  const ir::Graph before = DecomposedLayerNorm({});
  ir::Graph g = before;
  EXPECT_EQ(FuseLayerNorm(g), 1);
  ASSERT_EQ(g.nodes().size(), 1u);
  const ir::Node& ln = g.nodes()[0];
  EXPECT_EQ(ln.op, ir::OpKind::kLayerNormalization);
  EXPECT_EQ(ln.attrs.axis, 2);
  EXPECT_FLOAT_EQ(ln.attrs.epsilon, 1e-5f);
  EXPECT_EQ(ln.inputs.size(), 3u);  // x, gamma, beta
  ExpectSameFloat(before, g);
}

TEST(FuseLayerNorm, ParametersWithLeadingOnesLoseThem) {
  Options o;
  o.rank3_params = true;
  const ir::Graph before = DecomposedLayerNorm(o, {1, 40, 24});
  ir::Graph g = before;
  EXPECT_EQ(FuseLayerNorm(g), 1);
  ASSERT_EQ(g.nodes().size(), 1u);
  for (size_t i = 1; i < 3; ++i) EXPECT_EQ(g.tensor(g.nodes()[0].inputs[i]).shape, (ir::Shape{24})) << i;
  ExpectSameFloat(before, g);
}

TEST(FuseLayerNorm, SquareAsMulWithoutAffineGetsUnitGamma) {
  Options o;
  o.square_by_mul = true;
  o.affine = false;
  o.axes = {2, 3};  // normalized over the two trailing axes of a 4-D tensor
  const ir::Graph before = DecomposedLayerNorm(o, {1, 3, 8, 10});
  ir::Graph g = before;
  EXPECT_EQ(FuseLayerNorm(g), 1);
  ASSERT_EQ(g.nodes().size(), 1u);
  EXPECT_EQ(g.nodes()[0].attrs.axis, 2);
  ASSERT_EQ(g.nodes()[0].inputs.size(), 2u);
  EXPECT_EQ(g.tensor(g.nodes()[0].inputs[1]).shape, (ir::Shape{8, 10}));
  ExpectSameFloat(before, g);
}

TEST(FuseLayerNorm, LeavesLookalikesAlone) {
  Options middle_axis;
  middle_axis.axes = {1};  // not the trailing axes: not a LayerNormalization
  Options cube;
  cube.exponent = 3.0f;
  for (const Options& o : {middle_axis, cube}) {
    ir::Graph g = DecomposedLayerNorm(o);
    const size_t nodes = g.nodes().size();
    EXPECT_EQ(FuseLayerNorm(g), 0);
    EXPECT_EQ(g.nodes().size(), nodes);
  }
}

TEST(FuseLayerNorm, KeepsIntermediatesOthersRead) {
  ir::Graph g = DecomposedLayerNorm({});
  g.outputs().push_back(g.nodes()[1].outputs[0]);  // x - mean is also a model output
  const size_t nodes = g.nodes().size();
  EXPECT_EQ(FuseLayerNorm(g), 0);
  EXPECT_EQ(g.nodes().size(), nodes);
}

}  // namespace
}  // namespace rknnsim::passes
