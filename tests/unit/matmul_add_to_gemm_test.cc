// FuseMatMulAdd: 2-D MatMul with constant weights + per-column constant Add becomes one Gemm;
// float outputs unchanged within kReassociationTolerance (fusion_test_util.h); batched MatMul,
// per-row or per-element biases and computed weights left alone.
#include "compiler/passes/matmul_add_to_gemm.h"

#include "tests/unit/fusion_test_util.h"

namespace rknnsim::passes {
namespace {

using testing::CountOps;
using testing::ExpectSameFloatOutputs;
using testing::TestModel;

TestModel MatMulAdd(const std::vector<int64_t>& x, const std::vector<int64_t>& bias) {
  TestModel t;
  t.Input("x", x).Random("w", {6, 5}, 1).Random("c", bias, 2);
  t.Node("MatMul", {"x", "w"}, "m").Node("Add", {"m", "c"}, "y").Output("y");
  return t;
}

int Fused(const ir::Graph& g) {
  ir::Graph after = g;
  return FuseMatMulAdd(after);
}

TEST(FuseMatMulAdd, BecomesOneGemm) {
  for (const std::vector<int64_t>& bias : {std::vector<int64_t>{5}, {1, 5}, {1}}) {
    const ir::Graph before = MatMulAdd({3, 6}, bias).Build();
    ir::Graph after = before;
    EXPECT_EQ(FuseMatMulAdd(after), 1);
    ASSERT_EQ(after.nodes().size(), 1u);
    EXPECT_EQ(CountOps(after, ir::OpKind::kGemm), 1);
    EXPECT_TRUE(after.nodes()[0].attrs.trans_b);
    ExpectSameFloatOutputs(before, after);
  }
}

TEST(FuseMatMulAdd, NotForBatchedPerRowOrComputedOperands) {
  EXPECT_EQ(Fused(MatMulAdd({2, 3, 6}, {5}).Build()), 0);  // Gemm is 2-D only
  EXPECT_EQ(Fused(MatMulAdd({3, 6}, {3, 1}).Build()), 0);  // one bias per row
  EXPECT_EQ(Fused(MatMulAdd({3, 6}, {3, 5}).Build()), 0);  // one bias per element
  TestModel shared = MatMulAdd({3, 6}, {5});
  shared.Output("m");
  EXPECT_EQ(Fused(shared.Build()), 0);
  TestModel computed;
  computed.Input("x", {3, 6}).Input("w", {6, 5}).Random("c", {5}, 2);
  computed.Node("MatMul", {"x", "w"}, "m").Node("Add", {"m", "c"}, "y").Output("y");
  EXPECT_EQ(Fused(computed.Build()), 0);
}

}  // namespace
}  // namespace rknnsim::passes
