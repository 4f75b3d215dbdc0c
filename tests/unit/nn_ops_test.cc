// The nn op group (compiler/ops/nn_*.cc, pool.cc) at the op level: attribute parsing, shape
// inference and float32 kernels on small hand-checked cases (values from numpy/PyTorch), and a
// clean rknnsim::Error for every bad attribute or shape. Conv/pool auto_pad resolution too.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "common/error.h"
#include "compiler/ops/nn.h"
#include "compiler/ops/op_def.h"

namespace rknnsim::ops {
namespace {

class Attrs : public AttrReader {
 public:
  Attrs& I(const std::string& n, int64_t v) { return ints_[n] = v, *this; }
  Attrs& F(const std::string& n, float v) { return floats_[n] = v, *this; }
  Attrs& L(const std::string& n, std::vector<int64_t> v) { return lists_[n] = std::move(v), *this; }
  Attrs& S(const std::string& n, const std::string& v) { return strings_[n] = v, *this; }

  bool Has(const std::string& n) const override {
    return ints_.count(n) || floats_.count(n) || lists_.count(n) || strings_.count(n);
  }
  int64_t Int(const std::string& n, int64_t fb) const override { return ints_.count(n) ? ints_.at(n) : fb; }
  float Float(const std::string& n, float fb) const override { return floats_.count(n) ? floats_.at(n) : fb; }
  std::vector<int64_t> Ints(const std::string& n) const override {
    return lists_.count(n) ? lists_.at(n) : std::vector<int64_t>{};
  }
  std::string String(const std::string& n, const std::string& fb) const override {
    return strings_.count(n) ? strings_.at(n) : fb;
  }

 private:
  std::map<std::string, int64_t> ints_;
  std::map<std::string, float> floats_;
  std::map<std::string, std::vector<int64_t>> lists_;
  std::map<std::string, std::string> strings_;
};

// One op on a small graph: inputs are runtime tensors (or constants), parse + infer as the
// importer does, then the float kernel.
class OpRun {
 public:
  explicit OpRun(int64_t opset = 13) { g_.set_opset(opset); }

  int In(const ir::Shape& shape, std::vector<float> values) {
    ir::Tensor t;
    t.name = "in" + std::to_string(g_.tensors().size());
    t.shape = shape;
    const int id = g_.AddTensor(t);
    values_[id] = std::move(values);
    return id;
  }
  int Const(const ir::Shape& shape, std::vector<float> values) {
    ir::Tensor t;
    t.name = "c" + std::to_string(g_.tensors().size());
    t.shape = shape;
    t.is_constant = true;
    t.float_data = values;
    const int id = g_.AddTensor(t);
    values_[id] = std::move(values);
    return id;
  }

  // Parses and infers; returns the output shapes. Throws what parse/infer throw.
  std::vector<ir::Shape> Build(const char* onnx_name, std::vector<int> inputs, const Attrs& attrs,
                               size_t num_outputs = 1) {
    const OpDef* def = FindOnnxOp(onnx_name);
    if (!def) throw std::logic_error(std::string("no op ") + onnx_name);
    node_ = ir::Node{};
    node_.op = def->kind;
    node_.name = std::string(onnx_name) + "_0";
    node_.inputs = std::move(inputs);
    node_.outputs.assign(num_outputs, -1);
    def->parse(attrs, g_, node_);
    const std::vector<ir::Shape> shapes = def->infer(g_, node_);
    node_.outputs.clear();
    for (const ir::Shape& s : shapes) {
      ir::Tensor t;
      t.shape = s;
      node_.outputs.push_back(g_.AddTensor(t));
    }
    return shapes;
  }

  const ir::Graph& graph() const { return g_; }

  std::vector<std::vector<float>> Run() {
    std::vector<std::vector<float>> outs(node_.outputs.size());
    FloatArgs args{g_, node_, {}, outs[0], {}};
    for (int id : node_.inputs) args.in.push_back(&values_.at(id));
    for (auto& o : outs) args.outputs.push_back(&o);
    GetOpDef(node_.op).run_float(args);
    for (size_t i = 0; i < outs.size(); ++i)
      EXPECT_EQ(static_cast<int64_t>(outs[i].size()), g_.tensor(node_.outputs[i]).num_elements())
          << node_.name << " output " << i << " shape " << ir::ShapeToString(g_.tensor(node_.outputs[i]).shape);
    return outs;
  }

  const ir::Node& node() const { return node_; }

 private:
  ir::Graph g_;
  ir::Node node_;
  std::map<int, std::vector<float>> values_;
};

std::vector<float> Iota(size_t n, float start = 0.0f) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = start + static_cast<float>(i);
  return v;
}

void ExpectNear(const std::vector<float>& got, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "at " << i;
}

// Expects a rknnsim::Error whose message contains `text`.
template <typename F>
void ExpectError(F f, const std::string& text) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one containing '" << text << "'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
  }
}

