// The quantization quality report (compiler/quant/quality.h) on the bundled model: tensors pair up
// by name across fusion, good quantization scores near 1, and a deliberately broken range shows
// up at the layer that has it.
#include "compiler/quant/quality.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/error.h"
#include "compiler/frontend/onnx_importer.h"
#include "compiler/passes/fuse_activation.h"
#include "compiler/passes/fuse_swish.h"
#include "compiler/quant/quantizer.h"

namespace rknnsim::quant {
namespace {

const std::string kBundled = std::string(RKNN_SIM_SOURCE_DIR) + "/models/bundled/";

TEST(CosineSimilarity, DefinedForParallelOppositeAndZeroVectors) {
  EXPECT_NEAR(CosineSimilarity({1, 2, 3}, {2, 4, 6}), 1.0, 1e-12);
  EXPECT_NEAR(CosineSimilarity({1, 2, 3}, {-1, -2, -3}), -1.0, 1e-12);
  EXPECT_NEAR(CosineSimilarity({1, 0}, {0, 1}), 0.0, 1e-12);
  EXPECT_EQ(CosineSimilarity({0, 0}, {0, 0}), 1.0);
  EXPECT_EQ(CosineSimilarity({0, 0}, {1, 0}), 0.0);
}

struct Bundled {
  ir::Graph float_graph, quant_graph;
  std::vector<Sample> samples;
};

Bundled QuantizeBundled() {
  Bundled b;
  b.float_graph = frontend::ImportOnnxFile(kBundled + "tiny_resnet.onnx", {});
  b.quant_graph = b.float_graph;
  passes::FuseSwish(b.quant_graph);
  passes::FuseActivations(b.quant_graph);
  b.samples = LoadDataset(kBundled + "dataset.txt", b.quant_graph);
  QuantizeInt8(b.quant_graph, CalibrateMinMax(b.quant_graph, b.samples));
  return b;
}

TEST(CompareTensors, PairsNodeOutputsByNameAcrossFusion) {
  const Bundled b = QuantizeBundled();
  const std::vector<TensorPair> pairs = CompareTensors(b.float_graph, b.quant_graph, b.samples[0]);
  ASSERT_FALSE(pairs.empty());
  int outputs = 0;
  for (const TensorPair& p : pairs) {
    EXPECT_EQ(b.float_graph.tensor(p.float_id).name, p.name);
    EXPECT_EQ(b.quant_graph.tensor(p.quant_id).name, p.name);
    EXPECT_EQ(p.float_values.size(), p.quant_values.size());
    EXPECT_FALSE(p.float_values.empty());
    outputs += p.output_index >= 0;
  }
  EXPECT_EQ(outputs, static_cast<int>(b.quant_graph.outputs().size()));
  // Every node of the fused graph writes a tensor the float graph also has (the fused Conv writes
  // the Relu's output), so nothing is skipped here.
  size_t node_outputs = 0;
  for (const ir::Node& n : b.quant_graph.nodes()) node_outputs += n.outputs.size();
  EXPECT_EQ(pairs.size(), node_outputs);
  EXPECT_LT(b.quant_graph.nodes().size(), b.float_graph.nodes().size());  // fusion happened
}

TEST(MeasureQuality, GoodQuantizationScoresNearOne) {
  const Bundled b = QuantizeBundled();
  const QualityReport r = MeasureQuality(b.float_graph, b.quant_graph, b.samples);
  EXPECT_EQ(r.samples, static_cast<int>(b.samples.size()));
  ASSERT_EQ(r.outputs.size(), b.quant_graph.outputs().size());
  for (const TensorQuality& q : r.outputs) {
    EXPECT_GT(q.cosine_min, 0.99) << q.name;
    EXPECT_GE(q.cosine_mean, q.cosine_min);
    EXPECT_GT(q.float_abs_max, 0.0);
  }
  EXPECT_TRUE(std::is_sorted(r.layers.begin(), r.layers.end(),
                             [](const TensorQuality& a, const TensorQuality& c) { return a.node < c.node; }));
  EXPECT_EQ(r.layers.front().op_type, "ConvRelu");
}

TEST(MeasureQuality, FindsTheLayerWithABrokenRange) {
  Bundled b = QuantizeBundled();
  // Shrink the first layer's output range 20x: most of its values saturate.
  const ir::Node& first = b.quant_graph.nodes().front();
  ir::Tensor& out = b.quant_graph.tensor(first.outputs[0]);
  out.quant.scale[0] /= 20.0f;
  const QualityReport r = MeasureQuality(b.float_graph, b.quant_graph, {b.samples[0]});
  const auto worst = std::min_element(r.layers.begin(), r.layers.end(), [](const TensorQuality& a, const TensorQuality& c) {
    return a.cosine_min < c.cosine_min;
  });
  EXPECT_LT(r.layers.front().cosine_min, 0.9);
  EXPECT_EQ(r.layers.front().name, out.name);
  EXPECT_LT(worst->cosine_min, 0.9);
  EXPECT_THROW(MeasureQuality(b.float_graph, b.quant_graph, {}), Error);
}

}  // namespace
}  // namespace rknnsim::quant
