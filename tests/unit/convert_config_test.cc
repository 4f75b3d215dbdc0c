// rknn_convert's model.yml read into convert's options (tools/convert_config.h): every key sets
// the field its flag sets, relative paths follow the file, and every bad key or value is an error
// naming the file and the key.
#include "tools/convert_config.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/unit/unit_test_support.h"

namespace rknnsim::tools {
namespace {

namespace fs = std::filesystem;

using testing_support::ErrorOf;

class ConvertConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing_support::FreshTestDir("convert_config_test_").string();
    fs::create_directories(dir_ + "/cfg");
    fs::create_directories(dir_ + "/data");
    std::ofstream(dir_ + "/net.onnx") << "onnx";  // only its existence is checked here
    std::ofstream(dir_ + "/data/dataset.txt") << "a.npy\n";
  }
  // Writes model.yml under cfg/ (so ../ paths reach the model) and returns its path.
  std::string Write(const std::string& text) {
    const std::string path = dir_ + "/cfg/model.yml";
    std::ofstream(path) << text;
    return path;
  }
  // A valid file whose `models:` mapping gets `extra` appended (indented by the caller).
  std::string Minimal(const std::string& extra = "") {
    return "models:\n  name: net\n  platform: onnx\n  model_file_path: ../net.onnx\n" + extra;
  }
  std::string ErrorOfText(const std::string& text) {
    const std::string path = Write(text);
    return ErrorOf([&] { LoadConvertConfig(path); });
  }
  std::string dir_;
};

TEST_F(ConvertConfigTest, EveryKeySetsTheFieldOfItsFlag) {
  const std::string path = Write(
      "models:\n"
      "    name: tiny\n"
      "    platform: ONNX\n"
      "    model_file_path: ../net.onnx\n"
      "    subgraphs:\n"
      "      input_size_list:\n"
      "        - 1, 3, 64, 64\n"
      "        - [1, 10]\n"
      "      inputs:\n"
      "        - image\n"
      "        - vec\n"
      "      outputs: [logits]\n"
      "    quantize: true\n"
      "    dataset: ../data/dataset.txt\n"
      "    configs:\n"
      "      quantized_dtype: asymmetric_quantized-8\n"
      "      mean_values: [123.675, 116.28, 103.53]\n"
      "      std_values: [[58.395, 57.12, 57.375], [1]]\n"
      "      quant_img_RGB2BGR: true\n"
      "      quantized_algorithm: kl_divergence\n"
      "      quantized_method: layer\n"
      "      optimization_level: 2\n"
      "      target_platform: RK3588\n"
      "      float_dtype: float16\n"
      "      single_core_mode: false\n");
  const ConvertConfig c = LoadConvertConfig(path);
  const CommandOptions& o = c.options;
  EXPECT_EQ(c.name, "tiny");
  EXPECT_EQ(o.model, (fs::path(dir_) / "net.onnx").lexically_normal().string());
  EXPECT_EQ(o.dataset, (fs::path(dir_) / "data/dataset.txt").lexically_normal().string());
  EXPECT_FALSE(o.no_quant);
  EXPECT_EQ(o.cut_inputs, (std::vector<std::string>{"image", "vec"}));
  EXPECT_EQ(o.cut_outputs, (std::vector<std::string>{"logits"}));
  EXPECT_EQ(nlohmann::json::parse(o.input_size_list), nlohmann::json::parse("[[1,3,64,64],[1,10]]"));
  // A flat list is the one input's list, as config() and rknn_convert take it.
  EXPECT_EQ(nlohmann::json::parse(o.mean_values), nlohmann::json::parse("[[123.675,116.28,103.53]]"));
  EXPECT_EQ(nlohmann::json::parse(o.std_values), nlohmann::json::parse("[[58.395,57.12,57.375],[1]]"));
  EXPECT_TRUE(o.quant_img_rgb2bgr);
  EXPECT_EQ(o.quantized_algorithm, "kl_divergence");
  EXPECT_EQ(o.quantized_method, "layer");
  EXPECT_EQ(o.optimization_level, 2);
  EXPECT_EQ(o.target, "rk3588");  // the toolkit takes any case
  std::vector<std::string> flags;
  for (const auto& k : c.keys) flags.push_back(k.flag);
  EXPECT_EQ(flags, (std::vector<std::string>{"model", "--input-size-list", "--inputs", "--outputs", "--no-quant",
                                             "--dataset", "--mean-values", "--std-values", "--quant-img-rgb2bgr",
                                             "--quantized-algorithm", "--quantized-method", "--optimization-level",
                                             "--target"}));
}

