// FoldBatchNorm: Conv/ConvTranspose/Gemm + BatchNormalization folded into weights and bias, float
// outputs unchanged within kReassociationTolerance (fusion_test_util.h); and the cases where it
// must not fire.
#include "compiler/passes/fold_batchnorm.h"

#include "tests/unit/fusion_test_util.h"

namespace rknnsim::passes {
namespace {

using testing::CountOps;
using testing::ExpectSameFloatOutputs;
using testing::TestModel;

// Per-channel BN parameters named s, b, m, v; var in [0.5, 2) so the scale is well conditioned.
TestModel& BnParams(TestModel& t, int64_t c) {
  return t.Random("s", {c}, 11, 0.5f, 1.5f).Random("b", {c}, 12).Random("m", {c}, 13).Random("v", {c}, 14, 0.5f, 2.0f);
}

void ExpectFolds(const ir::Graph& before, int expected_nodes) {
  ir::Graph after = before;
  EXPECT_EQ(FoldBatchNorm(after), 1);
  EXPECT_EQ(CountOps(after, ir::OpKind::kBatchNormalization), 0);
  EXPECT_EQ(static_cast<int>(after.nodes().size()), expected_nodes);
  ExpectSameFloatOutputs(before, after);
}

TEST(FoldBatchNorm, ConvWithBias) {
  TestModel t;
  t.Input("x", {1, 3, 8, 8}).Random("w", {4, 3, 3, 3}, 1).Random("bias", {4}, 2);
  BnParams(t, 4).Node("Conv", {"x", "w", "bias"}, "c").Ints("pads", {1, 1, 1, 1});
  t.Node("BatchNormalization", {"c", "s", "b", "m", "v"}, "y").Output("y");
  ExpectFolds(t.Build(), 1);
}

TEST(FoldBatchNorm, ConvWithoutBiasGetsOne) {
  TestModel t;
  t.Input("x", {1, 4, 6, 6}).Random("w", {6, 2, 3, 3}, 1);
  BnParams(t, 6).Node("Conv", {"x", "w"}, "c").Int("group", 2).Ints("strides", {2, 2});
  t.Node("BatchNormalization", {"c", "s", "b", "m", "v"}, "y").Output("y");
  const ir::Graph before = t.Build();
  ir::Graph after = before;
  ASSERT_EQ(FoldBatchNorm(after), 1);
  EXPECT_EQ(after.nodes()[0].inputs.size(), 3u);
  ExpectSameFloatOutputs(before, after);
}

TEST(FoldBatchNorm, ConvTransposeGrouped) {
  TestModel t;
  t.Input("x", {1, 4, 5, 5}).Random("w", {4, 3, 3, 3}, 1);  // [C_in, C_out / group, kh, kw], 6 outputs
  BnParams(t, 6).Node("ConvTranspose", {"x", "w"}, "c").Int("group", 2).Ints("strides", {2, 2});
  t.Node("BatchNormalization", {"c", "s", "b", "m", "v"}, "y").Output("y");
  ExpectFolds(t.Build(), 1);
}

TEST(FoldBatchNorm, Gemm) {
  TestModel t;
  t.Input("x", {2, 8}).Random("w", {5, 8}, 1).Random("bias", {5}, 2);
  BnParams(t, 5).Node("Gemm", {"x", "w", "bias"}, "g").Int("transB", 1);
  t.Node("BatchNormalization", {"g", "s", "b", "m", "v"}, "y").Output("y");
  ExpectFolds(t.Build(), 1);
}

// Two convs share one weight tensor: folding BN into one must not change the other.
TEST(FoldBatchNorm, SharedWeightsAreCopied) {
  TestModel t;
  t.Input("x", {1, 3, 6, 6}).Random("w", {4, 3, 1, 1}, 1);
  BnParams(t, 4).Node("Conv", {"x", "w"}, "c1").Node("Conv", {"x", "w"}, "c2");
  t.Node("BatchNormalization", {"c1", "s", "b", "m", "v"}, "y1").Output("y1").Output("c2");
  ExpectFolds(t.Build(), 2);
}

TEST(FoldBatchNorm, NotWhenConvOutputHasOtherReaders) {
  TestModel t;
  t.Input("x", {1, 3, 6, 6}).Random("w", {4, 3, 3, 3}, 1);
  BnParams(t, 4).Node("Conv", {"x", "w"}, "c").Node("Relu", {"c"}, "r");
  t.Node("BatchNormalization", {"c", "s", "b", "m", "v"}, "y").Output("y").Output("r");
  ir::Graph g = t.Build();
  EXPECT_EQ(FoldBatchNorm(g), 0);
  EXPECT_EQ(g.nodes().size(), 3u);
}

TEST(FoldBatchNorm, NotWhenConvOutputIsAGraphOutput) {
  TestModel t;
  t.Input("x", {1, 3, 6, 6}).Random("w", {4, 3, 3, 3}, 1);
  BnParams(t, 4).Node("Conv", {"x", "w"}, "c");
  t.Node("BatchNormalization", {"c", "s", "b", "m", "v"}, "y").Output("y").Output("c");
  ir::Graph g = t.Build();
  EXPECT_EQ(FoldBatchNorm(g), 0);
}

TEST(FoldBatchNorm, NotAfterANonConvOrNonConstantWeights) {
  TestModel t;
  t.Input("x", {1, 4, 6, 6}).Input("wx", {4, 4, 1, 1});
  BnParams(t, 4).Node("Relu", {"x"}, "r").Node("BatchNormalization", {"r", "s", "b", "m", "v"}, "y1");
  t.Node("Conv", {"x", "wx"}, "c").Node("BatchNormalization", {"c", "s", "b", "m", "v"}, "y2");
  t.Output("y1").Output("y2");
  ir::Graph g = t.Build();
  EXPECT_EQ(FoldBatchNorm(g), 0);
}

}  // namespace
}  // namespace rknnsim::passes
