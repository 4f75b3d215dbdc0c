#include "compiler/passes/channel_affine_to_depthwise.h"

#include <gtest/gtest.h>

#include <cmath>

#include "compiler/reference/float_executor.h"
#include "tests/ops/one_op_graph.h"

namespace rknnsim::passes {
namespace {

using testing_support::OneOpGraph;

// The float reference agrees before and after, to fp32 rounding of x · w + b.
void ExpectSameFloat(const ir::Graph& before, const ir::Graph& after) {
  const quant::Sample in = {testing_support::Random(static_cast<size_t>(ir::NumElements(
                                                        before.tensor(before.inputs()[0]).shape)),
                                                    5, -4.0f, 4.0f)};
  const auto a = reference::RunFloat(before, in), b = reference::RunFloat(after, in);
  ASSERT_EQ(a.size(), b.size());
  for (size_t o = 0; o < a.size(); ++o)
    for (size_t i = 0; i < a[o].size(); ++i) EXPECT_NEAR(a[o][i], b[o][i], 2e-6f * (1.0f + std::fabs(a[o][i])));
}

void ExpectDepthwise(const ir::Graph& g, int64_t channels) {
  ASSERT_EQ(g.nodes().size(), 1u);
  const ir::Node& n = g.nodes()[0];
  EXPECT_EQ(n.op, ir::OpKind::kConv);
  EXPECT_EQ(n.attrs.group, channels);
  EXPECT_EQ(g.tensor(n.inputs[1]).shape, (ir::Shape{channels, 1, 1, 1}));
}

TEST(ChannelAffineToDepthwise, BatchNormalization) {
  OneOpGraph b;
  const int x = b.Input({1, 5, 3, 4});
  const int var = b.Const({5}, 1.0f);
  for (float& v : b.graph().tensor(var).float_data) v = std::fabs(v) + 0.1f;
  b.Node(ir::OpKind::kBatchNormalization, {x, b.Const({5}, 2.0f), b.Const({5}, 1.0f), b.Const({5}, 1.0f), var});
  const ir::Graph before = b.graph();
  EXPECT_EQ(ChannelAffineToDepthwise(b.graph()), 1);
  ExpectDepthwise(b.graph(), 5);
  ExpectSameFloat(before, b.graph());
}

TEST(ChannelAffineToDepthwise, ConstantMulDivAddSub) {
  struct Case {
    ir::OpKind op;
    ir::Shape k;
    bool constant_first;
  };
  for (const Case& c : {Case{ir::OpKind::kMul, {1, 6, 1, 1}, true}, Case{ir::OpKind::kDiv, {6, 1, 1}, false},
                        Case{ir::OpKind::kAdd, {}, false}, Case{ir::OpKind::kSub, {1, 6, 1, 1}, false},
                        Case{ir::OpKind::kSub, {}, true}}) {
    OneOpGraph b;
    const int x = b.Input({1, 6, 2, 3});
    const int k = b.Const(c.k, 3.0f);
    if (c.op == ir::OpKind::kDiv)
      for (float& v : b.graph().tensor(k).float_data) v = std::fabs(v) + 0.5f;
    b.Node(c.op, c.constant_first ? std::vector<int>{k, x} : std::vector<int>{x, k});
    const ir::Graph before = b.graph();
    SCOPED_TRACE(ops::GetOpDef(c.op).onnx_name);
    EXPECT_EQ(ChannelAffineToDepthwise(b.graph()), 1);
    ExpectDepthwise(b.graph(), 6);
    ExpectSameFloat(before, b.graph());
  }
}

TEST(ChannelAffineToDepthwise, LeavesOtherBroadcastsAlone) {
  OneOpGraph b;
  const int x = b.Input({1, 6, 2, 3});
  b.Node(ir::OpKind::kMul, {x, b.Const({3}, 1.0f)});        // broadcasts over W, not C
  b.Node(ir::OpKind::kDiv, {b.Const({1, 6, 1, 1}, 1.0f), x});  // k / x is not affine
  b.Node(ir::OpKind::kAdd, {x, b.Input({1, 6, 1, 1})});     // not a constant
  const int y = b.Input({1, 6});
  b.Node(ir::OpKind::kMul, {y, b.Const({}, 1.0f)});          // not a 4-D feature map
  EXPECT_EQ(ChannelAffineToDepthwise(b.graph()), 0);
}

}  // namespace
}  // namespace rknnsim::passes