TEST(NnOps, RegisteredFloatOnly) {
  // AveragePool's uniform-window form runs on the PPU (docs/quantization.md §10).
  const OpDef* avg = FindOnnxOp("AveragePool");
  ASSERT_NE(avg, nullptr);
  EXPECT_NE(avg->run_int8, nullptr);
  EXPECT_NE(avg->run_fp16, nullptr);
  for (const char* name : {"ConvTranspose", "MatMul", "GlobalMaxPool", "BatchNormalization",
                           "InstanceNormalization", "LayerNormalization", "Softmax", "ReduceMean", "ReduceMax",
                           "ReduceMin", "ReduceSum", "ArgMax"}) {
    const OpDef* def = FindOnnxOp(name);
    ASSERT_NE(def, nullptr) << name;
    EXPECT_NE(def->run_float, nullptr) << name;
    EXPECT_EQ(def->run_int8, nullptr) << name;
    EXPECT_EQ(def->run_fp16, nullptr) << name;
    EXPECT_EQ(&GetOpDef(def->kind), def) << name;
  }
}

// ---- ConvTranspose ----

TEST(NnOps, ConvTransposeBasic) {
  // ONNX test_convtranspose: x = 0..8 (1,1,3,3), W = ones (1,2,3,3) -> (1,2,5,5).
  OpRun r;
  const int x = r.In({1, 1, 3, 3}, Iota(9));
  const int w = r.Const({1, 2, 3, 3}, std::vector<float>(18, 1.0f));
  const int b = r.Const({2}, {0.0f, 10.0f});
  EXPECT_EQ(r.Build("ConvTranspose", {x, w, b}, Attrs())[0], (ir::Shape{1, 2, 5, 5}));
  const std::vector<float> plane = {0,  1,  3,  3,  2,  3,  8,  15, 12, 7,  9,  21, 36,
                                    27, 15, 9,  20, 33, 24, 13, 6,  13, 21, 15, 8};
  std::vector<float> want = plane;
  for (float v : plane) want.push_back(v + 10.0f);
  ExpectNear(r.Run()[0], want);
}

TEST(NnOps, ConvTransposeStridesGroupsPadsAndOutputPadding) {
  // 2 groups, input (1,2,2,2) = 1..8, W (2,1,2,2) = 1 and 2: stride 2, pads [0,1,1,0],
  // output_padding [1,0]. Full output 5x4 per channel; rows 0..3 (end pad 1), cols 1..3.
  OpRun r;
  const int x = r.In({1, 2, 2, 2}, Iota(8, 1.0f));
  const int w = r.Const({2, 1, 2, 2}, {1, 1, 1, 1, 2, 2, 2, 2});
  const auto shapes = r.Build("ConvTranspose", {x, w},
                              Attrs().I("group", 2).L("strides", {2, 2}).L("pads", {0, 1, 1, 0}).L("output_padding", {1, 0}));
  EXPECT_EQ(shapes[0], (ir::Shape{1, 2, 4, 3}));
  // Channel 0, full 5x4: each input value fills a 2x2 block; row 4 is the output_padding row.
  const std::vector<float> want = {1, 2, 2, 1, 2, 2, 3, 4, 4, 3, 4, 4,  // channel 0 (cols 1..3)
                                   10, 12, 12, 10, 12, 12, 14, 16, 16, 14, 16, 16};
  ExpectNear(r.Run()[0], want);
}

TEST(NnOps, ConvTransposeOutputShapeGrowsTheEnd) {
  OpRun r;
  const int x = r.In({1, 1, 3, 3}, Iota(9));
  const int w = r.Const({1, 1, 3, 3}, std::vector<float>(9, 1.0f));
  const auto shapes = r.Build("ConvTranspose", {x, w}, Attrs().L("strides", {3, 2}).L("output_shape", {10, 8}));
  EXPECT_EQ(shapes[0], (ir::Shape{1, 1, 10, 8}));
  EXPECT_EQ(r.node().attrs.pads, (std::vector<int64_t>{0, 0, -1, -1}));
  const std::vector<float> y = r.Run()[0];
  for (int64_t c = 0; c < 8; ++c) EXPECT_EQ(y[9 * 8 + c], 0.0f);  // the added last row
}

