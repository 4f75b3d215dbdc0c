#include "compiler/passes/fuse_hard_activations.h"

#include <gtest/gtest.h>

#include "compiler/reference/float_executor.h"
#include "tests/ops/one_op_graph.h"

namespace rknnsim::passes {
namespace {

using testing_support::OneOpGraph;

ir::Attributes Relu6() {
  ir::Attributes a;
  a.activation = ir::Activation::kClip;
  a.clip_min = 0.0f, a.clip_max = 6.0f;
  return a;
}

// The float reference before and after the pass agree to rounding: x * (c / 6) vs (x * c) / 6.
void ExpectSameFloat(ir::Graph before, const ir::Graph& after) {
  const quant::Sample in = {testing_support::Random(96, 3, -8.0f, 8.0f)};
  const auto a = reference::RunFloat(before, in), b = reference::RunFloat(after, in);
  ASSERT_EQ(a.size(), b.size());
  for (size_t o = 0; o < a.size(); ++o)
    for (size_t i = 0; i < a[o].size(); ++i) EXPECT_NEAR(a[o][i], b[o][i], 1e-6f * (1.0f + std::fabs(a[o][i])));
}

TEST(FuseHardActivations, PaddleHardSwishBecomesOneNode) {
  // paddle2onnx: Div(Mul(x, Clip(Add(x, 3), 0, 6)), 6)
  OneOpGraph b;
  const int x = b.Input({1, 6, 4, 4});
  const int shifted = b.Node(ir::OpKind::kAdd, {x, b.Scalar(3.0f)});
  const int clipped = b.Node(ir::OpKind::kClip, {shifted}, Relu6());
  const int product = b.Node(ir::OpKind::kMul, {x, clipped});
  b.Node(ir::OpKind::kDiv, {product, b.Scalar(6.0f)});
  const ir::Graph before = b.graph();
  const HardActivationCount n = FuseHardActivations(b.graph());
  EXPECT_EQ(n.hard_swish, 1);
  ASSERT_EQ(b.graph().nodes().size(), 1u);
  EXPECT_EQ(b.graph().nodes()[0].op, ir::OpKind::kHardSwish);
  ExpectSameFloat(before, b.graph());
}

TEST(FuseHardActivations, GateTimesInputAndBareHardSigmoid) {
  // y1 = x * (Clip(x + 3, 0, 6) * 1/6); y2 = Clip(z + 3, 0, 6) / 6 with z = y1
  OneOpGraph b;
  const int x = b.Input({1, 6, 4, 4});
  const int clipped = b.Node(ir::OpKind::kClip, {b.Node(ir::OpKind::kAdd, {b.Scalar(3.0f), x})}, Relu6());
  const int gate = b.Node(ir::OpKind::kMul, {clipped, b.Scalar(1.0f / 6.0f)});
  const int y1 = b.Node(ir::OpKind::kMul, {gate, x});
  const int c2 = b.Node(ir::OpKind::kClip, {b.Node(ir::OpKind::kAdd, {y1, b.Scalar(3.0f)})}, Relu6());
  b.Node(ir::OpKind::kDiv, {c2, b.Scalar(6.0f)});
  const ir::Graph before = b.graph();
  const HardActivationCount n = FuseHardActivations(b.graph());
  EXPECT_EQ(n.hard_swish, 1);
  EXPECT_EQ(n.hard_sigmoid, 1);
  ASSERT_EQ(b.graph().nodes().size(), 2u);
  EXPECT_EQ(b.graph().nodes()[0].op, ir::OpKind::kHardSwish);
  EXPECT_EQ(b.graph().nodes()[1].op, ir::OpKind::kHardSigmoid);
  ExpectSameFloat(before, b.graph());
}

TEST(FuseHardActivations, LeavesLookalikesAlone) {
  OneOpGraph b;
  const int x = b.Input({1, 6, 4, 4});
  // Clip to 0..5 is not relu6; adding 2 is not the shift of 3; the clip is also a graph output.
  const int c1 = b.Node(ir::OpKind::kClip, {b.Node(ir::OpKind::kAdd, {x, b.Scalar(2.0f)})}, Relu6());
  b.Node(ir::OpKind::kDiv, {c1, b.Scalar(6.0f)});
  ir::Attributes not_relu6 = Relu6();
  not_relu6.clip_max = 5.0f;
  const int c2 = b.Node(ir::OpKind::kClip, {b.Node(ir::OpKind::kAdd, {x, b.Scalar(3.0f)})}, not_relu6);
  const int y = b.Node(ir::OpKind::kDiv, {c2, b.Scalar(6.0f)});
  const int c3 = b.Node(ir::OpKind::kClip, {b.Node(ir::OpKind::kAdd, {y, b.Scalar(3.0f)})}, Relu6());
  b.Node(ir::OpKind::kDiv, {c3, b.Scalar(6.0f)});
  b.graph().outputs().push_back(c3);  // an intermediate that is also an output must survive
  const size_t count = b.graph().nodes().size();
  const HardActivationCount n = FuseHardActivations(b.graph());
  EXPECT_EQ(n.hard_swish + n.hard_sigmoid, 0);
  EXPECT_EQ(b.graph().nodes().size(), count);
}

}  // namespace
}  // namespace rknnsim::passes
