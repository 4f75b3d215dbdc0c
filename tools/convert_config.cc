#include "tools/convert_config.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <set>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "common/error.h"
#include "common/file_io.h"
#include "isa/platform_config.h"

namespace rknnsim::tools {
namespace {

namespace fs = std::filesystem;

// Every message about the file reads "<file>: <key>: what", the key spelled as a dotted path.
Error KeyError(const std::string& path, const std::string& key, const std::string& message,
               const std::string& hint = {}) {
  return Error(path + ": " + key + ": " + message, hint);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(const std::string& s) {
  const size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool PositiveInteger(const std::string& d) {
  const bool digits = std::all_of(d.begin(), d.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  return !d.empty() && d.size() <= 12 && digits && std::stoll(d) > 0;
}

// One file being read: its path and directory, and the keys it has set so far.
class Reader {
 public:
  explicit Reader(const std::string& path) { config_.path = path; }

  ConvertConfig Read(const YAML::Node& root) {
    if (!root.IsMap())
      throw Error(config_.path + ": not an rknn_convert model config (expected a top-level `models:` mapping)",
                  "see docs/rknn_convert.md for the layout");
    std::set<std::string> seen;
    for (const auto& kv : root) {
      const std::string key = KeyName(kv.first, "", seen);
      if (key != "models")
        throw KeyError(config_.path, key, "unknown key", "an rknn_convert config has one top-level key, models:");
    }
    ReadModels(root["models"]);
    return config_;
  }

 private:
  // A key of a mapping; `seen` holds the mapping's keys so far (YAML parsers keep one of two
  // equal keys silently, which would hide a mistake).
  std::string KeyName(const YAML::Node& n, const std::string& parent, std::set<std::string>& seen) const {
    if (!n.IsScalar()) throw KeyError(config_.path, parent.empty() ? "(top level)" : parent, "a key is not a name");
    if (!seen.insert(n.Scalar()).second)
      throw KeyError(config_.path, (parent.empty() ? "" : parent + ".") + n.Scalar(), "is given twice",
                     "keep one of them");
    return n.Scalar();
  }

  std::string Scalar(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) throw KeyError(config_.path, key, "must be a single value", "write `" + Leaf(key) + ": value`");
    return n.Scalar();
  }

  bool Bool(const YAML::Node& n, const std::string& key) const {
    bool value = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, value))
      throw KeyError(config_.path, key, "must be true or false" + Got(n));
    return value;
  }

  double Number(const YAML::Node& n, const std::string& key) const {
    double value = 0;
    if (!n.IsScalar() || !YAML::convert<double>::decode(n, value))
      throw KeyError(config_.path, key, "holds a value that is not a number" + Got(n));
    return value;
  }

  std::vector<std::string> Names(const YAML::Node& n, const std::string& key) const {
    if (!n.IsSequence() || n.size() == 0)
      throw KeyError(config_.path, key, "must be a list of tensor names", "write one `- name` line per tensor");
    std::vector<std::string> names;
    for (const YAML::Node& v : n) names.push_back(Scalar(v, key));
    return names;
  }

  static std::string Leaf(const std::string& key) { return key.substr(key.rfind('.') + 1); }
  static std::string Got(const YAML::Node& n) { return n.IsScalar() ? " (got '" + n.Scalar() + "')" : ""; }

  // A path of the file, relative to the file's directory unless absolute; it must exist.
  std::string ExistingPath(const YAML::Node& n, const std::string& key) const {
    const std::string text = Scalar(n, key);
    if (text.empty()) throw KeyError(config_.path, key, "is empty", "give a path relative to this file");
    const fs::path resolved = (fs::path(config_.path).parent_path() / fs::path(text)).lexically_normal();
    std::error_code ec;
    if (!fs::is_regular_file(resolved, ec))
      throw KeyError(config_.path, key, "'" + resolved.string() + "' does not exist",
                     "paths in the file are relative to the file's directory");
    return resolved.string();
  }

  void Set(const std::string& key, const std::string& flag) { config_.keys.push_back({key, flag}); }

  void ReadModels(const YAML::Node& models) {
    if (!models.IsMap())
      throw KeyError(config_.path, "models", "must be a mapping of the model's settings",
                     "indent name:, platform:, model_file_path:, ... under models:");
    CommandOptions& o = config_.options;
    bool has_platform = false, has_model = false;
    std::set<std::string> seen;
    for (const auto& kv : models) {
      const std::string leaf = KeyName(kv.first, "models", seen);
      const std::string key = "models." + leaf;
      const YAML::Node& v = kv.second;
      if (leaf == "name") {
        config_.name = Scalar(v, key);
      } else if (leaf == "platform") {
        CheckFramework(Scalar(v, key), key);
        has_platform = true;
      } else if (leaf == "model_file_path") {
        o.model = ExistingPath(v, key);
        Set(key, "model");
        has_model = true;
      } else if (leaf == "prototxt_file_path" || leaf == "caffemodel_file_path" || leaf == "darknet_cfg_path" ||
                 leaf == "darknet_weights_path") {
        throw KeyError(config_.path, key, "is for Caffe and Darknet models, which rknn-sim does not import",
                       "export the model to ONNX and give it as model_file_path with platform: onnx");
      } else if (leaf == "quantize") {
        o.no_quant = !Bool(v, key);
        Set(key, "--no-quant");
      } else if (leaf == "dataset") {
        o.dataset = ExistingPath(v, key);
        Set(key, "--dataset");
      } else if (leaf == "subgraphs") {
        ReadSubgraphs(v, key);
      } else if (leaf == "configs") {
        ReadConfigs(v, key);
      } else {
        throw KeyError(config_.path, key, "unknown key",
                       "models: takes name, platform, model_file_path, quantize, dataset, subgraphs, configs");
      }
    }
    if (!has_platform)
      throw KeyError(config_.path, "models.platform", "missing", "add `platform: onnx` (rknn-sim imports ONNX models)");
    if (!has_model)
      throw KeyError(config_.path, "models.model_file_path", "missing", "add `model_file_path: ./model.onnx`");
  }

  void CheckFramework(const std::string& framework, const std::string& key) const {
    const std::string f = Lower(framework);
    if (f == "onnx") return;
    for (const char* other : {"caffe", "darknet", "keras", "mxnet", "pytorch", "tensorflow", "tflite"})
      if (f == other)
        throw KeyError(config_.path, key, "'" + framework + "' models are not supported: rknn-sim imports ONNX only",
                       "export the model to ONNX (e.g. torch.onnx.export) and set platform: onnx");
    throw KeyError(config_.path, key, "unknown framework '" + framework + "'", "use platform: onnx");
  }

  void ReadSubgraphs(const YAML::Node& n, const std::string& parent) {
    if (n.IsNull()) return;  // `subgraphs:` with nothing under it
    if (!n.IsMap()) throw KeyError(config_.path, parent, "must be a mapping", "indent inputs:, outputs:, input_size_list:");
    CommandOptions& o = config_.options;
    std::set<std::string> seen;
    for (const auto& kv : n) {
      const std::string leaf = KeyName(kv.first, parent, seen);
      const std::string key = parent + "." + leaf;
      if (leaf == "inputs") {
        o.cut_inputs = Names(kv.second, key);
        Set(key, "--inputs");
      } else if (leaf == "outputs") {
        o.cut_outputs = Names(kv.second, key);
        Set(key, "--outputs");
      } else if (leaf == "input_size_list") {
        o.input_size_list = ShapeList(kv.second, key);
        Set(key, "--input-size-list");
      } else {
        throw KeyError(config_.path, key, "unknown key", "subgraphs: takes inputs, outputs and input_size_list");
      }
    }
  }

  // rknn_convert writes each shape as "1,3,224,224" (one string); a YAML list [1,3,224,224] is
  // accepted too. The result is --input-size-list's JSON, e.g. [[1,3,224,224]].
  std::string ShapeList(const YAML::Node& n, const std::string& key) const {
    auto bad = [&](const std::string& got) {
      return KeyError(config_.path, key, "'" + got + "' is not a shape of positive dimensions",
                      "write one `- 1,3,224,224` line per model input");
    };
    if (!n.IsSequence() || n.size() == 0)
      throw KeyError(config_.path, key, "must be a list of input shapes", "write one `- 1,3,224,224` line per input");
    nlohmann::json shapes = nlohmann::json::array();
    for (const YAML::Node& item : n) {
      std::vector<std::string> dims;
      if (item.IsScalar()) {
        std::string text = item.Scalar();
        for (size_t start = 0, comma;; start = comma + 1) {
          comma = text.find(',', start);
          dims.push_back(Trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
          if (comma == std::string::npos) break;
        }
      } else if (item.IsSequence()) {
        for (const YAML::Node& d : item) dims.push_back(d.IsScalar() ? Trim(d.Scalar()) : "?");
      } else {
        throw bad("(a mapping)");
      }
      nlohmann::json shape = nlohmann::json::array();
      std::string joined;
      for (const std::string& d : dims) joined += (joined.empty() ? "" : ",") + d;
      for (const std::string& d : dims) {
        if (!PositiveInteger(d)) throw bad(joined);
        shape.push_back(std::stoll(d));
      }
      shapes.push_back(shape);
    }
    return shapes.dump();
  }

  // mean_values / std_values: one list per input, or one flat list for a one-input model (as
  // config() takes them). The result is the flag's JSON, one list per input.
  std::string PerInputValues(const YAML::Node& n, const std::string& key) const {
    const std::string hint = "e.g. [123.675, 116.28, 103.53] for one input, or one list per input";
    if (!n.IsSequence() || n.size() == 0) throw KeyError(config_.path, key, "must be a list of numbers", hint);
    nlohmann::json lists = nlohmann::json::array();
    const bool flat = std::all_of(n.begin(), n.end(), [](const YAML::Node& v) { return v.IsScalar(); });
    if (flat) {
      nlohmann::json values = nlohmann::json::array();
      for (const YAML::Node& v : n) values.push_back(Number(v, key));
      lists.push_back(values);
      return lists.dump();
    }
    for (const YAML::Node& list : n) {
      if (!list.IsSequence() || list.size() == 0)
        throw KeyError(config_.path, key, "mixes numbers and lists, or holds an empty list", hint);
      nlohmann::json values = nlohmann::json::array();
      for (const YAML::Node& v : list) values.push_back(Number(v, key));
      lists.push_back(values);
    }
    return lists.dump();
  }

  std::string Choice(const YAML::Node& n, const std::string& key, const std::vector<std::string>& accepted) const {
    const std::string value = Scalar(n, key);
    std::string list;
    for (const std::string& a : accepted) {
      if (value == a) return value;
      list += (list.empty() ? "" : ", ") + a;
    }
    throw KeyError(config_.path, key, "'" + value + "' is not supported by rknn-sim", "use " + list);
  }

  void ReadConfigs(const YAML::Node& n, const std::string& parent) {
    if (n.IsNull()) return;
    if (!n.IsMap()) throw KeyError(config_.path, parent, "must be a mapping of rknn.config() settings");
    CommandOptions& o = config_.options;
    std::set<std::string> seen;
    for (const auto& kv : n) {
      const std::string leaf = KeyName(kv.first, parent, seen);
      const std::string key = parent + "." + leaf;
      const YAML::Node& v = kv.second;
      if (leaf == "mean_values") {
        o.mean_values = PerInputValues(v, key);
        Set(key, "--mean-values");
      } else if (leaf == "std_values") {
        o.std_values = PerInputValues(v, key);
        Set(key, "--std-values");
      } else if (leaf == "quant_img_RGB2BGR") {
        o.quant_img_rgb2bgr = Bool(v, key);
        Set(key, "--quant-img-rgb2bgr");
      } else if (leaf == "quantized_algorithm") {
        o.quantized_algorithm = Choice(v, key, {"normal", "kl_divergence", "mmse"});
        Set(key, "--quantized-algorithm");
      } else if (leaf == "quantized_method") {
        o.quantized_method = Choice(v, key, {"channel", "layer"});
        Set(key, "--quantized-method");
      } else if (leaf == "optimization_level") {
        int level = -1;
        if (!v.IsScalar() || !YAML::convert<int>::decode(v, level) || level < 0 || level > 3)
          throw KeyError(config_.path, key, "must be 0, 1, 2 or 3" + Got(v));
        o.optimization_level = level;
        Set(key, "--optimization-level");
      } else if (leaf == "target_platform") {
        o.target = Lower(Scalar(v, key));  // the toolkit takes any case: RK3588
        try {
          isa::PlatformForTarget(o.target);
        } catch (const Error& e) {
          throw KeyError(config_.path, key, e.message(), e.hint());
        }
        Set(key, "--target");
      } else if (leaf == "quantized_dtype") {
        // asymmetric_quantized-u8 is RKNN-Toolkit1's uint8 scheme (RK1808, RV1109/RV1126): values
        // 0..255 around a zero point, not Toolkit2's int8, so it is no synonym of the scheme here.
        if (Scalar(v, key) == "asymmetric_quantized-u8")
          throw KeyError(config_.path, key,
                         "'asymmetric_quantized-u8' is RKNN-Toolkit1's uint8 scheme, not supported by RKNN-Toolkit2 "
                         "or rknn-sim",
                         "use asymmetric_quantized-8 or w8a8, Toolkit2's int8 scheme");
        Choice(v, key, {"asymmetric_quantized-8", "w8a8"});  // the only scheme; no flag to set
      } else if (leaf == "float_dtype") {
        Choice(v, key, {"float16"});
      } else if (leaf == "dynamic_input") {
        // One list of input shapes per set, each shape as input_size_list writes it.
        if (!v.IsSequence() || v.size() == 0)
          throw KeyError(config_.path, key, "must be a list of input shape sets",
                         "one entry per set, each a list of input shapes: - [[1,3,224,224]]");
        nlohmann::json sets = nlohmann::json::array();
        for (size_t i = 0; i < v.size(); ++i)
          sets.push_back(nlohmann::json::parse(ShapeList(v[i], key + "[" + std::to_string(i) + "]")));
        o.dynamic_input = sets.dump();
        Set(key, "--dynamic-input");
      } else if (leaf == "model_pruning" || leaf == "quantize_weight" || leaf == "single_core_mode" ||
                 leaf == "remove_weight" || leaf == "compress_weight") {
        // Toolkit switches that shrink the .rknn file; off is their default and changes nothing.
        if (Bool(v, key))
          throw KeyError(config_.path, key, "true is not supported by rknn-sim", "remove the key or set it to false");
      } else {
        throw KeyError(config_.path, key, "unknown or unsupported rknn.config() key",
                       "configs: takes mean_values, std_values, quant_img_RGB2BGR, quantized_dtype, "
                       "quantized_algorithm, quantized_method, float_dtype, optimization_level, target_platform, "
                       "dynamic_input "
                       "(and model_pruning, quantize_weight, single_core_mode, remove_weight, compress_weight: false)");
      }
    }
  }

  ConvertConfig config_;
};

// One setting that a key and a flag can both give: how to compare their values and copy it.
struct Setting {
  const char* flag;
  std::function<std::string(const CommandOptions&)> value;  // comparable text of the setting
  std::function<void(CommandOptions&, const CommandOptions&)> copy;
};

std::string SamePath(const std::string& path) {
  if (path.empty()) return path;
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(path, ec);
  return ec ? path : canonical.string();
}

// Numbers as doubles, so '[[0, 0, 0]]' and a file's [0.0, 0.0, 0.0] compare equal.
nlohmann::json NumbersAsDoubles(const nlohmann::json& j) {
  if (j.is_number()) return j.get<double>();
  if (!j.is_array()) return j;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& v : j) out.push_back(NumbersAsDoubles(v));
  return out;
}

std::string SameJson(const std::string& text) {
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  return parsed.is_discarded() ? text : NumbersAsDoubles(parsed).dump();
}

std::string Joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += n + ",";
  return out;
}

const std::vector<Setting>& Settings() {
  using O = CommandOptions;
  static const std::vector<Setting> settings = {
      {"model", [](const O& o) { return SamePath(o.model); }, [](O& d, const O& s) { d.model = s.model; }},
      {"--target", [](const O& o) { return Lower(o.target); }, [](O& d, const O& s) { d.target = s.target; }},
      {"--dataset", [](const O& o) { return SamePath(o.dataset); }, [](O& d, const O& s) { d.dataset = s.dataset; }},
      {"--no-quant", [](const O& o) { return std::string(o.no_quant ? "fp16, no quantization" : "int8 quantization"); },
       [](O& d, const O& s) { d.no_quant = s.no_quant; }},
      {"--inputs", [](const O& o) { return Joined(o.cut_inputs); }, [](O& d, const O& s) { d.cut_inputs = s.cut_inputs; }},
      {"--outputs", [](const O& o) { return Joined(o.cut_outputs); },
       [](O& d, const O& s) { d.cut_outputs = s.cut_outputs; }},
      {"--input-size-list", [](const O& o) { return SameJson(o.input_size_list); },
       [](O& d, const O& s) { d.input_size_list = s.input_size_list; }},
      {"--mean-values", [](const O& o) { return SameJson(o.mean_values); },
       [](O& d, const O& s) { d.mean_values = s.mean_values; }},
      {"--std-values", [](const O& o) { return SameJson(o.std_values); },
       [](O& d, const O& s) { d.std_values = s.std_values; }},
      {"--quant-img-rgb2bgr", [](const O& o) { return std::string(o.quant_img_rgb2bgr ? "true" : "false"); },
       [](O& d, const O& s) { d.quant_img_rgb2bgr = s.quant_img_rgb2bgr; }},
      {"--quantized-algorithm", [](const O& o) { return o.quantized_algorithm; },
       [](O& d, const O& s) { d.quantized_algorithm = s.quantized_algorithm; }},
      {"--quantized-method", [](const O& o) { return o.quantized_method; },
       [](O& d, const O& s) { d.quantized_method = s.quantized_method; }},
      {"--optimization-level", [](const O& o) { return std::to_string(o.optimization_level); },
       [](O& d, const O& s) { d.optimization_level = s.optimization_level; }},
      {"--dynamic-input", [](const O& o) { return SameJson(o.dynamic_input); },
       [](O& d, const O& s) { d.dynamic_input = s.dynamic_input; }},
  };
  return settings;
}

const Setting& SettingOf(const std::string& flag) {
  for (const Setting& s : Settings())
    if (flag == s.flag) return s;
  throw std::logic_error("convert_config: no setting for " + flag);  // a bug: every Set() flag is listed
}

std::string Spelled(const std::string& flag) { return flag == "model" ? "the MODEL argument" : flag; }

}  // namespace

