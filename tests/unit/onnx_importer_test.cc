// The ONNX frontend on small models built in memory: load options and the load errors the
// troubleshooting manual lists (§5, §7), each with its message checked.
#include "compiler/frontend/onnx_importer.h"

#include <gtest/gtest.h>
#include <onnx/defs/attr_proto_util.h>
#include <onnx/onnx_pb.h>

#include "common/error.h"
#include "compiler/ir/op.h"
#include "compiler/ops/tensor.h"
#include "compiler/reference/float_executor.h"

namespace rknnsim::frontend {
namespace {

class ModelBuilder {
 private:
  onnx::NodeProto& LastNode() { return *model_.mutable_graph()->mutable_node(model_.graph().node_size() - 1); }

 public:
  explicit ModelBuilder(int64_t opset = 13, int64_t ir_version = 7) {
    model_.set_ir_version(ir_version);
    auto* imp = model_.add_opset_import();
    imp->set_domain("");
    imp->set_version(opset);
  }
  ModelBuilder& Input(const std::string& name, const std::vector<int64_t>& shape, const std::string& dyn = "") {
    auto* v = model_.mutable_graph()->add_input();
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : shape) {
      auto* dim = t->mutable_shape()->add_dim();
      if (d > 0) dim->set_dim_value(d); else dim->set_dim_param(dyn);
    }
    return *this;
  }
  ModelBuilder& Node(const std::string& op, const std::vector<std::string>& in, const std::vector<std::string>& out,
                     const std::string& name = "") {
    auto* n = model_.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(name.empty() ? op + "_" + out[0] : name);
    for (const auto& i : in) n->add_input(i);
    for (const auto& o : out) n->add_output(o);
    return *this;
  }
  // A typed output, as exporters write it (ONNX's checker wants a shape too).
  ModelBuilder& Output(const std::string& name, const std::vector<int64_t>& shape = {}) {
    auto* v = model_.mutable_graph()->add_output();
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : shape) t->mutable_shape()->add_dim()->set_dim_value(d);
    return *this;
  }
  ModelBuilder& Initializer(const std::string& name, const std::vector<int64_t>& dims, int type = onnx::TensorProto::FLOAT) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(type);
    int64_t n = 1;
    for (int64_t d : dims) t->add_dims(d), n *= d;
    for (int64_t i = 0; i < n; ++i) {
      if (type == onnx::TensorProto::FLOAT) t->add_float_data(1.0f);
      if (type == onnx::TensorProto::FLOAT16) t->add_int32_data(0x3c00);
    }
    return *this;
  }
  ModelBuilder& Int64Initializer(const std::string& name, const std::vector<int64_t>& values) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<int64_t>(values.size()));
    for (int64_t v : values) t->add_int64_data(v);
    return *this;
  }
  // An attribute of the node added last (float, int64_t or std::string).
  template <typename T>
  ModelBuilder& Attr(const std::string& name, const T& value) {
    *LastNode().add_attribute() = onnx::MakeAttribute(name, value);
    return *this;
  }
  std::string Bytes() const { return model_.SerializeAsString(); }

 private:
  onnx::ModelProto model_;
};

