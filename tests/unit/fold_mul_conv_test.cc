// FoldMulConv: a per-channel constant Mul in front of a Conv or Gemm folded into its weights;
// float outputs unchanged within kReassociationTolerance (fusion_test_util.h), including with
// zero padding and groups; an Add in front of a padded conv (not exactly foldable) and shared or
// non-per-channel Muls left alone.
#include "compiler/passes/fold_mul_conv.h"

#include "tests/unit/fusion_test_util.h"

namespace rknnsim::passes {
namespace {

using testing::CountOps;
using testing::ExpectSameFloatOutputs;
using testing::TestModel;

TestModel MulThenConv(const std::vector<int64_t>& scale_shape, int64_t group = 1) {
  TestModel t;
  t.Input("x", {1, 4, 7, 7}).Random("s", scale_shape, 3).Random("w", {6, 4 / group, 3, 3}, 1).Random("b", {6}, 2);
  t.Node("Mul", {"x", "s"}, "m");
  t.Node("Conv", {"m", "w", "b"}, "y").Ints("pads", {1, 1, 1, 1}).Ints("strides", {2, 2}).Int("group", group);
  t.Output("y");
  return t;
}

void ExpectFolds(const ir::Graph& before) {
  ir::Graph after = before;
  EXPECT_EQ(FoldMulConv(after), 1);
  EXPECT_EQ(CountOps(after, ir::OpKind::kMul), 0);
  EXPECT_EQ(after.nodes().size(), before.nodes().size() - 1);
  ExpectSameFloatOutputs(before, after);
}

void ExpectNoFold(const ir::Graph& g) {
  ir::Graph after = g;
  EXPECT_EQ(FoldMulConv(after), 0);
  EXPECT_EQ(after.nodes().size(), g.nodes().size());
}

TEST(FoldMulConv, PaddedConvGroupedConvAndScalar) {
  ExpectFolds(MulThenConv({4, 1, 1}).Build());
  ExpectFolds(MulThenConv({1, 4, 1, 1}, /*group=*/2).Build());
  ExpectFolds(MulThenConv({}).Build());
}

TEST(FoldMulConv, Gemm) {
  TestModel t;
  t.Input("x", {2, 6}).Random("s", {6}, 3).Random("w", {5, 6}, 1);
  t.Node("Mul", {"s", "x"}, "m").Node("Gemm", {"m", "w"}, "y").Int("transB", 1).Output("y");
  ExpectFolds(t.Build());
}

TEST(FoldMulConv, NotForPerPixelScalesOrSharedMuls) {
  ExpectNoFold(MulThenConv({1, 1, 7, 7}).Build());
  TestModel shared = MulThenConv({4, 1, 1});
  shared.Node("Relu", {"m"}, "r").Output("r");
  ExpectNoFold(shared.Build());
  TestModel out = MulThenConv({4, 1, 1});
  out.Output("m");
  ExpectNoFold(out.Build());
}

// The Mul output as the conv's weights, or a non-constant scale: not the pattern.
TEST(FoldMulConv, NotWhenTheMulIsNotTheConvData) {
  TestModel t;
  t.Input("x", {1, 4, 7, 7}).Input("s", {1, 4, 1, 1}).Random("w", {6, 4, 3, 3}, 1);
  t.Node("Mul", {"x", "s"}, "m").Node("Conv", {"m", "w"}, "y").Output("y");
  ExpectNoFold(t.Build());
}

// Why an Add before a padded conv is not folded: the conv's zero border would have to become the
// added constant. This pins down the reasoning on the float reference itself.
TEST(FoldMulConv, AddBeforeAPaddedConvIsNotABiasShift) {
  TestModel t;
  t.Input("x", {1, 1, 3, 3}).Const("k", {1}, {1.0f}).Const("w", {1, 1, 3, 3}, std::vector<float>(9, 1.0f));
  t.Node("Add", {"x", "k"}, "a").Node("Conv", {"a", "w"}, "y").Ints("pads", {1, 1, 1, 1}).Output("y");
  const ir::Graph g = t.Build();
  ExpectNoFold(g);
  const auto y = reference::RunFloat(g, {std::vector<float>(9, 0.0f)})[0];
  EXPECT_EQ(y[0], 4.0f);  // corner: 4 in-bounds taps see 1, the 5 padded taps see 0
  EXPECT_EQ(y[4], 9.0f);  // centre: all 9 taps in bounds; a bias shift would give 9 everywhere
}

}  // namespace
}  // namespace rknnsim::passes