ConvertConfig ParseConvertConfig(const std::string& yaml_text, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw Error(path + ":" + std::to_string(e.mark.line + 1) + ": malformed YAML (column " +
                    std::to_string(e.mark.column + 1) + "): " + e.msg,
                "an rknn_convert config is a `models:` mapping; see docs/rknn_convert.md");
  }
  try {
    return Reader(path).Read(root);
  } catch (const YAML::Exception& e) {  // e.g. a duplicate key or a key that is itself a list
    throw Error(path + ":" + std::to_string(e.mark.line + 1) + ": unexpected YAML: " + e.msg,
                "see docs/rknn_convert.md for the layout");
  }
}

ConvertConfig LoadConvertConfig(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  return ParseConvertConfig(std::string(bytes.begin(), bytes.end()), path);
}

CommandOptions MergeConvertConfig(const ConvertConfig& config, const CommandOptions& flags,
                                  const std::vector<std::string>& given) {
  CommandOptions merged = flags;
  for (const ConvertConfig::Key& k : config.keys) {
    const Setting& s = SettingOf(k.flag);
    const bool also_flag = std::find(given.begin(), given.end(), k.flag) != given.end();
    if (also_flag && s.value(flags) != s.value(config.options))
      throw KeyError(config.path, k.key,
                     "says '" + s.value(config.options) + "', " + Spelled(k.flag) + " says '" + s.value(flags) + "'",
                     "give the setting in one place, or make both agree");
    s.copy(merged, config.options);
  }
  if (merged.target.empty())
    throw Error(config.path + ": no target platform",
                "pass -t TARGET as for rknn_convert (e.g. -t rk3588), or set models.configs.target_platform");
  return merged;
}