std::string LoadError(const std::string& bytes, const OnnxLoadOptions& options = {}) {
  try {
    ImportOnnxBytes(bytes, "m.onnx", options);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << text

ModelBuilder ReluChain() {
  ModelBuilder b;
  b.Input("x", {1, 4, 8, 8}).Node("Relu", {"x"}, {"a"}).Node("Relu", {"a"}, {"b"}).Node("Relu", {"b"}, {"y"});
  b.Output("y");
  return b;
}

TEST(OnnxImporter, OutputsCutTheGraphBelowThem) {
  OnnxLoadOptions options;
  options.outputs = {"a"};
  const ir::Graph g = ImportOnnxBytes(ReluChain().Bytes(), "m.onnx", options);
  EXPECT_EQ(g.nodes().size(), 1u);
  EXPECT_EQ(g.tensor(g.outputs()[0]).name, "a");
}

TEST(OnnxImporter, InputsCutTheGraphAboveThemWithInputSizeList) {
  OnnxLoadOptions options;
  options.inputs = {"b"};
  options.input_size_list = {{1, 4, 8, 8}};
  const ir::Graph g = ImportOnnxBytes(ReluChain().Bytes(), "m.onnx", options);
  EXPECT_EQ(g.nodes().size(), 1u);
  EXPECT_EQ(g.tensor(g.inputs()[0]).name, "b");
  options.input_size_list.clear();
  EXPECT_CONTAINS(LoadError(ReluChain().Bytes(), options), "input_size_list");
}

TEST(OnnxImporter, OutputsNamingNoTensorAreRejected) {
  OnnxLoadOptions options;
  options.outputs = {"nope"};
  EXPECT_CONTAINS(LoadError(ReluChain().Bytes(), options), "output 'nope' does not exist");
}

TEST(OnnxImporter, DynamicInputNeedsInputSizeList) {
  ModelBuilder b;
  b.Input("x", {0, 4, 8, 8}, "batch").Node("Relu", {"x"}, {"y"}).Output("y");
  EXPECT_CONTAINS(LoadError(b.Bytes()), "dynamic dimension 'batch'");
  OnnxLoadOptions options;
  options.input_size_list = {{1, 4, 8, 8}};
  EXPECT_EQ(ImportOnnxBytes(b.Bytes(), "m.onnx", options).tensor(0).shape, (ir::Shape{1, 4, 8, 8}));
  options.input_size_list = {{1, 4, 8, 8}, {1}};
  EXPECT_CONTAINS(LoadError(b.Bytes(), options), "2 shape(s) for 1 input(s)");
}

TEST(OnnxImporter, UnsupportedAndDataDependentOpsNameTheNode) {
  ModelBuilder b;
  b.Input("x", {1, 4}).Node("FancyOp", {"x"}, {"y"}, "my_node").Output("y");
  EXPECT_CONTAINS(LoadError(b.Bytes()), "node 'my_node': operator 'FancyOp' is not supported");
  ModelBuilder nz;
  nz.Input("x", {1, 4}).Node("NonZero", {"x"}, {"y"}, "nz").Output("y");
  EXPECT_CONTAINS(LoadError(nz.Bytes()), "depend on the data");
}

// Below opset 9 ONNX's version converter upgrades the model (to opset 11); one it cannot take
// (a graph output no node produces) gets one line, never a crash in the converter.
TEST(OnnxImporter, OldOpsetsAreUpgraded) {
  ModelBuilder old(7);
  old.Input("x", {1, 4}).Node("Relu", {"x"}, {"y"}).Output("y", {1, 4});
  const ir::Graph g = ImportOnnxBytes(old.Bytes(), "m.onnx");
  EXPECT_EQ(g.opset(), 11);
  EXPECT_EQ(g.nodes().size(), 1u);
  ModelBuilder dangling(7);
  dangling.Input("x", {1, 4}).Node("Relu", {"x"}, {"y"}).Output("z", {1, 4});
  EXPECT_CONTAINS(LoadError(dangling.Bytes()), "opset 7 could not be upgraded");
}

// The converter's Gemm 6→7 step indexes A's and B's declared shapes as 2-D (a fuzzed model with a
// 1-D A made it read past a vector): anything else is refused before the converter runs.
TEST(OnnxImporter, OldGemmNeedsDeclaredMatrices) {
  auto gemm = [](const std::vector<int64_t>& a_shape, bool declare_b) {
    ModelBuilder m(6);
    m.Input("a", a_shape).Input("c", {1, 4});
    if (declare_b) m.Input("b", {6, 4});
    m.Node("Gemm", {"a", declare_b ? "b" : "a", "c"}, {"y"}, "fc").Output("y", {3, 4});
    return m.Bytes();
  };
  EXPECT_CONTAINS(LoadError(gemm({6}, true)), "Gemm 'fc' reads 'a' declared with rank 1");
  ModelBuilder undeclared(6);
  undeclared.Input("x", {3, 6}).Input("b", {6, 4}).Input("c", {1, 4}).Node("Relu", {"x"}, {"a"})
      .Node("Gemm", {"a", "b", "c"}, {"y"}, "fc").Output("y", {3, 4});
  EXPECT_CONTAINS(LoadError(undeclared.Bytes()), "Gemm 'fc' reads 'a' without a declared shape");
  EXPECT_EQ(ImportOnnxBytes(gemm({3, 6}, true), "m.onnx").opset(), 11);
}

TEST(OnnxImporter, VersionsOutOfRangeAreRejected) {
  ModelBuilder future(22);
  future.Input("x", {1, 4}).Node("Relu", {"x"}, {"y"}).Output("y");
  EXPECT_CONTAINS(LoadError(future.Bytes()), "opset 22 is not supported (supported: 1-21");
  ModelBuilder new_ir(13, 11);
  new_ir.Input("x", {1, 4}).Node("Relu", {"x"}, {"y"}).Output("y");
  EXPECT_CONTAINS(LoadError(new_ir.Bytes()), "IR version 11 is outside the supported range 3-10");
}

TEST(OnnxImporter, Float16WeightsAreRejectedWithAHint) {
  ModelBuilder b;
  b.Input("x", {1, 2, 4, 4}).Initializer("w", {2, 2, 1, 1}, onnx::TensorProto::FLOAT16);
  b.Node("Conv", {"x", "w"}, {"y"}).Output("y");
  EXPECT_CONTAINS(LoadError(b.Bytes()), "is float16");
}

TEST(OnnxImporter, TruncatedAndGarbageBytesAreRejected) {
  const std::string good = ReluChain().Bytes();
  for (size_t cut = 1; cut < good.size(); cut += 3) {
    const std::string message = LoadError(good.substr(0, cut));
    // A prefix may still parse as a smaller valid message; it must then fail validation cleanly.
    EXPECT_NE(message, "") << cut;
  }
  EXPECT_CONTAINS(LoadError(std::string("\x08\x07garbage\xff\xff\xff", 12)), "m.onnx");
  EXPECT_CONTAINS(LoadError(""), "Error parsing message");
}

// Found by the ONNX fuzz target: a shape of 3.2 billion elements over a handful of bytes must be
// refused from the bytes' count before 12.8 GB are allocated for the values.
TEST(OnnxImporter, HugeInitializerShapesAreCheckedBeforeAllocating) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  auto* t = m.mutable_graph()->add_initializer();
  t->set_name("w");
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {40000, 80000}) t->add_dims(d);
  t->set_raw_data(std::string(16, '\0'));
  EXPECT_CONTAINS(LoadError(m.SerializeAsString()), "initializer 'w' holds 16 bytes, its shape needs 12800000000");
  t->clear_raw_data();
  t->add_float_data(1.0f);
  EXPECT_CONTAINS(LoadError(m.SerializeAsString()), "initializer 'w' holds 1 values, its shape needs 3200000000");
}