TEST_F(ConvertConfigTest, KeysLeftOutKeepTheFlagDefaults) {
  const ConvertConfig c = LoadConvertConfig(Write(Minimal("  quantize: false\n")));
  const CommandOptions defaults;
  EXPECT_TRUE(c.options.no_quant);
  EXPECT_EQ(c.options.quantized_algorithm, defaults.quantized_algorithm);
  EXPECT_EQ(c.options.optimization_level, defaults.optimization_level);
  EXPECT_TRUE(c.options.mean_values.empty() && c.options.dataset.empty() && c.options.target.empty());
}

TEST_F(ConvertConfigTest, RelativePathsFollowTheFileAndAbsolutePathsStay) {
  const std::string text = "models:\n  platform: onnx\n  model_file_path: " + dir_ +
                           "/net.onnx\n  dataset: ./../data/dataset.txt\n";
  const ConvertConfig c = LoadConvertConfig(Write(text));
  EXPECT_EQ(c.options.model, dir_ + "/net.onnx");
  EXPECT_EQ(c.options.dataset, (fs::path(dir_) / "data/dataset.txt").lexically_normal().string());
}

TEST_F(ConvertConfigTest, MissingFilesNameTheKeyAndTheResolvedPath) {
  const std::string missing = ErrorOfText("models:\n  platform: onnx\n  model_file_path: gone.onnx\n");
  EXPECT_NE(missing.find("model.yml: models.model_file_path: '" + dir_ + "/cfg/gone.onnx' does not exist"),
            std::string::npos)
      << missing;
  const std::string dataset = ErrorOfText(Minimal("  dataset: nowhere.txt\n"));
  EXPECT_NE(dataset.find("models.dataset: '" + dir_ + "/cfg/nowhere.txt' does not exist"), std::string::npos)
      << dataset;
  EXPECT_NE(ErrorOf([&] { LoadConvertConfig(dir_ + "/none.yml"); }).find("none.yml"), std::string::npos);
}

struct BadCase {
  const char* what;
  std::string text;     // appended to Minimal() unless `whole`
  std::string message;  // expected in the error, after "model.yml: "
  bool whole = false;
};

TEST_F(ConvertConfigTest, EachBadKeyOrValueIsAnErrorNamingTheKey) {
  const std::vector<BadCase> cases = {
      {"unknown top-level key", "models:\n  platform: onnx\n  model_file_path: ../net.onnx\nextra: 1\n",
       "extra: unknown key", true},
      {"models is a list", "models:\n  - name: a\n", "models: must be a mapping", true},
      {"not a mapping at all", "just text\n", "not an rknn_convert model config", true},
      {"malformed YAML", "models:\n  name: [a\n", "model.yml:", true},
      {"platform missing", "models:\n  model_file_path: ../net.onnx\n", "models.platform: missing", true},
      {"model_file_path missing", "models:\n  platform: onnx\n", "models.model_file_path: missing", true},
      {"other framework", "models:\n  platform: pytorch\n  model_file_path: ../net.onnx\n",
       "models.platform: 'pytorch' models are not supported", true},
      {"unknown framework", "models:\n  platform: onnx2\n  model_file_path: ../net.onnx\n",
       "models.platform: unknown framework 'onnx2'", true},
      {"unknown models key", "  frobnicate: 1\n", "models.frobnicate: unknown key"},
      {"duplicate key", "  platform: onnx\n", "models.platform: is given twice"},
      {"caffe key", "  prototxt_file_path: a.prototxt\n", "models.prototxt_file_path: is for Caffe and Darknet"},
      {"quantize not a bool", "  quantize: maybe\n", "models.quantize: must be true or false (got 'maybe')"},
      {"name is a list", "models:\n  name: [a, b]\n  platform: onnx\n", "models.name: must be a single value", true},
      {"subgraphs not a mapping", "  subgraphs: [1]\n", "models.subgraphs: must be a mapping"},
      {"unknown subgraphs key", "  subgraphs:\n    shapes: [1]\n", "models.subgraphs.shapes: unknown key"},
      {"inputs not a list", "  subgraphs:\n    inputs: data\n", "models.subgraphs.inputs: must be a list of tensor names"},
      {"zero dimension", "  subgraphs:\n    input_size_list:\n      - 1,0,8,8\n",
       "models.subgraphs.input_size_list: '1,0,8,8' is not a shape"},
      {"word dimension", "  subgraphs:\n    input_size_list:\n      - [1, x]\n",
       "models.subgraphs.input_size_list: '1,x' is not a shape"},
      {"configs not a mapping", "  configs: [1]\n", "models.configs: must be a mapping"},
      {"unknown configs key", "  configs:\n    quantized_hybrid_level: 1\n",
       "models.configs.quantized_hybrid_level: unknown or unsupported rknn.config() key"},
      {"mean not numbers", "  configs:\n    mean_values: [a, 1, 2]\n",
       "models.configs.mean_values: holds a value that is not a number (got 'a')"},
      {"mean a scalar", "  configs:\n    mean_values: 127.5\n", "models.configs.mean_values: must be a list of numbers"},
      {"std mixed", "  configs:\n    std_values: [[1, 2], 3]\n", "models.configs.std_values: mixes numbers and lists"},
      {"rgb2bgr not a bool", "  configs:\n    quant_img_RGB2BGR: [true]\n",
       "models.configs.quant_img_RGB2BGR: must be true or false"},
      {"algorithm", "  configs:\n    quantized_algorithm: fast\n",
       "models.configs.quantized_algorithm: 'fast' is not supported by rknn-sim (hint: use normal, kl_divergence, mmse)"},
      {"method", "  configs:\n    quantized_method: group\n", "models.configs.quantized_method: 'group' is not supported"},
      {"dtype", "  configs:\n    quantized_dtype: w16a16i\n", "models.configs.quantized_dtype: 'w16a16i' is not supported"},
      {"Toolkit1 uint8 dtype", "  configs:\n    quantized_dtype: asymmetric_quantized-u8\n",
       "models.configs.quantized_dtype: 'asymmetric_quantized-u8' is RKNN-Toolkit1's uint8 scheme, not supported "
       "by RKNN-Toolkit2 or rknn-sim (hint: use asymmetric_quantized-8 or w8a8"},
      {"float dtype", "  configs:\n    float_dtype: float32\n", "models.configs.float_dtype: 'float32' is not supported"},
      {"level", "  configs:\n    optimization_level: 5\n", "models.configs.optimization_level: must be 0, 1, 2 or 3 (got '5')"},
      {"target", "  configs:\n    target_platform: rk9999\n",
       "models.configs.target_platform: unknown target platform 'rk9999'"},
      {"pruning on", "  configs:\n    model_pruning: true\n", "models.configs.model_pruning: true is not supported"},
  };
  for (const BadCase& c : cases) {
    const std::string error = ErrorOfText(c.whole ? c.text : Minimal(c.text));
    EXPECT_NE(error.find(c.message), std::string::npos) << c.what << ": " << error;
    EXPECT_EQ(error.rfind(dir_ + "/cfg/model.yml", 0), 0u) << c.what << ": " << error;  // names the file first
  }
}

