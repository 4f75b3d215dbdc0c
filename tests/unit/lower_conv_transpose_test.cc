// LowerConvTranspose: ConvTranspose -> ZeroInsert + Conv with flipped, per-group transposed weights
// (docs/quantization.md §21); float outputs unchanged within kReassociationTolerance
// (fusion_test_util.h), and the cases it must leave on the CPU.
#include "compiler/passes/lower_conv_transpose.h"

#include "tests/unit/fusion_test_util.h"

namespace rknnsim::passes {
namespace {

using testing::CountOps;
using testing::ExpectSameFloatOutputs;
using testing::TestModel;

void ExpectLowers(const ir::Graph& before) {
  ir::Graph after = before;
  EXPECT_EQ(LowerConvTranspose(after), 1);
  EXPECT_EQ(CountOps(after, ir::OpKind::kConvTranspose), 0);
  EXPECT_EQ(CountOps(after, ir::OpKind::kZeroInsert), 1);
  EXPECT_EQ(CountOps(after, ir::OpKind::kConv), 1);
  ExpectSameFloatOutputs(before, after);
}

TEST(LowerConvTranspose, TwoByTwoStrideTwoWithBias) {
  TestModel t;
  t.Input("x", {1, 5, 6, 7}).Random("w", {5, 3, 2, 2}, 1).Random("b", {3}, 2);
  t.Node("ConvTranspose", {"x", "w", "b"}, "y").Ints("strides", {2, 2}).Output("y");
  ExpectLowers(t.Build());
}

TEST(LowerConvTranspose, ThreeByThreePadsAndOutputPadding) {
  TestModel t;
  t.Input("x", {1, 4, 5, 5}).Random("w", {4, 6, 3, 3}, 1);
  t.Node("ConvTranspose", {"x", "w"}, "y").Ints("strides", {2, 2}).Ints("pads", {1, 1, 1, 1});
  t.Ints("output_padding", {1, 1}).Output("y");
  ExpectLowers(t.Build());
}

TEST(LowerConvTranspose, GroupedAndDepthwiseAndUnequalStrides) {
  TestModel g;
  g.Input("x", {1, 4, 5, 4}).Random("w", {4, 3, 3, 2}, 1);  // group 2: 6 outputs
  g.Node("ConvTranspose", {"x", "w"}, "y").Int("group", 2).Ints("strides", {3, 2}).Output("y");
  ExpectLowers(g.Build());
  TestModel d;
  d.Input("x", {1, 6, 4, 4}).Random("w", {6, 1, 4, 4}, 1);
  d.Node("ConvTranspose", {"x", "w"}, "y").Int("group", 6).Ints("strides", {2, 2}).Ints("pads", {1, 1, 1, 1});
  d.Output("y");
  ExpectLowers(d.Build());
}

TEST(LowerConvTranspose, LeavesDilationAndLargePadsAlone) {
  TestModel dil;
  dil.Input("x", {1, 2, 4, 4}).Random("w", {2, 2, 3, 3}, 1);
  dil.Node("ConvTranspose", {"x", "w"}, "y").Ints("dilations", {2, 2}).Output("y");
  ir::Graph a = dil.Build();
  EXPECT_EQ(LowerConvTranspose(a), 0);
  TestModel pad;
  pad.Input("x", {1, 2, 6, 6}).Random("w", {2, 2, 3, 3}, 1);
  pad.Node("ConvTranspose", {"x", "w"}, "y").Ints("strides", {2, 2}).Ints("pads", {3, 3, 3, 3}).Output("y");
  ir::Graph b = pad.Build();
  EXPECT_EQ(LowerConvTranspose(b), 0);
  EXPECT_EQ(CountOps(b, ir::OpKind::kConvTranspose), 1);
}

}  // namespace
}  // namespace rknnsim::passes