TEST(OnnxImporter, ConstantSubgraphsAreFolded) {
  ModelBuilder b;
  b.Input("x", {1, 4}).Initializer("c", {1, 4}).Node("Relu", {"c"}, {"rc"});
  b.Node("Add", {"x", "rc"}, {"y"}).Output("y");
  const ir::Graph g = ImportOnnxBytes(b.Bytes(), "m.onnx");
  ASSERT_EQ(g.nodes().size(), 1u);  // Relu(c) became a constant
  EXPECT_TRUE(g.tensor(g.nodes()[0].inputs[1]).is_constant);
}

std::vector<ir::OpKind> Ops(const ir::Graph& g) {
  std::vector<ir::OpKind> ops;
  for (const ir::Node& n : g.nodes()) ops.push_back(n.op);
  return ops;
}

// Y = alpha * A' * B' + beta * C by the definition, for row-major A (m x k after transA) etc.
TEST(OnnxImporter, GemmWithRunTimeWeightsIsDecomposedAndKeepsItsValue) {
  ModelBuilder b;
  b.Input("a", {3, 2}).Input("b", {4, 3}).Input("c", {2, 4});
  b.Node("Gemm", {"a", "b", "c"}, {"y"}, "fc").Attr("transA", int64_t{1}).Attr("transB", int64_t{1});
  b.Attr("alpha", 0.5f).Attr("beta", 2.0f).Output("y");
  const ir::Graph g = ImportOnnxBytes(b.Bytes(), "m.onnx");
  using K = ir::OpKind;
  EXPECT_EQ(Ops(g), (std::vector<K>{K::kTranspose, K::kTranspose, K::kMatMul, K::kMul, K::kMul, K::kAdd}));
  EXPECT_EQ(g.tensor(g.outputs()[0]).name, "y");
  EXPECT_EQ(g.nodes()[2].name, "fc");  // the product keeps the node's name for the reports
  std::vector<float> a(6), w(12), c(8);
  for (size_t i = 0; i < a.size(); ++i) a[i] = 0.5f * static_cast<float>(i) - 1.0f;
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i % 5) - 2.0f;
  for (size_t i = 0; i < c.size(); ++i) c[i] = static_cast<float>(i);
  const std::vector<float> y = reference::RunFloat(g, {a, w, c})[0];
  ASSERT_EQ(y.size(), 8u);
  for (int r = 0; r < 2; ++r)
    for (int j = 0; j < 4; ++j) {
      float dot = 0;
      for (int k = 0; k < 3; ++k) dot += a[static_cast<size_t>(k * 2 + r)] * w[static_cast<size_t>(j * 3 + k)];
      EXPECT_FLOAT_EQ(y[static_cast<size_t>(r * 4 + j)], 0.5f * dot + 2.0f * c[static_cast<size_t>(r * 4 + j)]);
    }
}

