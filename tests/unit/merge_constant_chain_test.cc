// MergeConstantChains: Add+Add and Mul+Mul with constant operands merged into one op; float
// outputs unchanged within kReassociationTolerance (fusion_test_util.h); mixed ops, shared
// intermediates, graph outputs and non-constant operands left alone.
#include "compiler/passes/merge_constant_chain.h"

#include "tests/unit/fusion_test_util.h"

namespace rknnsim::passes {
namespace {

using testing::ExpectSameFloatOutputs;
using testing::TestModel;

void ExpectMerges(const ir::Graph& before, int merged) {
  ir::Graph after = before;
  EXPECT_EQ(MergeConstantChains(after), merged);
  EXPECT_EQ(after.nodes().size(), before.nodes().size() - static_cast<size_t>(merged));
  ExpectSameFloatOutputs(before, after);
}

int Unchanged(const ir::Graph& g) {
  ir::Graph after = g;
  return MergeConstantChains(after);
}

TEST(MergeConstantChains, AddAddWithBroadcastConstants) {
  TestModel t;
  t.Input("x", {1, 3, 4, 4}).Random("c1", {3, 1, 1}, 1).Random("c2", {1, 4}, 2);
  t.Node("Add", {"x", "c1"}, "a").Node("Add", {"c2", "a"}, "y").Output("y");
  ExpectMerges(t.Build(), 1);
}

TEST(MergeConstantChains, MulChainOfFour) {
  TestModel t;
  t.Input("x", {2, 5}).Random("c1", {5}, 1).Random("c2", {}, 2).Random("c3", {2, 1}, 3).Random("c4", {5}, 4);
  t.Node("Mul", {"x", "c1"}, "a").Node("Mul", {"a", "c2"}, "b").Node("Mul", {"b", "c3"}, "c").Node("Mul", {"c", "c4"}, "y");
  t.Output("y");
  ExpectMerges(t.Build(), 3);
}

TEST(MergeConstantChains, NotAcrossDifferentOpsSharedTensorsOrOutputs) {
  TestModel mixed;
  mixed.Input("x", {1, 4}).Random("c1", {4}, 1).Random("c2", {4}, 2);
  mixed.Node("Add", {"x", "c1"}, "a").Node("Mul", {"a", "c2"}, "y").Output("y");
  EXPECT_EQ(Unchanged(mixed.Build()), 0);
  TestModel shared;
  shared.Input("x", {1, 4}).Random("c1", {4}, 1).Random("c2", {4}, 2);
  shared.Node("Add", {"x", "c1"}, "a").Node("Add", {"a", "c2"}, "y").Node("Relu", {"a"}, "r").Output("y").Output("r");
  EXPECT_EQ(Unchanged(shared.Build()), 0);
  TestModel out;
  out.Input("x", {1, 4}).Random("c1", {4}, 1).Random("c2", {4}, 2);
  out.Node("Add", {"x", "c1"}, "a").Node("Add", {"a", "c2"}, "y").Output("y").Output("a");
  EXPECT_EQ(Unchanged(out.Build()), 0);
  TestModel runtime;
  runtime.Input("x", {1, 4}).Input("z", {1, 4}).Random("c1", {4}, 1);
  runtime.Node("Add", {"x", "c1"}, "a").Node("Add", {"a", "z"}, "y").Output("y");
  EXPECT_EQ(Unchanged(runtime.Build()), 0);
}

}  // namespace
}  // namespace rknnsim::passes
