// The OpType column of the perf table for fused nodes (compiler/ops/op_table.cc ReportOpType):
// the board's perf_debug names a fused conv by host + activation (ConvRelu, ConvClip, AddRelu; see
// ../shared/docs/RKNN_FORMAT.md's op histograms), and the §10 folds leave a plain Conv/Gemm.
#include <gtest/gtest.h>

#include "compiler/ops/op_def.h"
#include "compiler/passes/fold_batchnorm.h"
#include "compiler/passes/fuse_activation.h"
#include "tests/unit/fusion_test_util.h"

namespace rknnsim::ops {
namespace {

std::string TypeOf(ir::OpKind op, ir::Activation act) {
  ir::Node n;
  n.op = op;
  n.attrs.activation = act;
  return ReportOpType(n);
}

TEST(ReportOpType, FusedActivationsUseTheBoardNames) {
  EXPECT_EQ(TypeOf(ir::OpKind::kConv, ir::Activation::kNone), "Conv");
  EXPECT_EQ(TypeOf(ir::OpKind::kConv, ir::Activation::kRelu), "ConvRelu");
  EXPECT_EQ(TypeOf(ir::OpKind::kConv, ir::Activation::kClip), "ConvClip");
  EXPECT_EQ(TypeOf(ir::OpKind::kAdd, ir::Activation::kRelu), "AddRelu");
  EXPECT_EQ(TypeOf(ir::OpKind::kGemm, ir::Activation::kRelu), "GemmRelu");
}

// Conv + BN + Relu after the pipeline's folds: one node, reported as the board reports it.
TEST(ReportOpType, ConvBatchNormReluIsOneConvRelu) {
  testing::TestModel t;
  t.Input("x", {1, 2, 4, 4}).Random("w", {3, 2, 1, 1}, 1).Random("s", {3}, 2).Random("b", {3}, 3);
  t.Random("m", {3}, 4).Random("v", {3}, 5, 0.5f, 1.5f);
  t.Node("Conv", {"x", "w"}, "c").Node("BatchNormalization", {"c", "s", "b", "m", "v"}, "n");
  t.Node("Relu", {"n"}, "y").Output("y");
  ir::Graph g = t.Build();
  passes::FoldBatchNorm(g);
  passes::FuseActivations(g);
  ASSERT_EQ(g.nodes().size(), 1u);
  EXPECT_EQ(ReportOpType(g.nodes()[0]), "ConvRelu");
}

}  // namespace
}  // namespace rknnsim::ops