TEST(OnnxImporter, GemmWithConstantWeightsStaysOneGemm) {
  ModelBuilder b;
  b.Input("a", {2, 3}).Initializer("w", {3, 4}).Initializer("c", {4});
  b.Node("Gemm", {"a", "w", "c"}, {"y"}).Attr("alpha", 0.5f).Output("y");
  EXPECT_EQ(Ops(ImportOnnxBytes(b.Bytes(), "m.onnx")), std::vector<ir::OpKind>{ir::OpKind::kGemm});
  ModelBuilder t;  // transA: a Transpose in front, still the NPU's Gemm
  t.Input("a", {3, 2}).Initializer("w", {3, 4});
  t.Node("Gemm", {"a", "w"}, {"y"}).Attr("transA", int64_t{1}).Output("y");
  EXPECT_EQ(Ops(ImportOnnxBytes(t.Bytes(), "m.onnx")), (std::vector<ir::OpKind>{ir::OpKind::kTranspose, ir::OpKind::kGemm}));
}

TEST(OnnxImporter, ClipWithRunTimeBoundsBecomesMaxAndMin) {
  ModelBuilder b;
  b.Input("x", {1, 4}).Initializer("lo", {}).Input("hi", {1});
  b.Node("Clip", {"x", "lo", "hi"}, {"y"}).Output("y");
  const ir::Graph g = ImportOnnxBytes(b.Bytes(), "m.onnx");
  EXPECT_EQ(Ops(g), (std::vector<ir::OpKind>{ir::OpKind::kClip, ir::OpKind::kMin}));  // the constant bound stays a Clip
  const std::vector<float> y = reference::RunFloat(g, {{-3.0f, 0.5f, 2.0f, 9.0f}, {1.5f}})[0];
  EXPECT_EQ(y, (std::vector<float>{1.0f, 1.0f, 1.5f, 1.5f}));  // lo = 1 (the initializer's value)
}

TEST(OnnxImporter, ResizeWithRunTimeScalesNeedsADeclaredOutputShape) {
  ModelBuilder b;
  b.Input("x", {1, 1, 2, 2}).Input("scales", {4});
  b.Node("Resize", {"x", "", "scales"}, {"y"}, "up").Attr("mode", std::string("nearest"));
  ModelBuilder undeclared = b;
  undeclared.Output("y");
  EXPECT_CONTAINS(LoadError(undeclared.Bytes()), "Resize with a computed 'scales' makes the model dynamic");
  b.Output("y", {1, 1, 4, 6});
  const ir::Graph g = ImportOnnxBytes(b.Bytes(), "m.onnx");
  EXPECT_EQ(g.tensor(g.outputs()[0]).shape, (ir::Shape{1, 1, 4, 6}));
  const std::vector<float> y = reference::RunFloat(g, {{1, 2, 3, 4}, {1, 1, 2, 3}})[0];
  EXPECT_EQ(y, (std::vector<float>{1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4}));
  try {
    reference::RunFloat(g, {{1, 2, 3, 4}, {1, 1, 2, 2}});
    ADD_FAILURE() << "scales that contradict the declared shape ran";
  } catch (const Error& e) {
    EXPECT_CONTAINS(e.what(), "node 'up'");
    EXPECT_CONTAINS(e.what(), "declares the output shape (1,1,4,6)");
  }
}

TEST(OnnxImporter, PadValueFedAtRunTimeRunsInFloatOnly) {
  ModelBuilder b;
  b.Input("x", {1, 2}).Input("value", {1}).Int64Initializer("pads", {0, 1, 0, 2});
  b.Node("Pad", {"x", "pads", "value"}, {"y"}).Output("y");
  const ir::Graph g = ImportOnnxBytes(b.Bytes(), "m.onnx");
  ASSERT_EQ(g.nodes().size(), 1u);
  EXPECT_TRUE(ops::HasRunTimeParameters(g.nodes()[0]));  // so the quantizer refuses it
  EXPECT_EQ(reference::RunFloat(g, {{1, 2}, {-7}})[0], (std::vector<float>{-7, 1, 2, -7, -7}));
}

// PRelu-6 took a 1-D slope per channel; the upgraded model must keep that meaning.
TEST(OnnxImporter, LegacyPReluSlopeIsPerChannel) {
  ModelBuilder b(6, 3);
  b.Input("x", {1, 2, 1, 3}).Input("slope", {2}).Initializer("slope", {2});  // IR 3: initializers are inputs
  b.Node("PRelu", {"x", "slope"}, {"y"}).Output("y", {1, 2, 1, 3});
  const ir::Graph g = ImportOnnxBytes(b.Bytes(), "m.onnx");
  ASSERT_EQ(g.nodes().size(), 1u);  // the slope's Reshape is folded
  EXPECT_EQ(g.tensor(g.nodes()[0].inputs[1]).shape, (ir::Shape{2, 1, 1}));
}

}  // namespace
}  // namespace rknnsim::frontend
