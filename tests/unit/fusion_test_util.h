// Shared by the fusion-pass tests: small ONNX models built in memory and imported by the real
// frontend (so every node is parsed and shape-checked as in a conversion), random inputs, and the
// check that a pass leaves the float32 reference outputs unchanged.
//
// Tolerance: a fold changes the order of fp32 operations (e.g. (w*s)*x summed instead of s*(sum
// w*x)), so results may differ by a few ulps of the largest intermediate. Every comparison allows
// kReassociationTolerance times max(1, largest |output|) and nothing more.
#pragma once

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "compiler/frontend/onnx_importer.h"
#include "compiler/ir/graph.h"
#include "compiler/reference/float_executor.h"

namespace rknnsim::testing {

constexpr double kReassociationTolerance = 1e-5;

inline std::vector<float> RandomValues(int64_t n, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = dist(rng);
  return v;
}

class TestModel {
 public:
  TestModel() {
    model_.set_ir_version(7);
    auto* imp = model_.add_opset_import();
    imp->set_domain("");
    imp->set_version(13);
  }
  TestModel& Input(const std::string& name, const std::vector<int64_t>& shape) {
    auto* v = graph()->add_input();
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : shape) t->mutable_shape()->add_dim()->set_dim_value(d);
    return *this;
  }
  TestModel& Const(const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& values) {
    auto* t = graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->add_dims(d);
    for (float v : values) t->add_float_data(v);
    return *this;
  }
  // A constant of random values in [lo, hi); `seed` makes each one different and reproducible.
  TestModel& Random(const std::string& name, const std::vector<int64_t>& dims, uint32_t seed, float lo = -1.0f,
                    float hi = 1.0f) {
    int64_t n = 1;
    for (int64_t d : dims) n *= d;
    return Const(name, dims, RandomValues(n, seed, lo, hi));
  }
  TestModel& Node(const std::string& op, const std::vector<std::string>& in, const std::string& out) {
    last_ = graph()->add_node();
    last_->set_op_type(op);
    last_->set_name(op + "_" + out);
    for (const auto& i : in) last_->add_input(i);
    last_->add_output(out);
    return *this;
  }
  // Attributes of the last node.
  TestModel& Ints(const std::string& name, const std::vector<int64_t>& v) {
    auto* a = last_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
    return *this;
  }
  TestModel& Int(const std::string& name, int64_t v) {
    auto* a = last_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
    return *this;
  }
  TestModel& Output(const std::string& name) {
    graph()->add_output()->set_name(name);
    return *this;
  }
  ir::Graph Build() const { return frontend::ImportOnnxBytes(model_.SerializeAsString(), "test.onnx"); }

 private:
  onnx::GraphProto* graph() { return model_.mutable_graph(); }
  onnx::ModelProto model_;
  onnx::NodeProto* last_ = nullptr;
};

// Random inputs for every graph input (seeded, so runs are reproducible).
inline std::vector<std::vector<float>> RandomInputs(const ir::Graph& g, uint32_t seed = 7) {
  std::vector<std::vector<float>> in;
  for (int id : g.inputs()) in.push_back(RandomValues(g.tensor(id).num_elements(), seed++));
  return in;
}

// The float reference outputs of `after` equal those of `before` within the reassociation
// tolerance, output by output, with identical shapes.
inline void ExpectSameFloatOutputs(const ir::Graph& before, const ir::Graph& after) {
  ASSERT_EQ(before.outputs().size(), after.outputs().size());
  const auto inputs = RandomInputs(before);
  const auto ref = reference::RunFloat(before, inputs);
  const auto got = reference::RunFloat(after, inputs);
  for (size_t o = 0; o < ref.size(); ++o) {
    EXPECT_EQ(before.tensor(before.outputs()[o]).shape, after.tensor(after.outputs()[o]).shape);
    ASSERT_EQ(ref[o].size(), got[o].size());
    double peak = 1.0, worst = 0.0;
    for (size_t i = 0; i < ref[o].size(); ++i) {
      peak = std::max(peak, std::fabs(double(ref[o][i])));
      worst = std::max(worst, std::fabs(double(ref[o][i]) - got[o][i]));
    }
    EXPECT_LE(worst, kReassociationTolerance * peak) << "output " << o;
  }
}

inline int CountOps(const ir::Graph& g, ir::OpKind op) {
  return static_cast<int>(std::count_if(g.nodes().begin(), g.nodes().end(), [op](const ir::Node& n) { return n.op == op; }));
}

}  // namespace rknnsim::testing
