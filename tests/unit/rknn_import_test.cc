// .rknn graph import: fused types map onto IR chains, unmapped types name the node and the type,
// native weight blocks decode to OIHW.
#include <gtest/gtest.h>

#include "common/error.h"
#include "compiler/rknn/graph_import.h"

namespace rknnsim::rknn {
namespace {

RTensor Activation(const std::string& name, std::vector<int32_t> shape, uint8_t kind = 3) {
  RTensor t;
  t.dtype = 3, t.kind = kind, t.name = name, t.shape = std::move(shape);
  t.scale = {0.5f}, t.zero_point = {-3};
  return t;
}

// input -> ConvAddRelu(input, w, b, input) -> output, plus whatever node `type` names.
RknnModel ConvAddModel(const std::string& type) {
  RknnModel m;
  m.target = "rk3566";
  m.tensors.push_back(RTensor{});  // the placeholder at index 0
  m.tensors.push_back(Activation("x", {1, 8, 4, 4}, 1));
  RTensor w;
  w.dtype = 3, w.kind = 4, w.name = "w", w.shape = {8, 8, 1, 1}, w.native_shape = {1, 1, 1, 1, 8, 8};
  for (int i = 0; i < 64; ++i) w.data.push_back(static_cast<uint8_t>(i));
  m.tensors.push_back(w);
  RTensor b;
  b.dtype = 6, b.kind = 4, b.name = "b", b.shape = {8};
  m.tensors.push_back(b);
  m.tensors.push_back(Activation("y", {1, 8, 4, 4}, 2));
  RNode in{"InputOperator", "InputOperator:x", 0, {}, {1}, {}, {}};
  RNode conv{type, "Conv:conv_0", 2, {1, 2, 3, 1}, {4}, {}, {}};
  m.nodes = {in, conv};
  m.inputs = {1}, m.outputs = {4};
  return m;
}

TEST(RknnImport, ConvAddReluBecomesConvThenAddWithRelu) {
  const ImportedGraph g = ImportGraph(ConvAddModel("ConvAddRelu"));
  ASSERT_EQ(g.graph.nodes().size(), 2u);
  EXPECT_EQ(g.graph.nodes()[0].op, ir::OpKind::kConv);
  EXPECT_EQ(g.graph.nodes()[0].name, "conv_0");
  EXPECT_EQ(g.graph.nodes()[1].op, ir::OpKind::kAdd);
  EXPECT_EQ(g.graph.nodes()[1].attrs.activation, ir::Activation::kRelu);
  EXPECT_EQ(g.origin.at("conv_0"), 1);
  EXPECT_EQ(g.origin.at(g.graph.nodes()[1].name), 1);
  // The fused Add writes the file's output tensor; the conv writes a new intermediate.
  EXPECT_EQ(g.graph.tensor(g.graph.nodes()[1].outputs[0]).name, "y");
  EXPECT_TRUE(g.weights_decoded);
}

TEST(RknnImport, UnmappedFusedTypeNamesNodeAndType) {
  try {
    ImportGraph(ConvAddModel("ConvHardGelu"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("node 'Conv:conv_0'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("type 'ConvHardGelu'"), std::string::npos) << e.what();
  }
}

TEST(RknnImport, NativeWeightBlocksDecodeToOihw) {
  // 2 output x 3 input channels, 1x1 kernel, blocks of Ob = 2, Ib = 4: [1, 1, 1, 1, 2, 4].
  RTensor w;
  w.dtype = 3, w.kind = 4, w.shape = {2, 3, 1, 1}, w.native_shape = {1, 1, 1, 1, 2, 4};
  w.data = {10, 11, 12, 99, 20, 21, 22, 99};  // o-major within the block, input channel fastest
  const std::vector<int8_t> oihw = DecodeNativeWeights(w);
  EXPECT_EQ(oihw, (std::vector<int8_t>{10, 11, 12, 20, 21, 22}));
  w.compressed = true;
  EXPECT_TRUE(DecodeNativeWeights(w).empty());
}

}  // namespace
}  // namespace rknnsim::rknn