TEST(NnOps, ConvTransposeErrors) {
  OpRun r;
  const int x = r.In({1, 4, 3, 3}, std::vector<float>(36));
  const int x3 = r.In({1, 4, 3}, std::vector<float>(12));
  const int w = r.Const({4, 2, 3, 3}, std::vector<float>(72));
  const int w_bad = r.Const({3, 2, 3, 3}, std::vector<float>(54));
  ExpectError([&] { r.Build("ConvTranspose", {x}, Attrs()); }, "takes 2 or 3 inputs");
  ExpectError([&] { r.Build("ConvTranspose", {x3, w}, Attrs()); }, "only 2-D ConvTranspose");
  ExpectError([&] { r.Build("ConvTranspose", {x, w_bad}, Attrs()); }, "do not match group");
  ExpectError([&] { r.Build("ConvTranspose", {x, w}, Attrs().I("group", 3)); }, "do not match group");
  ExpectError([&] { r.Build("ConvTranspose", {x, w}, Attrs().L("strides", {0, 1})); }, "stride must be positive");
  ExpectError([&] { r.Build("ConvTranspose", {x, w}, Attrs().L("kernel_shape", {2, 2})); }, "kernel_shape");
  ExpectError([&] { r.Build("ConvTranspose", {x, w}, Attrs().S("auto_pad", "FOO")); }, "unknown auto_pad");
  ExpectError([&] { r.Build("ConvTranspose", {x, w}, Attrs().L("pads", {3, 3, 3, 3})); }, "leave no output");
  ExpectError([&] { r.Build("ConvTranspose", {x, w}, Attrs().L("output_shape", {5})); }, "output_shape");
}

// ---- MatMul ----

TEST(NnOps, MatMulBroadcastsBatchesAndVectors) {
  OpRun r;
  // (2,1,2,3) x (3,3,2) -> (2,3,2,2)
  const int a = r.In({2, 1, 2, 3}, Iota(12));
  const int b = r.In({3, 3, 2}, Iota(18));
  EXPECT_EQ(r.Build("MatMul", {a, b}, Attrs())[0], (ir::Shape{2, 3, 2, 2}));
  const std::vector<float> y = r.Run()[0];
  // Batch (1, 2): A[1] = rows {6,7,8},{9,10,11}; B[2] = 12..17 as 3x2.
  const float a1[2][3] = {{6, 7, 8}, {9, 10, 11}};
  const float b2[3][2] = {{12, 13}, {14, 15}, {16, 17}};
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) {
      float s = 0;
      for (int k = 0; k < 3; ++k) s += a1[i][k] * b2[k][j];
      EXPECT_FLOAT_EQ(y[static_cast<size_t>(((1 * 3 + 2) * 2 + i) * 2 + j)], s);
    }
}

TEST(NnOps, MatMulVectorShapes) {
  {
    OpRun r;
    const int a = r.In({3}, {1, 2, 3});
    const int b = r.In({3}, {4, 5, 6});
    EXPECT_EQ(r.Build("MatMul", {a, b}, Attrs())[0], ir::Shape{});
    ExpectNear(r.Run()[0], {32});
  }
  {
    OpRun r;
    const int a = r.In({2}, {1, 2});
    const int b = r.In({2, 2, 3}, Iota(12));
    EXPECT_EQ(r.Build("MatMul", {a, b}, Attrs())[0], (ir::Shape{2, 3}));
    ExpectNear(r.Run()[0], {6, 9, 12, 24, 27, 30});
  }
  {
    OpRun r;
    const int a = r.In({2, 3}, Iota(6));
    const int b = r.Const({3}, {1, 0, -1});
    EXPECT_EQ(r.Build("MatMul", {a, b}, Attrs())[0], (ir::Shape{2}));
    ExpectNear(r.Run()[0], {-2, -2});
  }
}

TEST(NnOps, MatMulErrors) {
  OpRun r;
  const int a = r.In({2, 3}, std::vector<float>(6));
  const int b = r.In({4, 2}, std::vector<float>(8));
  const int c = r.In({2, 2, 3}, std::vector<float>(12));
  const int d = r.In({3, 3, 1}, std::vector<float>(9));
  const int s = r.In({}, {1});
  ExpectError([&] { r.Build("MatMul", {a, b}, Attrs()); }, "inner dimensions differ");
  ExpectError([&] { r.Build("MatMul", {c, d}, Attrs()); }, "do not broadcast");
  ExpectError([&] { r.Build("MatMul", {s, a}, Attrs()); }, "rank >= 1");
  ExpectError([&] { r.Build("MatMul", {a}, Attrs()); }, "two inputs");
}

// ---- Pools ----

TEST(NnOps, AveragePoolCountIncludePad) {
  // 3x3 input 1..9, kernel 2, stride 2, pads 1 on every side, ceil_mode: 3x3 output... floor: 2x2.
  for (int include : {0, 1}) {
    OpRun r;
    const int x = r.In({1, 1, 3, 3}, Iota(9, 1.0f));
    const auto shapes = r.Build("AveragePool", {x},
                                Attrs()
                                    .L("kernel_shape", {2, 2})
                                    .L("strides", {2, 2})
                                    .L("pads", {1, 1, 1, 1})
                                    .I("count_include_pad", include));
    EXPECT_EQ(shapes[0], (ir::Shape{1, 1, 2, 2}));
    // Windows: {1}, {2,3}, {4,7}, {5,6,8,9}.
    if (include)
      ExpectNear(r.Run()[0], {1 / 4.0f, 5 / 4.0f, 11 / 4.0f, 28 / 4.0f});
    else
      ExpectNear(r.Run()[0], {1, 2.5f, 5.5f, 7});
    // Every divisor is 4 only when padding counts: that form has an NPU (PPU) kernel.
    EXPECT_EQ(AveragePoolWindowsUniform(r.graph(), r.node()), include == 1);
  }
}

