// The data-movement / shape op group (compiler/ops/tensor_*.cc): parsing of attribute and
// constant-input forms, shape rules, the float32 kernels against hand-computed or naive results,
// and the errors for dynamic parameters and invalid settings.
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/tensor.h"
#include "compiler/ops/tensor_util.h"

namespace rknnsim::ops {
namespace {

using ir::OpKind;
using ir::Shape;

class Attrs : public AttrReader {
 public:
  Attrs& I(const std::string& k, int64_t v) { return Set(ints_, k, v); }
  Attrs& F(const std::string& k, float v) { return Set(floats_, k, v); }
  Attrs& L(const std::string& k, std::vector<int64_t> v) { return Set(lists_, k, std::move(v)); }
  Attrs& S(const std::string& k, std::string v) { return Set(strings_, k, std::move(v)); }
  bool Has(const std::string& k) const override {
    return ints_.count(k) || floats_.count(k) || lists_.count(k) || strings_.count(k);
  }
  int64_t Int(const std::string& k, int64_t fallback) const override { return Get(ints_, k, fallback); }
  float Float(const std::string& k, float fallback) const override { return Get(floats_, k, fallback); }
  std::vector<int64_t> Ints(const std::string& k) const override { return Get(lists_, k, std::vector<int64_t>{}); }
  std::string String(const std::string& k, const std::string& fallback) const override {
    return Get(strings_, k, fallback);
  }

 private:
  template <typename M, typename V>
  Attrs& Set(M& m, const std::string& k, V v) {
    m[k] = std::move(v);
    return *this;
  }
  template <typename M, typename V>
  static V Get(const M& m, const std::string& k, V fallback) {
    auto it = m.find(k);
    return it == m.end() ? fallback : it->second;
  }
  std::map<std::string, int64_t> ints_;
  std::map<std::string, float> floats_;
  std::map<std::string, std::vector<int64_t>> lists_;
  std::map<std::string, std::string> strings_;
};

// A node input: a runtime tensor (values fed at run time) or a constant; `absent` leaves the
// optional input out (-1, as the importer does).
struct In {
  Shape shape;
  std::vector<float> values;
  bool constant = false;
  bool absent = false;
};
In Data(Shape s, std::vector<float> v) { return {std::move(s), std::move(v), false, false}; }
In Const(std::vector<float> v) { return {{static_cast<int64_t>(v.size())}, v, true, false}; }
In ConstScalar(float v) { return {{}, {v}, true, false}; }
In Absent() { return {{}, {}, false, true}; }

std::vector<float> Iota(int64_t n, float start = 0.0f) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[i] = start + static_cast<float>(i);
  return v;
}

// One node in its own graph: parse, infer, then run the float kernel.
struct OneNode {
  ir::Graph g;
  ir::Node node;
  std::vector<Shape> out_shapes;
  std::vector<std::vector<float>> runtime_values;

  OneNode(OpKind kind, const std::vector<In>& inputs, const Attrs& attrs = {}, size_t num_outputs = 1,
          int64_t opset = 13) {
    g.set_opset(opset);
    std::map<int, std::vector<float>> values_by_id;
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i].absent) {
        node.inputs.push_back(-1);
        continue;
      }
      ir::Tensor t;
      t.name = "in" + std::to_string(i);
      t.shape = inputs[i].shape;
      t.is_constant = inputs[i].constant;
      if (t.is_constant) t.float_data = inputs[i].values;
      const int id = g.AddTensor(std::move(t));
      values_by_id[id] = inputs[i].values;
      node.inputs.push_back(id);
    }
    node.op = kind;
    node.name = "n";
    node.outputs.assign(num_outputs, -1);  // the importer's placeholders
    const OpDef& def = GetOpDef(kind);
    def.parse(attrs, g, node);
    while (!node.inputs.empty() && node.inputs.back() < 0) node.inputs.pop_back();
    out_shapes = def.infer(g, node);
    node.outputs.clear();
    for (size_t i = 0; i < out_shapes.size(); ++i) {
      ir::Tensor t;
      t.name = "out" + std::to_string(i);
      t.shape = out_shapes[i];
      node.outputs.push_back(g.AddTensor(std::move(t)));
    }
    for (int id : node.inputs) runtime_values.push_back(values_by_id.at(id));
  }

  std::vector<std::vector<float>> RunAll() const {
    std::vector<std::vector<float>> outs(node.outputs.size());
    FloatArgs args{g, node, {}, outs[0], {}};
    for (const auto& v : runtime_values) args.in.push_back(&v);
    for (auto& o : outs) args.outputs.push_back(&o);
    GetOpDef(node.op).run_float(args);
    return outs;
  }
  std::vector<float> Run() const { return RunAll().at(0); }
  const Shape& shape() const { return out_shapes.at(0); }
};