std::string ConvertConfigOutput(const ConvertConfig& config, const std::string& output_flag) {
  // rknn_convert's -o is always a directory; only a path naming a model file (.rknnsim) is one.
  const std::string model_suffix = ".rknnsim";
  const bool names_model = EndsWith(output_flag, model_suffix);
  std::error_code ec;
  const bool is_dir = output_flag.empty() || !names_model || fs::is_directory(output_flag, ec);
  if (!is_dir) return output_flag;
  if (config.name.empty())
    throw KeyError(config.path, "models.name", "missing; it names the output model file",
                   "add `name: my_model`, or pass -o FILE.rknnsim");
  // rknn_convert strips a trailing .rknn from the name: yolo.rknn gives yolo.rknnsim, not yolo.rknn.rknnsim.
  std::string stem = config.name;
  if (EndsWith(stem, ".rknn")) stem.resize(stem.size() - std::string(".rknn").size());
  if (stem.empty() || stem.find('/') != std::string::npos || stem == "." || stem == "..")
    throw KeyError(config.path, "models.name", "'" + config.name + "' is not a file name", "use a plain name");
  const fs::path dir = output_flag.empty() ? fs::path(".") : fs::path(output_flag);
  fs::create_directories(dir, ec);  // as rknn_convert does with its -o directory
  if (ec) throw Error("cannot create output directory '" + dir.string() + "': " + ec.message(),
                      "-o takes a directory, or a model file ending in .rknnsim");
  return (dir / (stem + model_suffix)).string();
}

CommandOptions WithConvertConfig(const CommandOptions& o, bool names_output) {
  if (o.config_file.empty()) return o;
  const ConvertConfig config = LoadConvertConfig(o.config_file);
  CommandOptions merged = MergeConvertConfig(config, o, o.given_flags);
  if (names_output) merged.output = ConvertConfigOutput(config, o.output);
  return merged;
}

}  // namespace rknnsim::tools