TEST(NnOps, AveragePoolCeilModeClipsTheDivisor) {
  // PyTorch: avg_pool2d(1..16 as 4x4, 3, 2, ceil_mode=True, count_include_pad=True) = [[6,7.5],[12,13.5]]
  OpRun r;
  const int x = r.In({1, 1, 4, 4}, Iota(16, 1.0f));
  r.Build("AveragePool", {x},
          Attrs().L("kernel_shape", {3, 3}).L("strides", {2, 2}).I("ceil_mode", 1).I("count_include_pad", 1));
  ExpectNear(r.Run()[0], {6, 7.5f, 12, 13.5f});
  EXPECT_FALSE(AveragePoolWindowsUniform(r.graph(), r.node()));  // the last windows divide by 6 and 4
}

TEST(NnOps, PoolAutoPad) {
  OpRun r;
  const int x = r.In({1, 1, 5, 5}, Iota(25));
  EXPECT_EQ(r.Build("AveragePool", {x}, Attrs().L("kernel_shape", {3, 3}).L("strides", {2, 2}).S("auto_pad", "SAME_UPPER"))[0],
            (ir::Shape{1, 1, 3, 3}));
  EXPECT_EQ(r.node().attrs.pads, (std::vector<int64_t>{1, 1, 1, 1}));
  EXPECT_EQ(r.Build("AveragePool", {x}, Attrs().L("kernel_shape", {2, 2}).S("auto_pad", "SAME_UPPER"))[0],
            (ir::Shape{1, 1, 5, 5}));
  EXPECT_EQ(r.node().attrs.pads, (std::vector<int64_t>{0, 0, 1, 1}));
  EXPECT_EQ(r.Build("MaxPool", {x}, Attrs().L("kernel_shape", {2, 2}).S("auto_pad", "SAME_LOWER"))[0],
            (ir::Shape{1, 1, 5, 5}));
  EXPECT_EQ(r.node().attrs.pads, (std::vector<int64_t>{1, 1, 0, 0}));
  EXPECT_EQ(r.Build("MaxPool", {x}, Attrs().L("kernel_shape", {2, 2}).L("pads", {1, 1, 1, 1}).S("auto_pad", "VALID"))[0],
            (ir::Shape{1, 1, 4, 4}));
  EXPECT_EQ(r.node().attrs.pads, (std::vector<int64_t>{0, 0, 0, 0}));
}

TEST(NnOps, PoolErrors) {
  OpRun r;
  const int x = r.In({1, 1, 5, 5}, std::vector<float>(25));
  const int x3 = r.In({1, 1, 5}, std::vector<float>(5));
  const int x2 = r.In({1, 5}, std::vector<float>(5));
  ExpectError([&] { r.Build("AveragePool", {x}, Attrs()); }, "kernel_shape");
  ExpectError([&] { r.Build("AveragePool", {x3}, Attrs().L("kernel_shape", {2})); }, "only 2-D windows");
  ExpectError([&] { r.Build("AveragePool", {x}, Attrs().L("kernel_shape", {2, 2}).S("auto_pad", "SAME")); },
              "unknown auto_pad");
  ExpectError([&] { r.Build("AveragePool", {x}, Attrs().L("kernel_shape", {7, 7})); }, "larger than the padded input");
  ExpectError([&] { r.Build("AveragePool", {x3}, Attrs().L("kernel_shape", {2, 2}).S("auto_pad", "SAME_UPPER")); },
              "4-D");
  ExpectError([&] { r.Build("GlobalMaxPool", {x2}, Attrs()); }, "spatial");
}

TEST(NnOps, GlobalMaxPool) {
  OpRun r;
  const int x = r.In({1, 2, 2, 2}, {1, -5, 3, 2, -1, -2, -3, -4});
  EXPECT_EQ(r.Build("GlobalMaxPool", {x}, Attrs())[0], (ir::Shape{1, 2, 1, 1}));
  ExpectNear(r.Run()[0], {3, -1});
  OpRun r3;
  const int y = r3.In({2, 1, 3}, {1, 5, 2, -3, -2, -7});
  EXPECT_EQ(r3.Build("GlobalMaxPool", {y}, Attrs())[0], (ir::Shape{2, 1, 1}));
  ExpectNear(r3.Run()[0], {5, -2});
}

// ---- Conv auto_pad ----