// Expects an Error whose text contains `what`.
template <typename F>
void ExpectError(F f, const std::string& what) {
  try {
    f();
    ADD_FAILURE() << "no error, expected: " << what;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

constexpr float kI64Max = 9.223372036854775807e18f;

TEST(TensorUtil, ToIntSaturatesHugeValues) {
  EXPECT_EQ(tensor::ToInt(3.0f), 3);
  EXPECT_EQ(tensor::ToInt(-2.0f), -2);
  EXPECT_EQ(tensor::ToInt(kI64Max), int64_t{1} << 62);
  EXPECT_EQ(tensor::ToInt(-kI64Max), -(int64_t{1} << 62));
  EXPECT_EQ(tensor::ToInt(std::nanf("")), 0);
}

TEST(TensorUtil, TransposeMatchesNaiveLoop) {
  std::mt19937 rng(7);
  const Shape shape = {2, 3, 1, 4, 5};
  const std::vector<float> in = Iota(ir::NumElements(shape));
  std::vector<int64_t> perm = {0, 1, 2, 3, 4};
  const std::vector<int64_t> strides = tensor::Strides(shape);
  for (int trial = 0; trial < 20; ++trial) {
    std::shuffle(perm.begin(), perm.end(), rng);
    std::vector<float> out(in.size()), expect;
    tensor::TransposeData(in.data(), shape, perm, out.data());
    Shape os;
    for (int64_t p : perm) os.push_back(shape[p]);
    std::vector<int64_t> c(5, 0);
    for (int64_t i = 0; i < ir::NumElements(os); ++i) {
      int64_t rem = i, off = 0;
      for (int a = 4; a >= 0; --a) {
        off += (rem % os[a]) * strides[perm[a]];
        rem /= os[a];
      }
      expect.push_back(in[off]);
    }
    EXPECT_EQ(out, expect);
  }
}

TEST(TensorConcat, JoinsAlongAxisAndChecksShapes) {
  OneNode n(OpKind::kConcat, {Data({2, 1}, {0, 1}), Data({2, 2}, {10, 11, 12, 13}), Data({2, 1}, {20, 21})},
            Attrs().I("axis", -1));
  EXPECT_EQ(n.shape(), (Shape{2, 4}));
  EXPECT_EQ(n.Run(), (std::vector<float>{0, 10, 11, 20, 1, 12, 13, 21}));
  ExpectError([] { OneNode(OpKind::kConcat, {Data({2, 1}, {0, 1}), Data({3, 1}, {0, 1, 2})}, Attrs().I("axis", 1)); },
              "differ outside axis");
  ExpectError([] { OneNode(OpKind::kConcat, {Data({2}, {0, 1})}, Attrs().I("axis", 1)); }, "out of range");
}

TEST(TensorSplit, EqualPartsFromTheOutputCount) {
  OneNode n(OpKind::kSplit, {Data({2, 6}, Iota(12))}, Attrs().I("axis", 1), 3);
  ASSERT_EQ(n.out_shapes.size(), 3u);
  EXPECT_EQ(n.out_shapes[2], (Shape{2, 2}));
  const auto outs = n.RunAll();
  EXPECT_EQ(outs[0], (std::vector<float>{0, 1, 6, 7}));
  EXPECT_EQ(outs[2], (std::vector<float>{4, 5, 10, 11}));
  ExpectError([] { OneNode(OpKind::kSplit, {Data({5}, Iota(5))}, Attrs(), 2); }, "cannot split dimension 5 into 2 parts");
}

TEST(TensorSplit, SizesFromAttributeOrConstantInput) {
  OneNode a(OpKind::kSplit, {Data({5, 2}, Iota(10))}, Attrs().L("split", {1, 4}), 2, 11);
  EXPECT_EQ(a.out_shapes[1], (Shape{4, 2}));
  EXPECT_EQ(a.RunAll()[1], Iota(8, 2));
  OneNode b(OpKind::kSplit, {Data({5}, Iota(5)), Const({2, 0, 3})}, Attrs(), 3);
  EXPECT_EQ(b.node.inputs.size(), 1u);
  const auto outs = b.RunAll();
  EXPECT_EQ(outs[0], (std::vector<float>{0, 1}));
  EXPECT_TRUE(outs[1].empty());
  EXPECT_EQ(outs[2], (std::vector<float>{2, 3, 4}));
  ExpectError([] { OneNode(OpKind::kSplit, {Data({5}, Iota(5)), Const({2, 2})}, Attrs(), 2); }, "add up to 4");
  In dynamic = Data({2}, {2, 3});
  ExpectError([&] { OneNode(OpKind::kSplit, {Data({5}, Iota(5)), dynamic}, Attrs(), 2); }, "makes the model dynamic");
}

TEST(TensorSlice, StepsNegativeIndicesAndClamping) {
  const std::vector<float> x = Iota(20);  // shape {4, 5}
  // x[1:, ::-2] with an INT64_MIN-like end and an INT64_MAX end.
  OneNode n(OpKind::kSlice, {Data({4, 5}, x), Const({1, -1}), Const({kI64Max, -kI64Max}), Const({0, 1}), Const({1, -2})});
  EXPECT_EQ(n.shape(), (Shape{3, 3}));
  EXPECT_EQ(n.Run(), (std::vector<float>{9, 7, 5, 14, 12, 10, 19, 17, 15}));
  // Negative axis, out-of-range start clamps to an empty result.
  OneNode e(OpKind::kSlice, {Data({4, 5}, x), Const({7}), Const({9}), Const({-1})});
  EXPECT_EQ(e.shape(), (Shape{4, 0}));
  EXPECT_TRUE(e.Run().empty());
  // Opset 1-9 attributes.
  OneNode a(OpKind::kSlice, {Data({4, 5}, x)}, Attrs().L("starts", {-2, 1}).L("ends", {100, 3}), 1, 9);
  EXPECT_EQ(a.Run(), (std::vector<float>{11, 12, 16, 17}));
  ExpectError([&] { OneNode(OpKind::kSlice, {Data({4, 5}, x), Const({0}), Const({1}), Const({0}), Const({0})}); },
              "step must not be 0");
  ExpectError([&] { OneNode(OpKind::kSlice, {Data({4, 5}, x), Data({1}, {0}), Const({1})}); },
              "makes the model dynamic");
}

TEST(TensorGather, ConstantAndRuntimeIndices) {
  const std::vector<float> x = Iota(12);  // {3, 4}
  OneNode c(OpKind::kGather, {Data({3, 4}, x), In{{2}, {-1, 0}, true, false}}, Attrs().I("axis", 1));
  EXPECT_EQ(c.shape(), (Shape{3, 2}));
  EXPECT_EQ(c.Run(), (std::vector<float>{3, 0, 7, 4, 11, 8}));
  OneNode r(OpKind::kGather, {Data({3, 4}, x), Data({2, 1}, {2, -3})});
  EXPECT_EQ(r.shape(), (Shape{2, 1, 4}));
  EXPECT_EQ(r.Run(), (std::vector<float>{8, 9, 10, 11, 0, 1, 2, 3}));
  OneNode s(OpKind::kGather, {Data({3, 4}, x), ConstScalar(2)}, Attrs().I("axis", 0));
  EXPECT_EQ(s.shape(), (Shape{4}));
  ExpectError([&] { OneNode(OpKind::kGather, {Data({3, 4}, x), Const({4})}, Attrs().I("axis", 1)); }, "out of range");
  OneNode bad(OpKind::kGather, {Data({3, 4}, x), Data({1}, {3})});
  ExpectError([&] { bad.Run(); }, "index 3 is out of range");
}

TEST(TensorTranspose, DefaultReversesAxes) {
  OneNode n(OpKind::kTranspose, {Data({2, 3}, Iota(6))});
  EXPECT_EQ(n.shape(), (Shape{3, 2}));
  EXPECT_EQ(n.Run(), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  ExpectError([] { OneNode(OpKind::kTranspose, {Data({2, 3}, Iota(6))}, Attrs().L("perm", {0, 0})); },
              "not a permutation");
}

TEST(TensorSqueeze, AxesFromAttributeInputOrAllOnes) {
  EXPECT_EQ(OneNode(OpKind::kSqueeze, {Data({1, 3, 1}, Iota(3))}).shape(), (Shape{3}));
  EXPECT_EQ(OneNode(OpKind::kSqueeze, {Data({1, 3, 1}, Iota(3))}, Attrs().L("axes", {-1}), 1, 11).shape(),
            (Shape{1, 3}));
  EXPECT_EQ(OneNode(OpKind::kSqueeze, {Data({1, 3, 1}, Iota(3)), Const({0})}).shape(), (Shape{3, 1}));
  ExpectError([] { OneNode(OpKind::kSqueeze, {Data({1, 3}, Iota(3)), Const({1})}); }, "not 1");
  EXPECT_EQ(OneNode(OpKind::kUnsqueeze, {Data({3, 2}, Iota(6)), Const({-1, 0})}).shape(), (Shape{1, 3, 2, 1}));
  EXPECT_EQ(OneNode(OpKind::kUnsqueeze, {Data({3, 2}, Iota(6))}, Attrs().L("axes", {1}), 1, 11).shape(),
            (Shape{3, 1, 2}));
  ExpectError([] { OneNode(OpKind::kUnsqueeze, {Data({3}, Iota(3)), Const({0, 0})}); }, "repeated");
  ExpectError([] { OneNode(OpKind::kUnsqueeze, {Data({3}, Iota(3))}); }, "needs axes");
}

TEST(TensorPad, ModesAndNegativePads) {
  const std::vector<float> x = {1, 2, 3};
  EXPECT_EQ(OneNode(OpKind::kPad, {Data({3}, x), Const({2, 1}), ConstScalar(9)}).Run(),
            (std::vector<float>{9, 9, 1, 2, 3, 9}));
  EXPECT_EQ(OneNode(OpKind::kPad, {Data({3}, x), Const({2, 3})}, Attrs().S("mode", "reflect")).Run(),
            (std::vector<float>{3, 2, 1, 2, 3, 2, 1, 2}));
  EXPECT_EQ(OneNode(OpKind::kPad, {Data({3}, x), Const({2, 1})}, Attrs().S("mode", "edge")).Run(),
            (std::vector<float>{1, 1, 1, 2, 3, 3}));
  EXPECT_EQ(OneNode(OpKind::kPad, {Data({3}, x), Const({-1, 1})}).Run(), (std::vector<float>{2, 3, 0}));
  // Opset 2-10 attributes, 2-D.
  OneNode a(OpKind::kPad, {Data({2, 2}, {1, 2, 3, 4})}, Attrs().L("pads", {1, 0, 0, 1}).F("value", -1), 1, 9);
  EXPECT_EQ(a.shape(), (Shape{3, 3}));
  EXPECT_EQ(a.Run(), (std::vector<float>{-1, -1, -1, 1, 2, -1, 3, 4, -1}));
  EXPECT_EQ(OneNode(OpKind::kPad, {Data({3}, x), Const({1, 2})}, Attrs().S("mode", "wrap")).Run(),  // opset 19
            (std::vector<float>{3, 1, 2, 3, 1, 2}));
  ExpectError([&] { OneNode(OpKind::kPad, {Data({3}, x), Const({1, 1})}, Attrs().S("mode", "mirror")); },
              "Pad mode 'mirror' is not supported");
  ExpectError([&] { OneNode(OpKind::kPad, {Data({3}, x), Const({1})}); }, "needs 2");
  ExpectError([&] { OneNode(OpKind::kPad, {Data({3}, x), Data({2}, {1, 1})}); }, "makes the model dynamic");
}

TEST(TensorResize, LinearHalfPixelMatchesOnnxExample) {
  // test_resize_upsample_scales_linear: [[1,2],[3,4]] x2.
  OneNode n(OpKind::kResize, {Data({1, 1, 2, 2}, {1, 2, 3, 4}), Absent(), Const({1, 1, 2, 2})},
            Attrs().S("mode", "linear"));
  EXPECT_EQ(n.shape(), (Shape{1, 1, 4, 4}));
  const std::vector<float> expect = {1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4};
  const std::vector<float> out = n.Run();
  for (size_t i = 0; i < expect.size(); ++i) EXPECT_FLOAT_EQ(out[i], expect[i]) << i;
}

TEST(TensorResize, AlignCornersWithSizes) {
  OneNode n(OpKind::kResize, {Data({1, 3}, {0, 10, 20}), Absent(), Absent(), Const({1, 5})},
            Attrs().S("mode", "linear").S("coordinate_transformation_mode", "align_corners"));
  EXPECT_EQ(n.Run(), (std::vector<float>{0, 5, 10, 15, 20}));
}

TEST(TensorResize, NearestModes) {
  const In x = Data({1, 4}, {0, 1, 2, 3});
  auto run = [&](const std::string& ctm, const std::string& nm, std::vector<float> sizes) {
    return OneNode(OpKind::kResize, {x, Absent(), Absent(), Const(std::move(sizes))},
                   Attrs().S("coordinate_transformation_mode", ctm).S("nearest_mode", nm))
        .Run();
  };
  EXPECT_EQ(run("asymmetric", "floor", {1, 8}), (std::vector<float>{0, 0, 1, 1, 2, 2, 3, 3}));
  // half_pixel, 4 -> 8: sources -0.25, 0.25, 0.75, ... round to nearest.
  EXPECT_EQ(run("half_pixel", "round_prefer_floor", {1, 8}), (std::vector<float>{0, 0, 1, 1, 2, 2, 3, 3}));
  // 4 -> 3 asymmetric: sources 0, 1.333, 2.667.
  EXPECT_EQ(run("asymmetric", "ceil", {1, 3}), (std::vector<float>{0, 2, 3}));
  // 4 -> 2 half_pixel: sources 0.5 and 2.5 (ties).
  EXPECT_EQ(run("half_pixel", "round_prefer_floor", {1, 2}), (std::vector<float>{0, 2}));
  EXPECT_EQ(run("half_pixel", "round_prefer_ceil", {1, 2}), (std::vector<float>{1, 3}));
  // Nearest may resize any axis.
  OneNode c(OpKind::kResize, {Data({2, 1}, {5, 6}), Absent(), Const({2, 1})}, Attrs());
  EXPECT_EQ(c.shape(), (Shape{4, 1}));
}

TEST(TensorResize, Opset10AndUpsampleAreAsymmetricFloor) {
  OneNode r(OpKind::kResize, {Data({1, 1, 1, 3}, {1, 2, 3}), Const({1, 1, 1, 2})}, Attrs(), 1, 10);
  EXPECT_EQ(r.Run(), (std::vector<float>{1, 1, 2, 2, 3, 3}));
  OneNode u(OpKind::kUpsample, {Data({1, 1, 1, 2}, {1, 3}), Const({1, 1, 1, 2})}, Attrs().S("mode", "linear"), 1, 9);
  EXPECT_EQ(u.Run(), (std::vector<float>{1, 2, 3, 3}));
  // PyTorch's float32 scale 7/5 must give 7, not floor(6.9999999).
  OneNode s(OpKind::kUpsample, {Data({1, 5}, Iota(5)), Const({1, 7.0f / 5.0f})}, Attrs(), 1, 9);
  EXPECT_EQ(s.shape(), (Shape{1, 7}));
}

TEST(TensorResize, RefusesUnsupportedSettings) {
  const In x = Data({1, 1, 2, 2}, {1, 2, 3, 4});
  ExpectError([&] { OneNode(OpKind::kResize, {x, Absent(), Const({1, 1, 2, 2})}, Attrs().S("mode", "area")); },
              "Resize mode 'area' is not supported");
  ExpectError(
      [&] {
        OneNode(OpKind::kResize, {x, Const({0, 0, 0, 0, 1, 1, 1, 1}), Absent(), Const({1, 1, 3, 3})},
                Attrs().S("coordinate_transformation_mode", "tf_crop_and_resize"));
      },
      "tf_crop_and_resize");
  ExpectError([&] { OneNode(OpKind::kResize, {x, Absent(), Const({1, 2, 2, 2})}, Attrs().S("mode", "linear")); },
              "only the last two axes");
  ExpectError([&] { OneNode(OpKind::kResize, {x, Absent(), Const({1, 2})}); }, "entries for a rank-4");
  ExpectError([&] { OneNode(OpKind::kResize, {x, Absent(), Data({4}, {1, 1, 2, 2})}); }, "makes the model dynamic");
  ExpectError([&] { OneNode(OpKind::kResize, {x, Absent(), Const({})}); }, "neither scales nor sizes");
  ExpectError([&] { OneNode(OpKind::kResize, {x, Absent(), Const({1, 1, 1e12f, 1})}); }, "too large");
  ExpectError([&] { OneNode(OpKind::kResize, {x, Absent(), Absent(), Const({1, 1, 1e6f, 1e6f})}); }, "too large");
}

TEST(TensorDepthToSpace, DcrCrdAndSpaceToDepthInverse) {
  const std::vector<float> x = Iota(8);  // {1, 8, 1, 1}: channel index as value
  OneNode dcr(OpKind::kDepthToSpace, {Data({1, 8, 1, 1}, x)}, Attrs().I("blocksize", 2));
  EXPECT_EQ(dcr.shape(), (Shape{1, 2, 2, 2}));
  EXPECT_EQ(dcr.Run(), (std::vector<float>{0, 2, 4, 6, 1, 3, 5, 7}));  // channel = (by*2 + bx)*2 + c
  OneNode crd(OpKind::kDepthToSpace, {Data({1, 8, 1, 1}, x)}, Attrs().I("blocksize", 2).S("mode", "CRD"));
  EXPECT_EQ(crd.Run(), x);  // channel = c*4 + by*2 + bx
  const std::vector<float> y = Iota(2 * 3 * 4 * 6);
  OneNode d2s(OpKind::kDepthToSpace, {Data({2, 12, 2, 3}, y)}, Attrs().I("blocksize", 2));
  OneNode s2d(OpKind::kSpaceToDepth, {Data({2, 3, 4, 6}, d2s.Run())}, Attrs().I("blocksize", 2));
  EXPECT_EQ(s2d.shape(), (Shape{2, 12, 2, 3}));
  EXPECT_EQ(s2d.Run(), y);
  ExpectError([&] { OneNode(OpKind::kDepthToSpace, {Data({1, 6, 1, 1}, Iota(6))}, Attrs().I("blocksize", 2)); },
              "multiple");
  ExpectError([&] { OneNode(OpKind::kSpaceToDepth, {Data({1, 1, 3, 2}, Iota(6))}, Attrs().I("blocksize", 2)); },
              "divisible");
}

TEST(TensorTileExpand, RepeatAndBroadcast) {
  OneNode t(OpKind::kTile, {Data({2, 2}, {1, 2, 3, 4}), Const({1, 2})});
  EXPECT_EQ(t.shape(), (Shape{2, 4}));
  EXPECT_EQ(t.Run(), (std::vector<float>{1, 2, 1, 2, 3, 4, 3, 4}));
  OneNode e(OpKind::kExpand, {Data({3, 1}, {1, 2, 3}), Const({2, 1, 2})});
  EXPECT_EQ(e.shape(), (Shape{2, 3, 2}));
  EXPECT_EQ(e.Run(), (std::vector<float>{1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}));
  ExpectError([] { OneNode(OpKind::kExpand, {Data({3}, Iota(3)), Const({2})}); }, "cannot broadcast");
  ExpectError([] { OneNode(OpKind::kTile, {Data({3}, Iota(3)), Const({2, 2})}); }, "rank-1");
  ExpectError([] { OneNode(OpKind::kTile, {Data({3}, Iota(3)), Const({kI64Max})}); }, "too large");
  ExpectError([] { OneNode(OpKind::kExpand, {Data({1}, {1}), Const({1e9f, 1e9f})}); }, "too large");
  ExpectError([] { OneNode(OpKind::kPad, {Data({1}, {1}), Const({kI64Max, kI64Max})}); }, "too large");
}

TEST(TensorShapeOps, ShapeStartEnd) {
  const In x = Data({2, 3, 4}, Iota(24));
  OneNode all(OpKind::kShape, {x});
  EXPECT_EQ(all.shape(), (Shape{3}));
  EXPECT_EQ(all.Run(), (std::vector<float>{2, 3, 4}));
  EXPECT_EQ(OneNode(OpKind::kShape, {x}, Attrs().I("start", -2)).Run(), (std::vector<float>{3, 4}));
  EXPECT_EQ(OneNode(OpKind::kShape, {x}, Attrs().I("start", 1).I("end", -1)).Run(), (std::vector<float>{3}));
  EXPECT_EQ(OneNode(OpKind::kShape, {x}, Attrs().I("start", 2).I("end", 1)).shape(), (Shape{0}));
}

TEST(TensorShapeOps, ConstantOfShapeAndRange) {
  OneNode c(OpKind::kConstantOfShape, {Const({2, 3})}, Attrs().F("value", 1.5f));
  EXPECT_TRUE(c.node.inputs.empty());
  EXPECT_EQ(c.shape(), (Shape{2, 3}));
  EXPECT_EQ(c.Run(), std::vector<float>(6, 1.5f));
  OneNode scalar(OpKind::kConstantOfShape, {Const({})});
  EXPECT_EQ(scalar.shape(), Shape{});
  EXPECT_EQ(scalar.Run(), (std::vector<float>{0}));
  OneNode r(OpKind::kRange, {ConstScalar(10), ConstScalar(4), ConstScalar(-3)});
  EXPECT_EQ(r.shape(), (Shape{2}));
  EXPECT_EQ(r.Run(), (std::vector<float>{10, 7}));
  EXPECT_EQ(OneNode(OpKind::kRange, {ConstScalar(0), ConstScalar(1), ConstScalar(0.3f)}).shape(), (Shape{4}));
  EXPECT_EQ(OneNode(OpKind::kRange, {ConstScalar(5), ConstScalar(1), ConstScalar(1)}).shape(), (Shape{0}));
  ExpectError([] { OneNode(OpKind::kRange, {ConstScalar(0), ConstScalar(1), ConstScalar(0)}); }, "delta");
  ExpectError([] { OneNode(OpKind::kRange, {ConstScalar(0), Data({}, {3}), ConstScalar(1)}); },
              "makes the model dynamic");
  ExpectError([] { OneNode(OpKind::kConstantOfShape, {Data({1}, {3})}); }, "makes the model dynamic");
}

// Random shapes, parameters and attributes: every op either works (and writes exactly its inferred
// number of elements) or throws Error; nothing else escapes and nothing crashes (run under ASan).
TEST(TensorOps, RandomParametersNeverCrash) {
  std::mt19937 rng(1234);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const std::vector<OpKind> kinds = {OpKind::kConcat, OpKind::kSplit, OpKind::kSlice, OpKind::kGather,
                                     OpKind::kTranspose, OpKind::kSqueeze, OpKind::kUnsqueeze, OpKind::kPad,
                                     OpKind::kResize, OpKind::kUpsample, OpKind::kDepthToSpace,
                                     OpKind::kSpaceToDepth, OpKind::kTile, OpKind::kExpand, OpKind::kShape,
                                     OpKind::kConstantOfShape, OpKind::kRange};
  const std::vector<std::string> modes = {"nearest", "linear", "constant", "reflect", "edge", "DCR", "CRD", "x"};
  const std::vector<std::string> ctms = {"half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel",
                                         "tf_half_pixel_for_nn", "bogus"};
  const std::vector<std::string> nms = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil", "bogus"};
  auto random_values = [&](int n) {
    std::vector<float> v;
    for (int i = 0; i < n; ++i) v.push_back(pick(0, 9) == 0 ? (pick(0, 1) ? kI64Max : -kI64Max) : pick(-6, 6) * 0.5f);
    return v;
  };
  int ran = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    const OpKind kind = kinds[static_cast<size_t>(pick(0, static_cast<int>(kinds.size()) - 1))];
    Shape shape;
    for (int r = pick(0, 4); r > 0; --r) shape.push_back(pick(0, 4));
    std::vector<In> inputs = {Data(shape, Iota(ir::NumElements(shape)))};
    for (int k = pick(0, 4); k > 0; --k) {
      const int kind_of_input = pick(0, 5);
      if (kind_of_input == 0) {
        inputs.push_back(Absent());
      } else if (kind_of_input == 1) {
        inputs.push_back(Data(shape, Iota(ir::NumElements(shape))));
      } else if (kind_of_input == 2) {
        inputs.push_back(ConstScalar(random_values(1)[0]));
      } else {
        inputs.push_back(Const(random_values(pick(0, 5))));
      }
    }
    Attrs attrs;
    if (pick(0, 1)) attrs.I("axis", pick(-5, 5));
    if (pick(0, 2) == 0) attrs.L("axes", {pick(-5, 5), pick(-5, 5)});
    if (pick(0, 2) == 0) attrs.L("perm", {pick(-1, 4), pick(-1, 4), pick(-1, 4)});
    if (pick(0, 2) == 0) attrs.L("split", {pick(-1, 3), pick(0, 3)});
    if (pick(0, 3) == 0) attrs.L("pads", {pick(-2, 2), pick(-2, 2), pick(-2, 2), pick(-2, 2)});
    if (pick(0, 3) == 0) attrs.L("starts", {pick(-5, 5)}).L("ends", {pick(-5, 5)});
    if (pick(0, 1)) attrs.I("blocksize", pick(-1, 3));
    if (pick(0, 1)) attrs.I("start", pick(-5, 5)).I("end", pick(-5, 5));
    if (pick(0, 1)) attrs.S("mode", modes[static_cast<size_t>(pick(0, static_cast<int>(modes.size()) - 1))]);
    if (pick(0, 1))
      attrs.S("coordinate_transformation_mode", ctms[static_cast<size_t>(pick(0, static_cast<int>(ctms.size()) - 1))]);
    if (pick(0, 1)) attrs.S("nearest_mode", nms[static_cast<size_t>(pick(0, static_cast<int>(nms.size()) - 1))]);
    const size_t outputs = static_cast<size_t>(pick(1, 3));
    const int64_t opset = pick(0, 3) == 0 ? 9 + pick(0, 1) : 13;
    try {
      OneNode n(kind, inputs, attrs, outputs, opset);
      const auto outs = n.RunAll();
      for (size_t i = 0; i < outs.size(); ++i)
        EXPECT_EQ(static_cast<int64_t>(outs[i].size()), ir::NumElements(n.out_shapes[i])) << static_cast<int>(kind);
      ++ran;
    } catch (const Error&) {
    }
  }
  EXPECT_GT(ran, 200);
}

TEST(TensorOps, RegisteredWithFloatKernelsOnly) {
  // Concat also runs on the NPU (channel slices), so it has quantized kernels.
  const OpDef* concat = FindOnnxOp("Concat");
  ASSERT_NE(concat, nullptr);
  EXPECT_NE(concat->run_int8, nullptr);
  EXPECT_NE(concat->run_fp16, nullptr);
  const OpDef* split = FindOnnxOp("Split");
  ASSERT_NE(split, nullptr);
  EXPECT_NE(split->run_int8, nullptr);
  // Nearest Resize/Upsample by integer factors run on the NPU (docs/quantization.md §19) and keep
  // their input's quantization.
  for (const char* name : {"Resize", "Upsample"}) {
    const OpDef* def = FindOnnxOp(name);
    ASSERT_NE(def, nullptr) << name;
    EXPECT_NE(def->run_int8, nullptr) << name;
    EXPECT_NE(def->run_fp16, nullptr) << name;
    EXPECT_TRUE(def->keeps_input_quant) << name;
  }
  for (const char* name : { "Slice", "Gather", "Transpose", "Squeeze", "Unsqueeze", "Pad", "DepthToSpace", "SpaceToDepth", "Tile", "Expand", "Shape", "ConstantOfShape",
                           "Range"}) {
    const OpDef* def = FindOnnxOp(name);
    ASSERT_NE(def, nullptr) << name;
    EXPECT_NE(def->run_float, nullptr) << name;
    EXPECT_EQ(def->run_int8, nullptr) << name;
    EXPECT_EQ(def->run_fp16, nullptr) << name;
  }
}

}  // namespace
}  // namespace rknnsim::ops
