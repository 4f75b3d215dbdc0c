// Single-op graphs for backend tests: build a one-node IR graph with random constants, then
// quantize (or convert to fp16), place and lower it for the platform under test.
#pragma once

#include <cstdlib>
#include <random>
#include <string>

#include "compiler/ops/op_def.h"
#include "compiler/quant/quantizer.h"

namespace rknnsim::testing_support {

inline std::string Target() {
  const char* t = std::getenv("RKNN_SIM_TEST_TARGET");
  return t && *t ? t : "rk3588";
}

inline std::vector<float> Random(size_t n, uint32_t seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

class OneOpGraph {
 public:
  int Input(const ir::Shape& shape) {
    ir::Tensor t;
    t.name = "in" + std::to_string(g_.inputs().size());
    t.shape = shape;
    const int id = g_.AddTensor(t);
    g_.inputs().push_back(id);
    return id;
  }
  int Const(const ir::Shape& shape, float scale) {
    ir::Tensor t;
    t.name = "c" + std::to_string(g_.tensors().size());
    t.shape = shape;
    t.is_constant = true;
    t.float_data = Random(static_cast<size_t>(ir::NumElements(shape)), seed_++, -scale, scale);
    return g_.AddTensor(t);
  }
  // A rank-0 constant holding `value`.
  int Scalar(float value) {
    const int id = Const({}, 1.0f);
    g_.tensor(id).float_data = {value};
    return id;
  }
  // Adds a node and infers its output shape; the last node's output is the graph output.
  int Node(ir::OpKind op, std::vector<int> inputs, ir::Attributes attrs = {}) {
    ir::Node n;
    n.op = op;
    n.name = "/" + std::string(ops::GetOpDef(op).onnx_name) + "_" + std::to_string(g_.nodes().size());
    n.inputs = std::move(inputs);
    n.attrs = std::move(attrs);
    ir::Tensor t;
    t.name = n.name + "_out";
    t.shape = ops::GetOpDef(op).infer(g_, n)[0];
    n.outputs = {g_.AddTensor(t)};
    g_.nodes().push_back(n);
    g_.outputs() = {n.outputs[0]};
    return n.outputs[0];
  }
  ir::Graph& graph() { return g_; }

 private:
  ir::Graph g_;
  uint32_t seed_ = 7;
};

inline ir::Attributes Window(int64_t k, int64_t stride, int64_t pad, int64_t dilation = 1) {
  ir::Attributes a;
  a.kernel = {k, k};
  a.strides = {stride, stride};
  a.pads = {pad, pad, pad, pad};
  a.dilations = {dilation, dilation};
  return a;
}


// Calibration samples drawn like the inputs (uniform in [-2, 2]).
inline std::vector<quant::Sample> RandomSamples(const ir::Graph& g, uint32_t count) {
  std::vector<quant::Sample> samples;
  for (uint32_t s = 0; s < count; ++s) {
    quant::Sample sample;
    for (int id : g.inputs())
      sample.push_back(Random(static_cast<size_t>(g.tensor(id).num_elements()), 100 + s * 13 + id, -2.0f, 2.0f));
    samples.push_back(sample);
  }
  return samples;
}

}  // namespace rknnsim::testing_support