TEST(NnOps, ConvAutoPadResolvesPads) {
  OpRun r;
  const int x = r.In({1, 1, 5, 5}, Iota(25));
  const int w = r.Const({1, 1, 3, 3}, std::vector<float>(9, 1.0f));
  // ONNX test_conv_with_autopad_same: SAME_LOWER, stride 2 -> pads 1 each, output 3x3.
  EXPECT_EQ(r.Build("Conv", {x, w}, Attrs().L("strides", {2, 2}).S("auto_pad", "SAME_LOWER"))[0],
            (ir::Shape{1, 1, 3, 3}));
  EXPECT_EQ(r.node().attrs.pads, (std::vector<int64_t>{1, 1, 1, 1}));
  ExpectNear(r.Run()[0], {12, 27, 24, 63, 108, 81, 72, 117, 84});
  // Even total padding split: 6x6 input, kernel 2 (from the weights), stride 1: 1 pad, at the end
  // for SAME_UPPER and at the beginning for SAME_LOWER.
  const int x6 = r.In({1, 1, 6, 6}, std::vector<float>(36));
  const int w2 = r.Const({1, 1, 2, 2}, std::vector<float>(4));
  r.Build("Conv", {x6, w2}, Attrs().S("auto_pad", "SAME_UPPER"));
  EXPECT_EQ(r.node().attrs.pads, (std::vector<int64_t>{0, 0, 1, 1}));
  r.Build("Conv", {x6, w2}, Attrs().S("auto_pad", "SAME_LOWER"));
  EXPECT_EQ(r.node().attrs.pads, (std::vector<int64_t>{1, 1, 0, 0}));
  EXPECT_EQ(r.Build("Conv", {x6, w2}, Attrs().S("auto_pad", "VALID").L("pads", {1, 1, 1, 1}))[0],
            (ir::Shape{1, 1, 5, 5}));
}

TEST(NnOps, ConvDepthwiseFloat) {
  // group = channels: each channel convolved with its own 1x1 weight.
  OpRun r;
  const int x = r.In({1, 3, 1, 2}, {1, 2, 3, 4, 5, 6});
  const int w = r.Const({3, 1, 1, 1}, {1, 10, 100});
  r.Build("Conv", {x, w}, Attrs().I("group", 3));
  ExpectNear(r.Run()[0], {1, 2, 30, 40, 500, 600});
}

// ---- Normalizations ----

TEST(NnOps, BatchNormalization2dAnd4d) {
  {
    OpRun r;
    const int x = r.In({2, 2}, {1, 2, 3, 4});
    const int s = r.Const({2}, {1, 2}), b = r.Const({2}, {0, 1}), m = r.Const({2}, {1, 2}), v = r.Const({2}, {4, 1});
    r.Build("BatchNormalization", {x, s, b, m, v}, Attrs().F("epsilon", 0.0f));
    ExpectNear(r.Run()[0], {0, 1, 1, 5});
  }
  {
    OpRun r;
    const int x = r.In({1, 2, 1, 2}, {1, 3, 5, 7});
    const int s = r.Const({2}, {1, 1}), b = r.Const({2}, {0, 0}), m = r.Const({2}, {2, 6}), v = r.Const({2}, {1, 4});
    r.Build("BatchNormalization", {x, s, b, m, v}, Attrs().F("epsilon", 0.0f));
    ExpectNear(r.Run()[0], {-1, 1, -0.5f, 0.5f});
  }
}

TEST(NnOps, BatchNormalizationErrors) {
  OpRun r;
  const int x = r.In({1, 2, 2, 2}, std::vector<float>(8));
  const int p = r.Const({2}, {1, 1});
  const int p3 = r.Const({3}, {1, 1, 1});
  ExpectError([&] { r.Build("BatchNormalization", {x, p, p, p}, Attrs()); }, "takes 5");
  ExpectError([&] { r.Build("BatchNormalization", {x, p, p, p, p}, Attrs().I("training_mode", 1), 4); }, "at most 3");
  ExpectError([&] { r.Build("BatchNormalization", {x, p, p, p, p}, Attrs(), 3); }, "running mean");
  ExpectError([&] { r.Build("BatchNormalization", {x, p, p3, p, p}, Attrs()); }, "B must have shape (2)");
}

// training_mode=1 (ONNX's _batchnorm_training_mode): the batch's mean and population variance
// normalize, and the running statistics move by momentum 0.9 towards them.
TEST(NnOps, BatchNormalizationTrainingMode) {
  OpRun r(15);
  const int x = r.In({1, 2, 2, 2}, {1, 2, 3, 4, 0, 0, 0, 0});
  const int one = r.Const({2}, {1, 1}), zero = r.Const({2}, {0, 0});
  const std::vector<ir::Shape> shapes =
      r.Build("BatchNormalization", {x, one, zero, one, one}, Attrs().I("training_mode", 1), 3);
  ASSERT_EQ(shapes.size(), 3u);
  EXPECT_EQ(shapes[1], (ir::Shape{2}));
  const std::vector<std::vector<float>> out = r.Run();
  const float sd = std::sqrt(1.25f + 1e-5f);  // channel 0: mean 2.5, variance 1.25
  ExpectNear(out[0], {-1.5f / sd, -0.5f / sd, 0.5f / sd, 1.5f / sd, 0, 0, 0, 0}, 1e-6f);
  ExpectNear(out[1], {1 * 0.9f + 2.5f * 0.1f, 1 * 0.9f + 0 * 0.1f}, 1e-6f);
  ExpectNear(out[2], {1 * 0.9f + 1.25f * 0.1f, 1 * 0.9f + 0 * 0.1f}, 1e-6f);
}