TEST_F(ConvertConfigTest, FlagsSupplyWhatTheFileLeavesOut) {
  const ConvertConfig c = LoadConvertConfig(Write(Minimal("  configs:\n    quantized_algorithm: mmse\n")));
  CommandOptions flags;
  flags.target = "rk3566";
  flags.batch_size = 4;
  flags.quantized_algorithm = "normal";  // the default, not given: the file's value wins
  const CommandOptions o = MergeConvertConfig(c, flags, {"--target", "--batch-size"});
  EXPECT_EQ(o.target, "rk3566");
  EXPECT_EQ(o.batch_size, 4u);
  EXPECT_EQ(o.quantized_algorithm, "mmse");
  EXPECT_EQ(o.model, c.options.model);
}

TEST_F(ConvertConfigTest, FlagsThatAgreeWithTheFileAreFine) {
  const ConvertConfig c = LoadConvertConfig(
      Write(Minimal("  dataset: ../data/dataset.txt\n  configs:\n    target_platform: rk3588\n"
                    "    mean_values: [0, 0, 0]\n")));
  CommandOptions flags;
  flags.target = "RK3588";
  flags.model = dir_ + "/cfg/../net.onnx";
  flags.dataset = dir_ + "/data/dataset.txt";
  flags.mean_values = "[[0.0, 0, 0]]";
  const CommandOptions o = MergeConvertConfig(c, flags, {"--target", "model", "--dataset", "--mean-values"});
  EXPECT_EQ(o.target, "rk3588");
}

TEST_F(ConvertConfigTest, FlagsThatContradictTheFileAreErrors) {
  const ConvertConfig c = LoadConvertConfig(
      Write(Minimal("  quantize: true\n  configs:\n    target_platform: rk3588\n    quantized_method: layer\n")));
  CommandOptions flags;
  flags.target = "rk3566";
  EXPECT_NE(ErrorOf([&] { MergeConvertConfig(c, flags, {"--target"}); })
                .find("model.yml: models.configs.target_platform: says 'rk3588', --target says 'rk3566'"),
            std::string::npos);
  flags = {};
  flags.no_quant = true;
  EXPECT_NE(ErrorOf([&] { MergeConvertConfig(c, flags, {"--no-quant"}); }).find("models.quantize: says"),
            std::string::npos);
  flags = {};
  flags.model = dir_ + "/other.onnx";
  EXPECT_NE(ErrorOf([&] { MergeConvertConfig(c, flags, {"model"}); })
                .find("models.model_file_path: says '" + dir_ + "/net.onnx', the MODEL argument says"),
            std::string::npos);
}

