// FoldConvAdd: a per-channel constant Add after Conv/ConvTranspose/Gemm folded into the bias;
// float outputs unchanged within kReassociationTolerance (fusion_test_util.h); and a residual Add
// (two computed tensors), per-pixel constants and shared tensors left alone.
#include "compiler/passes/fold_conv_add.h"

#include <cstdlib>

#include "compiler/quant/quantizer.h"
#include "tests/unit/fusion_test_util.h"

namespace rknnsim::passes {
namespace {

using testing::CountOps;
using testing::ExpectSameFloatOutputs;
using testing::TestModel;

TestModel ConvThenAdd(const std::vector<int64_t>& shape, bool with_bias = true) {
  TestModel t;
  t.Input("x", {1, 3, 8, 8}).Random("w", {4, 3, 3, 3}, 1).Random("b", {4}, 2).Random("k", shape, 3);
  t.Node("Conv", with_bias ? std::vector<std::string>{"x", "w", "b"} : std::vector<std::string>{"x", "w"}, "c");
  t.Node("Add", {"k", "c"}, "y").Output("y");
  return t;
}

void ExpectFolds(const ir::Graph& before) {
  ir::Graph after = before;
  EXPECT_EQ(FoldConvAdd(after), 1);
  EXPECT_EQ(CountOps(after, ir::OpKind::kAdd), 0);
  EXPECT_EQ(after.nodes().size(), before.nodes().size() - 1);
  ExpectSameFloatOutputs(before, after);
}

void ExpectNoFold(const ir::Graph& g) {
  ir::Graph after = g;
  EXPECT_EQ(FoldConvAdd(after), 0);
  EXPECT_EQ(after.nodes().size(), g.nodes().size());
}

TEST(FoldConvAdd, PerChannelAndScalar) {
  ExpectFolds(ConvThenAdd({4, 1, 1}).Build());
  ExpectFolds(ConvThenAdd({1, 4, 1, 1}, /*with_bias=*/false).Build());
  ExpectFolds(ConvThenAdd({}).Build());
}

TEST(FoldConvAdd, GemmAndConvTranspose) {
  TestModel g;
  g.Input("x", {2, 6}).Random("w", {4, 6}, 1).Random("k", {1, 4}, 3);
  g.Node("Gemm", {"x", "w"}, "m").Int("transB", 1).Node("Add", {"m", "k"}, "y").Output("y");
  ExpectFolds(g.Build());
  TestModel t;
  t.Input("x", {1, 2, 4, 4}).Random("w", {2, 3, 2, 2}, 1).Random("k", {3, 1, 1}, 3);
  t.Node("ConvTranspose", {"x", "w"}, "c").Ints("strides", {2, 2}).Node("Add", {"c", "k"}, "y").Output("y");
  ExpectFolds(t.Build());
}

TEST(FoldConvAdd, NotForResidualOrPerPixelAdds) {
  TestModel residual;
  residual.Input("x", {1, 4, 8, 8}).Random("w", {4, 4, 3, 3}, 1);
  residual.Node("Conv", {"x", "w"}, "c").Ints("pads", {1, 1, 1, 1}).Node("Add", {"c", "x"}, "y").Output("y");
  ExpectNoFold(residual.Build());
  ExpectNoFold(ConvThenAdd({1, 1, 6, 6}).Build());  // the conv output is 6x6
  ExpectNoFold(ConvThenAdd({3, 4, 1, 1}).Build());  // broadcasts the batch to 3
}

TEST(FoldConvAdd, NotWhenTheConvOutputIsSharedOrAnOutput) {
  TestModel shared = ConvThenAdd({4, 1, 1});
  shared.Node("Sigmoid", {"c"}, "z").Output("z");
  ExpectNoFold(shared.Build());
  TestModel out = ConvThenAdd({4, 1, 1});
  out.Output("c");
  ExpectNoFold(out.Build());
}

// A dead channel (weights ~1e-7) plus a folded constant of 0.5: the int8 bias must still fit
// (docs/quantization.md §3 bounds it by 2^30 through the weight scale), where the unfolded conv's
// bias was tiny. This is what PP-OCR's det model does after Conv+Mul+Add folding.
TEST(FoldConvAdd, DeadChannelStillQuantizesInInt8) {
  TestModel t;
  std::vector<float> w = testing::RandomValues(2 * 3 * 3 * 3, 1);
  for (size_t i = 27; i < w.size(); ++i) w[i] *= 1e-7f;  // channel 1 is dead
  t.Input("x", {1, 3, 8, 8}).Const("w", {2, 3, 3, 3}, w).Const("k", {2, 1, 1}, {0.25f, 0.5f});
  t.Node("Conv", {"x", "w"}, "c").Node("Add", {"c", "k"}, "y").Output("y");
  ir::Graph g = t.Build();
  ASSERT_EQ(FoldConvAdd(g), 1);
  quant::QuantizeInt8(g, quant::CalibrateMinMax(g, {testing::RandomInputs(g)}));
  const ir::Tensor& bias = g.tensor(g.nodes()[0].inputs[2]);
  ASSERT_EQ(bias.dtype, ir::DType::kInt32);
  const auto* q = reinterpret_cast<const int32_t*>(bias.bytes.data());
  EXPECT_LE(std::llabs(q[1]), int64_t{1} << 30);
  EXPECT_GT(std::llabs(q[1]), int64_t{1} << 29);  // the floor, not the dead weights, set its scale
}

}  // namespace
}  // namespace rknnsim::passes
