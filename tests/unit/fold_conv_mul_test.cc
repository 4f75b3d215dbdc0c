// FoldConvMul: a per-channel constant Mul after Conv/Gemm folded into weights and bias; float
// outputs unchanged within kReassociationTolerance (fusion_test_util.h); and where it must not fire.
#include "compiler/passes/fold_conv_mul.h"

#include "tests/unit/fusion_test_util.h"

namespace rknnsim::passes {
namespace {

using testing::CountOps;
using testing::ExpectSameFloatOutputs;
using testing::TestModel;

TestModel ConvThenMul(const std::vector<int64_t>& scale_shape, bool const_on_left = false) {
  TestModel t;
  t.Input("x", {1, 3, 8, 8}).Random("w", {4, 3, 3, 3}, 1).Random("b", {4}, 2).Random("s", scale_shape, 3);
  t.Node("Conv", {"x", "w", "b"}, "c").Ints("pads", {1, 1, 1, 1});
  t.Node("Mul", const_on_left ? std::vector<std::string>{"s", "c"} : std::vector<std::string>{"c", "s"}, "y");
  t.Output("y");
  return t;
}

void ExpectFolds(const ir::Graph& before) {
  ir::Graph after = before;
  EXPECT_EQ(FoldConvMul(after), 1);
  EXPECT_EQ(CountOps(after, ir::OpKind::kMul), 0);
  EXPECT_EQ(after.nodes().size(), before.nodes().size() - 1);
  ExpectSameFloatOutputs(before, after);
}

void ExpectNoFold(const ir::Graph& g) {
  ir::Graph after = g;
  EXPECT_EQ(FoldConvMul(after), 0);
  EXPECT_EQ(after.nodes().size(), g.nodes().size());
}

TEST(FoldConvMul, PerChannelShapes) {
  ExpectFolds(ConvThenMul({4, 1, 1}).Build());
  ExpectFolds(ConvThenMul({1, 4, 1, 1}, /*const_on_left=*/true).Build());
  ExpectFolds(ConvThenMul({1}).Build());  // a scalar scales every channel
}

TEST(FoldConvMul, ConvWithoutBiasAndGemm) {
  TestModel t;
  t.Input("x", {1, 4, 5, 5}).Random("w", {6, 2, 1, 1}, 1).Random("s", {6, 1, 1}, 3);
  t.Node("Conv", {"x", "w"}, "c").Int("group", 2).Node("Mul", {"c", "s"}, "y").Output("y");
  ExpectFolds(t.Build());
  TestModel g;
  g.Input("x", {3, 8}).Random("w", {8, 5}, 1).Random("s", {5}, 3);
  g.Node("Gemm", {"x", "w"}, "m").Node("Mul", {"m", "s"}, "y").Output("y");
  ExpectFolds(g.Build());
}

TEST(FoldConvMul, NotForPerPixelOrBroadcastingConstants) {
  ExpectNoFold(ConvThenMul({4, 8, 8}).Build());    // varies along H and W
  ExpectNoFold(ConvThenMul({1, 1, 8, 1}).Build());  // varies along H only
  ExpectNoFold(ConvThenMul({2, 4, 1, 1}).Build());  // broadcasts the batch to 2
}

TEST(FoldConvMul, NotWhenTheConvOutputIsSharedOrAnOutput) {
  TestModel shared = ConvThenMul({4, 1, 1});
  shared.Node("Relu", {"c"}, "r").Output("r");
  ExpectNoFold(shared.Build());
  TestModel out = ConvThenMul({4, 1, 1});
  out.Output("c");
  ExpectNoFold(out.Build());
}

TEST(FoldConvMul, NotWithANonConstantOperand) {
  TestModel t;
  t.Input("x", {1, 3, 8, 8}).Input("s", {1, 4, 1, 1}).Random("w", {4, 3, 3, 3}, 1);
  t.Node("Conv", {"x", "w"}, "c").Node("Mul", {"c", "s"}, "y").Output("y");
  ExpectNoFold(t.Build());
}

}  // namespace
}  // namespace rknnsim::passes