TEST_F(ConvertConfigTest, ATargetIsNeededFromTheFileOrTheFlag) {
  const ConvertConfig c = LoadConvertConfig(Write(Minimal()));
  EXPECT_NE(ErrorOf([&] { MergeConvertConfig(c, CommandOptions{}, {}); }).find("model.yml: no target platform"),
            std::string::npos);
}

TEST_F(ConvertConfigTest, OutputIsAFileOrADirectoryTakingTheModelName) {
  const ConvertConfig c = LoadConvertConfig(Write(Minimal()));
  EXPECT_EQ(ConvertConfigOutput(c, dir_ + "/m.rknnsim"), dir_ + "/m.rknnsim");
  EXPECT_EQ(ConvertConfigOutput(c, dir_ + "/data"), dir_ + "/data/net.rknnsim");
  EXPECT_EQ(ConvertConfigOutput(c, dir_ + "/new/"), dir_ + "/new/net.rknnsim");
  EXPECT_TRUE(fs::is_directory(dir_ + "/new"));
  EXPECT_EQ(ConvertConfigOutput(c, ""), "./net.rknnsim");
  const ConvertConfig unnamed = LoadConvertConfig(Write("models:\n  platform: onnx\n  model_file_path: ../net.onnx\n"));
  EXPECT_NE(ErrorOf([&] { ConvertConfigOutput(unnamed, dir_ + "/data"); }).find("models.name: missing"),
            std::string::npos);
  EXPECT_EQ(ConvertConfigOutput(unnamed, dir_ + "/x.rknnsim"), dir_ + "/x.rknnsim");
}

TEST_F(ConvertConfigTest, OutputNotEndingInRknnsimIsADirectoryAsRknnConvertsOutput) {
  const ConvertConfig c = LoadConvertConfig(Write(Minimal()));
  // No trailing '/', not existing: rknn_convert's -o is a directory all the same.
  EXPECT_EQ(ConvertConfigOutput(c, dir_ + "/out"), dir_ + "/out/net.rknnsim");
  EXPECT_TRUE(fs::is_directory(dir_ + "/out"));
  EXPECT_EQ(ConvertConfigOutput(c, dir_ + "/a/b.model"), dir_ + "/a/b.model/net.rknnsim");
  EXPECT_TRUE(fs::is_directory(dir_ + "/a/b.model"));
  // A path that is a file, not a directory, cannot be the output directory.
  std::ofstream(dir_ + "/plain.bin") << "x";
  EXPECT_NE(ErrorOf([&] { ConvertConfigOutput(c, dir_ + "/plain.bin"); }).find("cannot create output directory"),
            std::string::npos);
  // FILE.rknnsim stays a file, even when its directory does not exist yet.
  EXPECT_EQ(ConvertConfigOutput(c, dir_ + "/b/model.rknnsim"), dir_ + "/b/model.rknnsim");
  EXPECT_FALSE(fs::exists(dir_ + "/b/model.rknnsim"));
}

TEST_F(ConvertConfigTest, ANameEndingInRknnLosesItAsRknnConvertStripsIt) {
  const ConvertConfig c =
      LoadConvertConfig(Write("models:\n  name: yolo.rknn\n  platform: onnx\n  model_file_path: ../net.onnx\n"));
  EXPECT_EQ(ConvertConfigOutput(c, dir_ + "/data"), dir_ + "/data/yolo.rknnsim");
  EXPECT_EQ(ConvertConfigOutput(c, dir_ + "/y.rknnsim"), dir_ + "/y.rknnsim");  // -o FILE wins over the name
  const ConvertConfig dotted =
      LoadConvertConfig(Write("models:\n  name: v8.rknn.int8\n  platform: onnx\n  model_file_path: ../net.onnx\n"));
  EXPECT_EQ(ConvertConfigOutput(dotted, dir_ + "/data"), dir_ + "/data/v8.rknn.int8.rknnsim");  // only a trailing one
  const ConvertConfig bare =
      LoadConvertConfig(Write("models:\n  name: .rknn\n  platform: onnx\n  model_file_path: ../net.onnx\n"));
  EXPECT_NE(ErrorOf([&] { ConvertConfigOutput(bare, dir_ + "/data"); }).find("models.name: '.rknn' is not a file name"),
            std::string::npos);
}

}  // namespace
}  // namespace rknnsim::tools