TEST(NnOps, InstanceNormalization) {
  // ONNX test_instancenorm_example (opset 6, not importable): x (1,2,1,3), s = [1, 1.5], b = [0, 1].
  OpRun r;
  const int x = r.In({1, 2, 1, 3}, {-1, 0, 1, 2, 3, 4});
  const int s = r.Const({2}, {1.0f, 1.5f}), b = r.Const({2}, {0.0f, 1.0f});
  r.Build("InstanceNormalization", {x, s, b}, Attrs());
  ExpectNear(r.Run()[0], {-1.2247356f, 0.0f, 1.2247356f, -0.8371035f, 1.0f, 2.8371034f}, 1e-5f);
  const int bad = r.Const({3}, {1, 1, 1});
  ExpectError([&] { r.Build("InstanceNormalization", {x, bad, b}, Attrs()); }, "scale must have shape (2)");
  const int x2 = r.In({2, 2}, std::vector<float>(4));
  ExpectError([&] { r.Build("InstanceNormalization", {x2, s, b}, Attrs()); }, "spatial");
}

TEST(NnOps, LayerNormalizationWithStatistics) {
  OpRun r(17);
  const int x = r.In({2, 2}, {1, 3, 0, 4});
  const int s = r.Const({2}, {1, 2});
  const int b = r.Const({2}, {0, 1});
  const auto shapes = r.Build("LayerNormalization", {x, s, b}, Attrs().F("epsilon", 0.0f), 3);
  ASSERT_EQ(shapes.size(), 3u);
  EXPECT_EQ(shapes[1], (ir::Shape{2, 1}));
  const auto outs = r.Run();
  ExpectNear(outs[0], {-1, 3, -1, 3});
  ExpectNear(outs[1], {2, 2});
  ExpectNear(outs[2], {1, 0.5f});
}

TEST(NnOps, LayerNormalizationErrors) {
  OpRun r(17);
  const int x = r.In({2, 3, 4}, std::vector<float>(24));
  const int s3 = r.Const({3}, {1, 1, 1});
  const int s4 = r.Const({4}, {1, 1, 1, 1});
  ExpectError([&] { r.Build("LayerNormalization", {x, s3}, Attrs()); }, "does not broadcast");
  ExpectError([&] { r.Build("LayerNormalization", {x, s4}, Attrs().I("axis", 3)); }, "out of range");
  ExpectError([&] { r.Build("LayerNormalization", {x}, Attrs()); }, "takes 2 to 3 inputs");
  ExpectError([&] { r.Build("LayerNormalization", {x, s4}, Attrs().I("stash_type", 10)); }, "stash_type");
}

// ---- Softmax ----

TEST(NnOps, SoftmaxOpsetSemantics) {
  const std::vector<float> x = {0, 1, 2, 3};  // (2, 2)... as (1, 2, 2)
  // opset 13, axis 1: softmax over pairs {0,2} and {1,3}.
  OpRun r13(13);
  const int a = r13.In({1, 2, 2}, x);
  r13.Build("Softmax", {a}, Attrs().I("axis", 1));
  const float e2 = 1.0f / (1.0f + std::exp(2.0f));
  ExpectNear(r13.Run()[0], {e2, e2, 1 - e2, 1 - e2});
  // opset 11, axis 1: the input is coerced to (1, 4): one softmax over all four values.
  OpRun r11(11);
  const int b = r11.In({1, 2, 2}, x);
  r11.Build("Softmax", {b}, Attrs().I("axis", 1));
  const float sum = 1 + std::exp(1.0f) + std::exp(2.0f) + std::exp(3.0f);
  ExpectNear(r11.Run()[0], {1 / sum, std::exp(1.0f) / sum, std::exp(2.0f) / sum, std::exp(3.0f) / sum});
  // Defaults: opset 13 -> last axis.
  OpRun rd(13);
  const int c = rd.In({1, 2, 2}, x);
  rd.Build("Softmax", {c}, Attrs());
  const float e1 = 1.0f / (1.0f + std::exp(1.0f));
  ExpectNear(rd.Run()[0], {e1, 1 - e1, e1, 1 - e1});
  ExpectError([&] { rd.Build("Softmax", {c}, Attrs().I("axis", 3)); }, "out of range");
  // Large values do not overflow.
  OpRun rl(13);
  const int l = rl.In({2}, {1000, 1000});
  rl.Build("Softmax", {l}, Attrs());
  ExpectNear(rl.Run()[0], {0.5f, 0.5f});
}

// ---- Reductions ----

