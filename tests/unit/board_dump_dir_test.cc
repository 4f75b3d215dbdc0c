#include "runtime/board_dump_dir.h"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "common/npy.h"
#include "compiler/quant/arithmetic.h"
#include "compiler/reference/quant_executor.h"
#include "runtime/batch_io.h"
#include "runtime/converter.h"
#include "tests/unit/unit_test_support.h"

namespace rknnsim::runtime {
namespace {

namespace fs = std::filesystem;
const std::string kBundled = std::string(RKNN_SIM_SOURCE_DIR) + "/models/bundled";

using testing_support::ErrorOf;

// The bundled model compiled for RK3588; the int8 reference stands in for the simulator, which
// equals it byte for byte (e2e.bit_exact.*).
class BoardDir : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ConvertOptions options;
    options.target = "rk3588";
    options.dataset = kBundled + "/dataset.txt";
    model_ = new CompiledModel(ConvertOnnx(kBundled + "/tiny_resnet.onnx", options));
  }
  static void TearDownTestSuite() { delete model_; }

  void SetUp() override {
    dir_ = testing_support::FreshTestDir("board_dump_dir_");
    inputs_ = {ReadNpy(kBundled + "/input.npy").data};
    outputs_ = ModelOutputs(*model_);
    const auto values = RunReferenceModel(*model_, inputs_);
    for (size_t k = 0; k < outputs_.size(); ++k) outputs_[k].values = values[k];
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  void WriteOutput(const std::string& name) const { WriteNpy(Path(name), outputs_[0].shape, outputs_[0].values); }

  // The int8 reference's dequantized value of an internal tensor.
  std::vector<float> Layer(const std::string& name) const {
    const int id = model_->graph.FindTensor(name);
    const ir::Tensor& t = model_->graph.tensor(id);
    const std::vector<std::vector<int8_t>> all = reference::RunInt8All(model_->graph, inputs_);
    std::vector<float> values;
    for (int8_t q : all[static_cast<size_t>(id)])
      values.push_back(quant::DequantizeValue(q, t.quant.scale[0], t.quant.zero_point[0]));
    return values;
  }

  static CompiledModel* model_;
  fs::path dir_;
  quant::Sample inputs_;
  std::vector<SimTensor> outputs_;
};
CompiledModel* BoardDir::model_ = nullptr;

TEST_F(BoardDir, OutputsAndLayerDumpsMatch) {
  WriteOutput("0_output.npy");  // the name `rknn-sim run -o` writes
  const std::string relu = "/Relu_output_0";
  const ir::Shape relu_shape = model_->graph.tensor(model_->graph.FindTensor(relu)).shape;
  WriteNpy(Path("_Relu_output_0.npy"), relu_shape, Layer(relu));
  WriteNpy(Path("notes.npy"), {1}, {0});
  const CompareReport r = CompareBoardDir(*model_, inputs_, outputs_, dir_.string(), {});
  EXPECT_TRUE(r.pass()) << FormatCompareTable(r);
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(r.outputs[0].name, "output");
  EXPECT_EQ(r.outputs[0].index, 0);
  EXPECT_EQ(r.outputs[0].mismatches, 0u);
  ASSERT_EQ(r.layers.size(), 1u);
  EXPECT_EQ(r.layers[0].name, relu);
  EXPECT_EQ(r.layers[0].index, -1);
  EXPECT_EQ(r.layers[0].shape, relu_shape);
  EXPECT_DOUBLE_EQ(r.layers[0].cosine, 1.0);
  EXPECT_EQ(r.ignored_files, std::vector<std::string>{Path("notes.npy")});
}

TEST_F(BoardDir, CorruptedLayerDumpFails) {
  WriteOutput("output_0.npy");
  const std::string relu = "/Relu_output_0";
  std::vector<float> values = Layer(relu);
  for (size_t i = 0; i < values.size(); i += 7) values[i] += 5.0f;
  WriteNpy(Path("_Relu_output_0.npy"), model_->graph.tensor(model_->graph.FindTensor(relu)).shape, values);
  const CompareReport r = CompareBoardDir(*model_, inputs_, outputs_, dir_.string(), {});
  EXPECT_FALSE(r.pass());
  EXPECT_TRUE(r.outputs[0].pass());
  ASSERT_EQ(r.layers.size(), 1u);
  EXPECT_EQ(r.layers[0].mismatches, (values.size() + 6) / 7);
  EXPECT_EQ(r.layers[0].first_mismatch, 0);
}

TEST_F(BoardDir, MissingOrAmbiguousOutputDumpIsAnError) {
  const std::string missing = ErrorOf([&] { CheckOutputDumps(dir_.string(), outputs_); });
  EXPECT_NE(missing.find("no board dump for output 0 'output'"), std::string::npos) << missing;
  EXPECT_NE(missing.find("output_0.npy, 0_output.npy, output.npy"), std::string::npos) << missing;
  WriteOutput("output_0.npy");
  WriteOutput("output.npy");
  const std::string twice = ErrorOf([&] { CheckOutputDumps(dir_.string(), outputs_); });
  EXPECT_NE(twice.find("has 2 files"), std::string::npos) << twice;
  EXPECT_NE(ErrorOf([&] { CheckOutputDumps(Path("nowhere"), outputs_); }).find("is not a directory"),
            std::string::npos);
}

TEST_F(BoardDir, InputsByIndexOrName) {
  EXPECT_NE(ErrorOf([&] { FindInputFiles(dir_.string(), *model_); }).find("no file for input 0 'input'"),
            std::string::npos);
  WriteNpy(Path("input.npy"), {1, 3, 64, 64}, inputs_[0]);
  EXPECT_EQ(FindInputFiles(dir_.string(), *model_), std::vector<std::string>{Path("input.npy")});
  WriteNpy(Path("input_0.npy"), {1, 3, 64, 64}, inputs_[0]);
  EXPECT_NE(ErrorOf([&] { FindInputFiles(dir_.string(), *model_); }).find("has 2 files"), std::string::npos);
}

}  // namespace
}  // namespace rknnsim::runtime
