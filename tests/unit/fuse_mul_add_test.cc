// FuseMulAdd: per-channel Mul + Add on a 4-D tensor becomes one 1x1 depthwise Conv (the
// per-channel affine); float outputs unchanged within kReassociationTolerance
// (fusion_test_util.h); non-4-D tensors, per-pixel constants and shared tensors left alone.
#include "compiler/passes/fuse_mul_add.h"

#include "tests/unit/fusion_test_util.h"

namespace rknnsim::passes {
namespace {

using testing::CountOps;
using testing::ExpectSameFloatOutputs;
using testing::TestModel;

TestModel MulAdd(const std::vector<int64_t>& x, const std::vector<int64_t>& s, const std::vector<int64_t>& b) {
  TestModel t;
  t.Input("x", x).Random("s", s, 1).Random("b", b, 2);
  t.Node("Mul", {"s", "x"}, "m").Node("Add", {"m", "b"}, "y").Output("y");
  return t;
}

int Fused(const ir::Graph& g) {
  ir::Graph after = g;
  return FuseMulAdd(after);
}

TEST(FuseMulAdd, BecomesADepthwiseConv) {
  const ir::Graph before = MulAdd({1, 5, 4, 4}, {5, 1, 1}, {1, 5, 1, 1}).Build();
  ir::Graph after = before;
  EXPECT_EQ(FuseMulAdd(after), 1);
  ASSERT_EQ(after.nodes().size(), 1u);
  EXPECT_EQ(CountOps(after, ir::OpKind::kConv), 1);
  EXPECT_EQ(after.nodes()[0].attrs.group, 5);
  ExpectSameFloatOutputs(before, after);
  // A scalar scale and a per-channel shift also make an affine.
  const ir::Graph scalar = MulAdd({2, 3, 2, 2}, {}, {3, 1, 1}).Build();
  after = scalar;
  EXPECT_EQ(FuseMulAdd(after), 1);
  ExpectSameFloatOutputs(scalar, after);
}

TEST(FuseMulAdd, NotForOtherRanksPerPixelOrSharedTensors) {
  EXPECT_EQ(Fused(MulAdd({2, 5}, {5}, {5}).Build()), 0);                    // not 4-D
  EXPECT_EQ(Fused(MulAdd({1, 5, 4, 4}, {4, 4}, {5, 1, 1}).Build()), 0);     // per-pixel scale
  EXPECT_EQ(Fused(MulAdd({1, 5, 4, 4}, {5, 1, 1}, {1, 1, 4}).Build()), 0);  // per-column shift
  TestModel shared = MulAdd({1, 5, 4, 4}, {5, 1, 1}, {5, 1, 1});
  shared.Output("m");
  EXPECT_EQ(Fused(shared.Build()), 0);
}

}  // namespace
}  // namespace rknnsim::passes