TEST(NnOps, ReduceAxesKeepdims) {
  const std::vector<float> x = Iota(24);  // (2, 3, 4)
  {
    OpRun r;
    const int a = r.In({2, 3, 4}, x);
    EXPECT_EQ(r.Build("ReduceSum", {a}, Attrs().L("axes", {0, 2}).I("keepdims", 0))[0], (ir::Shape{3}));
    ExpectNear(r.Run()[0], {60, 92, 124});
  }
  {
    OpRun r;
    const int a = r.In({2, 3, 4}, x);
    EXPECT_EQ(r.Build("ReduceMean", {a}, Attrs().L("axes", {-2}))[0], (ir::Shape{2, 1, 4}));
    ExpectNear(r.Run()[0], {4, 5, 6, 7, 16, 17, 18, 19});
  }
  {
    OpRun r;
    const int a = r.In({2, 3, 4}, x);
    EXPECT_EQ(r.Build("ReduceMax", {a}, Attrs().L("axes", {1}))[0], (ir::Shape{2, 1, 4}));
    ExpectNear(r.Run()[0], {8, 9, 10, 11, 20, 21, 22, 23});
  }
  {
    OpRun r;
    const int a = r.In({2, 3, 4}, x);
    EXPECT_EQ(r.Build("ReduceMin", {a}, Attrs().I("keepdims", 0))[0], ir::Shape{});
    ExpectNear(r.Run()[0], {0});
  }
}

TEST(NnOps, ReduceSumAxesInput) {
  OpRun r;
  const int a = r.In({2, 3}, Iota(6));
  const int axes = r.Const({1}, {-1});
  EXPECT_EQ(r.Build("ReduceSum", {a, axes}, Attrs().I("keepdims", 0))[0], (ir::Shape{2}));
  EXPECT_EQ(r.node().inputs.size(), 1u);  // the axes input is consumed
  ExpectNear(r.Run()[0], {3, 12});
  // Empty axes: all, or a no-op with noop_with_empty_axes.
  const int none = r.Const({0}, {});
  EXPECT_EQ(r.Build("ReduceSum", {a, none}, Attrs())[0], (ir::Shape{1, 1}));
  ExpectNear(r.Run()[0], {15});
  EXPECT_EQ(r.Build("ReduceSum", {a, none}, Attrs().I("noop_with_empty_axes", 1))[0], (ir::Shape{2, 3}));
  ExpectNear(r.Run()[0], Iota(6));
}

TEST(NnOps, ReduceErrors) {
  OpRun r;
  const int a = r.In({2, 3}, Iota(6));
  const int computed = r.In({1}, {0});
  const int frac = r.Const({1}, {0.5f});
  const int axes = r.Const({1}, {0});
  ExpectError([&] { r.Build("ReduceSum", {a, computed}, Attrs()); }, "computed axes");
  ExpectError([&] { r.Build("ReduceSum", {a, frac}, Attrs()); }, "integers");
  ExpectError([&] { r.Build("ReduceMean", {a, axes}, Attrs()); }, "one input");
  ExpectError([&] { r.Build("ReduceMax", {a}, Attrs().L("axes", {2})); }, "out of range");
  ExpectError([&] { r.Build("ReduceMin", {a}, Attrs().L("axes", {1, -1})); }, "listed twice");
  ExpectError([&] { r.Build("ReduceSum", {a}, Attrs().I("keepdims", 2)); }, "keepdims");
}

TEST(NnOps, ArgMax) {
  const std::vector<float> x = {1, 3, 3, 0, 2, 5, 5, 1};  // (2, 4) with ties
  {
    OpRun r;
    const int a = r.In({2, 4}, x);
    EXPECT_EQ(r.Build("ArgMax", {a}, Attrs().I("axis", 1).I("keepdims", 0))[0], (ir::Shape{2}));
    ExpectNear(r.Run()[0], {1, 1});
  }
  {
    OpRun r;
    const int a = r.In({2, 4}, x);
    EXPECT_EQ(r.Build("ArgMax", {a}, Attrs().I("axis", -1).I("select_last_index", 1))[0], (ir::Shape{2, 1}));
    ExpectNear(r.Run()[0], {2, 2});
  }
  {
    OpRun r;
    const int a = r.In({2, 4}, x);
    EXPECT_EQ(r.Build("ArgMax", {a}, Attrs())[0], (ir::Shape{1, 4}));
    ExpectNear(r.Run()[0], {1, 1, 1, 1});
  }
  OpRun r;
  const int a = r.In({2, 4}, x);
  ExpectError([&] { r.Build("ArgMax", {a}, Attrs().I("axis", 2)); }, "out of range");
  ExpectError([&] { r.Build("ArgMax", {a}, Attrs().I("select_last_index", 3)); }, "select_last_index");
}

