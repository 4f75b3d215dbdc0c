#include "runtime/accuracy_analysis.h"

#include <cmath>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "common/error.h"
#include "common/npy.h"
#include "compiler/frontend/onnx_importer.h"
#include "compiler/quant/arithmetic.h"
#include "compiler/reference/float_executor.h"
#include "compiler/reference/quant_executor.h"

namespace rknnsim::runtime {
namespace {

const std::string kBundled = std::string(RKNN_SIM_SOURCE_DIR) + "/models/bundled";

TEST(CompareTensors, CosineAndEuclidean) {
  const LayerError same = CompareTensors({1, 2, 3}, {1, 2, 3});
  EXPECT_DOUBLE_EQ(same.cosine, 1.0);
  EXPECT_DOUBLE_EQ(same.euclidean, 0.0);
  const LayerError opposite = CompareTensors({1, -2}, {-1, 2});
  EXPECT_DOUBLE_EQ(opposite.cosine, -1.0);
  EXPECT_DOUBLE_EQ(opposite.euclidean, std::sqrt(20.0));
  EXPECT_DOUBLE_EQ(CompareTensors({0, 0}, {0, 0}).cosine, 1.0);  // both silent: no error
  EXPECT_DOUBLE_EQ(CompareTensors({0, 0}, {0, 1}).cosine, 0.0);
  EXPECT_THROW(CompareTensors({1}, {1, 2}), Error);
}

class BundledAccuracy : public ::testing::Test {
 protected:
  void SetUp() override {
    options.target = "rk3588";
    options.dataset = kBundled + "/dataset.txt";
    model = ConvertOnnx(kBundled + "/tiny_resnet.onnx", options);
    const NpyArray x = ReadNpy(kBundled + "/input.npy");
    inputs = {x.data};
  }
  ConvertOptions options;
  CompiledModel model;
  quant::Sample inputs;
};

TEST_F(BundledAccuracy, RowsMatchTheExecutors) {
  const ir::Graph float_graph = BuildFloatGraph(kBundled + "/tiny_resnet.onnx", options);
  const AccuracyReport report = AnalyzeAccuracy(float_graph, model.graph, inputs);
  ASSERT_GE(report.layers.size(), 3u);
  EXPECT_EQ(report.layers.front().op_type, "Input");
  // The last row is the model output: the simulator side is the int8 reference's output, the
  // golden side the float reference's output on the original ONNX.
  const LayerAccuracy& last = report.layers.back();
  EXPECT_EQ(last.tensor, "output");
  const auto quantized = reference::DequantizeOutputs(model.graph, reference::RunQuantized(model.graph, inputs));
  EXPECT_EQ(last.simulator, quantized[0]);
  const ir::Graph onnx = frontend::ImportOnnxFile(kBundled + "/tiny_resnet.onnx");
  const auto golden = reference::RunFloat(onnx, inputs);
  ASSERT_EQ(last.golden.size(), golden[0].size());
  for (size_t i = 0; i < golden[0].size(); ++i) EXPECT_NEAR(last.golden[i], golden[0][i], 1e-5f);
  for (const LayerAccuracy& l : report.layers) {
    EXPECT_GT(l.entire.cosine, 0.98) << l.tensor;
    EXPECT_GT(l.single.cosine, 0.98) << l.tensor;
  }
  // The first layer reads the model input: its single error is its entire error.
  EXPECT_DOUBLE_EQ(report.layers[1].single.cosine, report.layers[1].entire.cosine);
  const std::string text = FormatErrorAnalysis(report);
  EXPECT_NE(text.find("[Input] input"), std::string::npos);
  EXPECT_NE(FormatWorstLayers(report, 3).find("1. ["), std::string::npos);
}

TEST_F(BundledAccuracy, Fp16ModelsToo) {
  options.do_quantization = false;
  options.dataset.clear();
  model = ConvertOnnx(kBundled + "/tiny_resnet.onnx", options);
  const AccuracyReport report =
      AnalyzeAccuracy(BuildFloatGraph(kBundled + "/tiny_resnet.onnx", options), model.graph, inputs);
  ASSERT_GE(report.layers.size(), 3u);
  const auto fp16 = reference::DequantizeOutputs(model.graph, reference::RunQuantized(model.graph, inputs));
  EXPECT_EQ(report.layers.back().simulator, fp16[0]);
  for (const LayerAccuracy& l : report.layers) EXPECT_GT(l.entire.cosine, 0.999) << l.tensor;
}

// A hybrid model (docs/quantization.md §17): each row in its layer's own precision, equal to the
// reference executor's value of that tensor; the float16 layer's own error is fp16 rounding only,
// and the conversions at its boundaries are rows of their own.
TEST_F(BundledAccuracy, HybridModelsToo) {
  const std::string cfg = testing::TempDir() + "/accuracy_hybrid.quantization.cfg";
  std::ofstream(cfg) << "custom_quantize_layers:\n    /conv2/Conv: float16\n";
  options.hybrid.cfg_path = cfg;
  model = ConvertOnnx(kBundled + "/tiny_resnet.onnx", options);
  const AccuracyReport report =
      AnalyzeAccuracy(BuildFloatGraph(kBundled + "/tiny_resnet.onnx", options), model.graph, inputs);
  const reference::QuantValues values = reference::RunQuantizedAll(model.graph, inputs);
  int converts = 0;
  for (const LayerAccuracy& l : report.layers) {
    const int id = model.graph.FindTensor(l.tensor);
    ASSERT_GE(id, 0) << l.tensor;
    const ir::Tensor& t = model.graph.tensor(id);
    std::vector<float> expected = values.fp16[id];
    if (t.dtype == ir::DType::kInt8) {
      expected.clear();
      for (int8_t q : values.int8[id])
        expected.push_back(quant::DequantizeValue(q, t.quant.scale[0], t.quant.zero_point[0]));
    }
    EXPECT_EQ(l.simulator, expected) << l.tensor;
    EXPECT_GT(l.entire.cosine, 0.999) << l.tensor;
    converts += l.op_type == "Convert";
    if (l.tensor == "/Relu_1_output_0") {  // /conv2/Conv's output, in float16
      EXPECT_EQ(t.dtype, ir::DType::kFloat16);
      EXPECT_GT(l.single.cosine, 0.99999);
    }
  }
  EXPECT_EQ(converts, 2);
}

TEST_F(BundledAccuracy, WrongInputsAreAnError) {
  const ir::Graph float_graph = BuildFloatGraph(kBundled + "/tiny_resnet.onnx", options);
  EXPECT_THROW(AnalyzeAccuracy(float_graph, model.graph, {{1.0f, 2.0f}}), Error);
}

}  // namespace
}  // namespace rknnsim::runtime