// Random shapes and attributes, valid or not: every case either runs (outputs sized as inferred)
// or fails with a rknnsim::Error naming the node; nothing else escapes (run under ASan/UBSan too).
TEST(NnOps, RandomAttributesNeverCrash) {
  std::mt19937 rng(1234);
  auto pick = [&](int lo, int hi) { return static_cast<int64_t>(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  auto shape = [&](int min_rank, int max_rank) {
    ir::Shape s(static_cast<size_t>(pick(min_rank, max_rank)));
    for (int64_t& d : s) d = pick(0, 9) == 0 ? 0 : pick(1, 4);
    return s;
  };
  auto ints = [&](size_t n, int lo, int hi) {
    std::vector<int64_t> v(n);
    for (int64_t& x : v) x = pick(lo, hi);
    return v;
  };
  auto values = [&](const ir::Shape& s) {
    std::vector<float> v(static_cast<size_t>(ir::NumElements(s)));
    for (float& x : v) x = static_cast<float>(pick(-20, 20)) / 4.0f;
    return v;
  };
  const char* const kOps[] = {"ConvTranspose", "MatMul", "AveragePool", "GlobalMaxPool", "BatchNormalization",
                              "InstanceNormalization", "LayerNormalization", "Softmax", "ReduceMean", "ReduceMax",
                              "ReduceMin", "ReduceSum", "ArgMax", "Conv", "MaxPool"};
  const char* const kAutoPad[] = {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID", "BAD"};
  int ran = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    const std::string op = kOps[pick(0, 14)];
    OpRun r(pick(0, 1) ? 13 : 11);
    Attrs a;
    std::vector<int> in;
    const ir::Shape x = shape(op == "MatMul" || op == "Softmax" || op == "ArgMax" ? 0 : 2, 5);
    in.push_back(r.In(x, values(x)));
    size_t outputs = 1;
    if (op == "ConvTranspose" || op == "Conv") {
      const ir::Shape w = shape(3, 5);
      in.push_back(r.Const(w, values(w)));
      if (pick(0, 1)) in.push_back(r.Const({pick(0, 8)}, std::vector<float>()));
    } else if (op == "MatMul") {
      const ir::Shape b = pick(0, 1) ? shape(0, 4) : ir::Shape{x.empty() ? 1 : x.back(), pick(1, 3)};
      in.push_back(r.In(b, values(b)));
    } else if (op == "BatchNormalization" || op == "InstanceNormalization" || op == "LayerNormalization") {
      const int n = op == "BatchNormalization" ? static_cast<int>(pick(4, 5)) : static_cast<int>(pick(1, 3));
      for (int i = 1; i < n; ++i) {
        const ir::Shape p = pick(0, 1) && x.size() > 1 ? ir::Shape{x[1]} : shape(0, 2);
        in.push_back(r.Const(p, values(p)));
      }
      outputs = static_cast<size_t>(pick(1, 4));
    } else if (op == "ReduceSum" && pick(0, 1)) {
      const ir::Shape s = {pick(0, 3)};
      std::vector<float> axes;
      for (int64_t i = 0; i < s[0]; ++i) axes.push_back(static_cast<float>(pick(-5, 5)));
      in.push_back(pick(0, 3) ? r.Const(s, axes) : r.In(s, axes));
    }
    const size_t spatial = static_cast<size_t>(pick(1, 3));
    if (pick(0, 1)) a.L("kernel_shape", ints(spatial, 0, 4));
    if (pick(0, 1)) a.L("strides", ints(spatial, 0, 3));
    if (pick(0, 1)) a.L("dilations", ints(spatial, 0, 3));
    if (pick(0, 1)) a.L("pads", ints(spatial * 2, -1, 3));
    if (pick(0, 2) == 0) a.L("output_padding", ints(spatial, -1, 2));
    if (pick(0, 3) == 0) a.L("output_shape", ints(spatial, 0, 12));
    if (pick(0, 1)) a.S("auto_pad", kAutoPad[pick(0, 4)]);
    if (pick(0, 1)) a.I("group", pick(0, 4));
    if (pick(0, 1)) a.I("ceil_mode", pick(0, 1));
    if (pick(0, 1)) a.I("count_include_pad", pick(0, 1));
    if (pick(0, 1)) a.I("axis", pick(-6, 6));
    if (pick(0, 1)) a.L("axes", ints(static_cast<size_t>(pick(0, 3)), -6, 6));
    if (pick(0, 1)) a.I("keepdims", pick(-1, 2));
    if (pick(0, 1)) a.I("noop_with_empty_axes", pick(0, 1));
    if (pick(0, 1)) a.I("select_last_index", pick(0, 1));
    if (pick(0, 3) == 0) a.F("epsilon", static_cast<float>(pick(-1, 2)) * 1e-3f);
    if (pick(0, 5) == 0) a.I("training_mode", 1);
    try {
      r.Build(op.c_str(), in, a, outputs);
      r.Run();
      ++ran;
    } catch (const Error&) {
    } catch (const std::exception& e) {
      ADD_FAILURE() << op << ": non-Error exception " << e.what();
    }
  }
  EXPECT_GT(ran, 300);  // enough valid cases reach the kernels
}

}  // namespace
}  // namespace rknnsim::ops
