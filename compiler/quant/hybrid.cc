#include "compiler/quant/hybrid.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include "common/error.h"
#include "common/file_io.h"
#include "common/fp16.h"
#include "compiler/ops/op_def.h"

namespace rknnsim::quant {
namespace {

constexpr const char* kLayersKey = "custom_quantize_layers";
constexpr const char* kParamsKey = "quantize_parameters";
constexpr const char* kEditHint =
    "edit only custom_quantize_layers; rknn-sim recomputes quantize_parameters from the dataset, so use the "
    "dataset of step 1 (or delete the quantize_parameters section)";

bool HasWeights(const ir::Node& n) { return n.op == ir::OpKind::kConv || n.op == ir::OpKind::kGemm; }

// ---- step 1: the file's text -------------------------------------------------------------------

// float32 values print with 9 significant digits, which parse back to the same float.
std::string FormatFloat(float v) {
  if (std::isnan(v)) return ".nan";
  if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", static_cast<double>(v));
  return buf;
}

template <typename T, typename F>
std::string FlowList(const std::vector<T>& values, F format) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + format(values[i]);
  return s + "]";
}

// A tensor name as a YAML key, quoted only where plain YAML would misread it.
std::string YamlKey(const std::string& name) {
  YAML::Emitter e;
  e << name;
  return e.c_str();
}

std::string OneLine(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  return s;
}

// What step 1 writes for a quantized tensor, and what step 2 expects to read back.
HybridTensorParams ExpectedParams(const ir::Graph& g, const std::vector<TensorRange>& ranges, int id) {
  const ir::Tensor& t = g.tensor(id);
  HybridTensorParams p;
  p.scale = t.quant.scale;
  p.zero_point = t.quant.zero_point;
  if (!t.is_constant) {
    p.qtype = "asymmetric_quantized", p.qmethod = "layer", p.dtype = "int8";
    p.min = {ranges[id].min};
    p.max = {ranges[id].max};
    return p;
  }
  // Constants: per output channel (axis 0), the float range of the channel's values.
  p.qtype = "symmetric_quantized", p.qmethod = "channel";
  p.dtype = t.dtype == ir::DType::kInt32 ? "int32" : "int8";
  if (p.zero_point.empty()) p.zero_point.assign(p.scale.size(), 0);
  const size_t channels = p.scale.size(), per = channels ? t.float_data.size() / channels : 0;
  for (size_t c = 0; c < channels; ++c) {
    const auto first = t.float_data.begin() + static_cast<std::ptrdiff_t>(c * per);
    const auto [lo, hi] = std::minmax_element(first, first + static_cast<std::ptrdiff_t>(per));
    p.min.push_back(per ? *lo : 0.0f);
    p.max.push_back(per ? *hi : 0.0f);
  }
  return p;
}

void AppendEntry(std::string& text, const std::string& name, const HybridTensorParams& p) {
  const auto f = [](float v) { return FormatFloat(v); };
  const auto i = [](int32_t v) { return std::to_string(v); };
  text += "    " + YamlKey(name) + ":\n";
  text += "        qtype: " + p.qtype + "\n        qmethod: " + p.qmethod + "\n        dtype: " + p.dtype + "\n";
  text += "        min: " + FlowList(p.min, f) + "\n        max: " + FlowList(p.max, f) + "\n";
  text += "        scale: " + FlowList(p.scale, f) + "\n        zero_point: " + FlowList(p.zero_point, i) + "\n";
}

// ---- step 2: parsing -----------------------------------------------------------------------------

int LineOf(const YAML::Node& n) { return n.Mark().line + 1; }

Error FileError(const std::string& what, int line, const std::string& message, const std::string& hint) {
  return Error(what + ":" + std::to_string(line) + ": " + message, hint);
}

std::string Scalar(const YAML::Node& n, const std::string& what, const std::string& field) {
  if (!n.IsScalar()) throw FileError(what, LineOf(n), field + " must be a single value", "write `" + field + ": value`");
  return n.Scalar();
}

template <typename T>
std::vector<T> List(const YAML::Node& n, const std::string& what, const std::string& field) {
  if (!n.IsSequence()) throw FileError(what, LineOf(n), field + " must be a list", "write `" + field + ": [1.0, 2.0]`");
  std::vector<T> out;
  for (const YAML::Node& v : n) {
    T value{};
    if (!v.IsScalar() || !YAML::convert<T>::decode(v, value))
      throw FileError(what, LineOf(v), field + " holds '" + (v.IsScalar() ? v.Scalar() : std::string("?")) +
                                           "', which is not a number", "");
    out.push_back(value);
  }
  return out;
}

HybridTensorParams ParseParams(const YAML::Node& n, const std::string& what, const std::string& name) {
  if (!n.IsMap())
    throw FileError(what, LineOf(n), kParamsKey + std::string(" entry '") + name + "' must be a mapping",
                    "keep the layout step 1 wrote: qtype, qmethod, dtype, min, max, scale, zero_point");
  HybridTensorParams p;
  p.line = LineOf(n);
  for (const auto& kv : n) {
    const std::string field = Scalar(kv.first, what, "a field name");
    const YAML::Node& v = kv.second;
    if (field == "qtype") p.qtype = Scalar(v, what, field);
    else if (field == "qmethod") p.qmethod = Scalar(v, what, field);
    else if (field == "dtype") p.dtype = Scalar(v, what, field);
    else if (field == "min") p.min = List<float>(v, what, field);
    else if (field == "max") p.max = List<float>(v, what, field);
    else if (field == "scale") p.scale = List<float>(v, what, field);
    else if (field == "zero_point") p.zero_point = List<int32_t>(v, what, field);
    else
      throw FileError(what, LineOf(kv.first), "unknown field '" + field + "' in the parameters of '" + name + "'",
                      "the fields are qtype, qmethod, dtype, min, max, scale, zero_point");
  }
  return p;
}

void ParseLayers(const YAML::Node& layers, const std::string& what, HybridConfig& config) {
  if (layers.IsNull()) return;  // `custom_quantize_layers:` with nothing under it
  if (!layers.IsMap())
    throw FileError(what, LineOf(layers), std::string(kLayersKey) + " must map layer names to dtypes",
                    "write one `layer_output_name: float16` line per layer, indented under it, or `{}`");
  std::set<std::string> seen;
  for (const auto& kv : layers) {
    HybridConfig::Layer layer;
    layer.name = Scalar(kv.first, what, "a layer name");
    layer.line = LineOf(kv.first);
    layer.dtype = Scalar(kv.second, what, "the dtype of '" + layer.name + "'");
    if (!seen.insert(layer.name).second)
      throw FileError(what, layer.line, "layer '" + layer.name + "' is listed twice", "keep one line per layer");
    if (layer.dtype == "int16")
      throw FileError(what, layer.line, "dtype int16 of layer '" + layer.name + "' is not supported by rknn-sim",
                      "use float16 (or int8, the default)");
    if (layer.dtype != "float16" && layer.dtype != "int8")
      throw FileError(what, layer.line, "unknown dtype '" + layer.dtype + "' for layer '" + layer.name + "'",
                      "use float16 (or int8, the default)");
    config.custom_layers.push_back(layer);
  }
}

// ---- step 2: rewriting the graph ---------------------------------------------------------------

// fp16 weights as the fp16 path converts them (docs/quantization.md §11); biases stay fp32.
void WeightsToFp16(ir::Tensor& w, const std::string& layer) {
  std::vector<uint16_t> half(w.float_data.size());
  size_t overflow = 0;
  for (size_t i = 0; i < half.size(); ++i) {
    half[i] = FloatToHalfBits(w.float_data[i]);
    overflow += std::isinf(HalfBitsToFloat(half[i])) && !std::isinf(w.float_data[i]);
  }
  if (overflow)
    spdlog::warn("layer '{}': {} weight(s) exceed the fp16 range and become inf (troubleshooting manual §9.15)", layer,
                 overflow);
  w.dtype = ir::DType::kFloat16;
  w.quant = {};
  w.bytes.resize(half.size() * sizeof(uint16_t));
  std::memcpy(w.bytes.data(), half.data(), w.bytes.size());
}

void BiasToFloat(ir::Tensor& b) {
  b.dtype = ir::DType::kFloat32;
  b.quant = {};
  b.bytes.clear();
}

std::string UniqueName(const ir::Graph& g, const std::string& base) {
  std::string name = base;
  for (int k = 2; g.FindTensor(name) >= 0; ++k) name = base + "_" + std::to_string(k);
  return name;
}

}  // namespace

std::string HybridConfigText(const ir::Graph& g, const std::vector<TensorRange>& ranges, const std::string& model_name) {
  std::string example = "layer_output_name";
  for (const ir::Node& n : g.nodes())
    if (!n.outputs.empty()) {
      example = YamlKey(g.tensor(n.outputs[0]).name);
      break;
    }
  std::string text =
      "# Hybrid quantization config of " + OneLine(model_name) +
      ", written by `rknn-sim convert --hybrid-step1`\n"
      "# in the layout of RKNN-Toolkit2's hybrid_quantization_step1 {name}.quantization.cfg.\n"
      "#\n"
      "# custom_quantize_layers: the layers to run in float16 while the rest stays int8. Add one line per\n"
      "# layer, indented under it: the layer's output tensor name (a key of quantize_parameters below, or\n"
      "# the layer's node name) and its dtype, float16 (or int8, the default):\n"
      "#   custom_quantize_layers:\n"
      "#       " + example + ": float16\n"
      "# then build with: rknn-sim convert MODEL.onnx -t TARGET -d DATASET --hybrid-cfg THIS_FILE -o OUT\n"
      "# int8 <-> float16 conversions are inserted where int8 and float16 layers meet (docs/quantization.md).\n"
      "#\n"
      "# quantize_parameters: the int8 parameters this dataset gives every tensor (activations: asymmetric,\n"
      "# per tensor, from the observed min/max; weights: symmetric per output channel; biases: int32).\n"
      "# They are for reading: step 2 recomputes them and refuses a file whose values differ.\n";
  text += std::string(kLayersKey) + ": {}\n" + kParamsKey + ":\n";
  std::set<int> written;
  for (int id : g.inputs()) {
    if (g.tensor(id).quant.empty() || !written.insert(id).second) continue;
    text += "    # model input\n";
    AppendEntry(text, g.tensor(id).name, ExpectedParams(g, ranges, id));
  }
  for (const ir::Node& n : g.nodes()) {
    text += "    # " + OneLine(ops::ReportOpType(n)) + " '" + OneLine(n.name) + "'\n";
    for (int id : n.outputs)
      if (!g.tensor(id).quant.empty() && written.insert(id).second)
        AppendEntry(text, g.tensor(id).name, ExpectedParams(g, ranges, id));
    for (int id : n.inputs)
      if (g.tensor(id).is_constant && !g.tensor(id).quant.empty() && written.insert(id).second)
        AppendEntry(text, g.tensor(id).name, ExpectedParams(g, ranges, id));
  }
  return text;
}

HybridConfig ParseHybridConfig(const std::string& text, const std::string& what) {
  HybridConfig config;
  config.source = what;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw FileError(what, e.mark.line + 1, "malformed YAML (column " + std::to_string(e.mark.column + 1) + "): " + e.msg,
                    "keep the layout step 1 wrote: `custom_quantize_layers:` then indented `name: float16` lines");
  }
  if (!root.IsMap())
    throw Error(what + ": not a hybrid quantization config (expected `" + kLayersKey + ":` and `" + kParamsKey + ":`)",
                "write it with rknn-sim convert --hybrid-step1");
  try {
    for (const auto& kv : root) {
      const std::string key = Scalar(kv.first, what, "a section name");
      if (key != kLayersKey && key != kParamsKey)
        throw FileError(what, LineOf(kv.first), "unknown section '" + key + "'",
                        std::string("the sections are ") + kLayersKey + " and " + kParamsKey);
    }
    const YAML::Node layers = root[kLayersKey];
    if (!layers)
      throw Error(what + ": no `" + kLayersKey + ":` section", "add `custom_quantize_layers:` with the float16 layers");
    ParseLayers(layers, what, config);
    const YAML::Node params = root[kParamsKey];
    config.has_parameters = params.IsDefined() && !params.IsNull();
    if (config.has_parameters) {
      if (!params.IsMap())
        throw FileError(what, LineOf(params), std::string(kParamsKey) + " must map tensor names to parameters",
                        "keep the layout step 1 wrote");
      for (const auto& kv : params) {
        const std::string name = Scalar(kv.first, what, "a tensor name");
        config.parameters.emplace_back(name, ParseParams(kv.second, what, name));
      }
    }
  } catch (const YAML::Exception& e) {  // e.g. a key that is itself a list
    throw FileError(what, e.mark.line + 1, "unexpected YAML: " + e.msg, "keep the layout step 1 wrote");
  }
  return config;
}

HybridConfig LoadHybridConfig(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  return ParseHybridConfig(std::string(bytes.begin(), bytes.end()), path);
}

std::vector<bool> Float16Nodes(const ir::Graph& g, const std::vector<TensorRange>& ranges, const HybridConfig& config) {
  const std::vector<int> producers = g.Producers();
  const std::string listed_hint = "name a layer by its output tensor, as listed under quantize_parameters";
  std::vector<bool> fp16(g.nodes().size(), false);
  for (const HybridConfig::Layer& layer : config.custom_layers) {
    int node = -1;
    const int id = g.FindTensor(layer.name);
    if (id >= 0 && producers[id] >= 0) {
      node = producers[id];
    } else if (id >= 0 && g.tensor(id).is_constant) {
      throw FileError(config.source, layer.line, "'" + layer.name + "' is a constant (weights or bias), not a layer",
                      listed_hint);
    } else if (id >= 0) {
      throw FileError(config.source, layer.line, "'" + layer.name + "' is a model input, not a layer",
                      "model inputs stay int8; name the layers that read it");
    } else {
      for (size_t i = 0; i < g.nodes().size(); ++i)
        if (g.nodes()[i].name == layer.name) {
          if (node >= 0)
            throw FileError(config.source, layer.line, "node name '" + layer.name + "' is ambiguous", listed_hint);
          node = static_cast<int>(i);
        }
      if (node < 0) throw FileError(config.source, layer.line, "unknown layer '" + layer.name + "'", listed_hint);
    }
    if (layer.dtype == "float16") fp16[static_cast<size_t>(node)] = true;
  }
  // The parameters section is read-only (the header says so): refuse edits rather than ignore them.
  for (const auto& [name, p] : config.parameters) {
    const int id = g.FindTensor(name);
    if (id < 0 || g.tensor(id).quant.empty())
      throw FileError(config.source, p.line, std::string(kParamsKey) + ": unknown tensor '" + name + "'",
                      "the file was written for another model or options; rerun --hybrid-step1");
    const HybridTensorParams want = ExpectedParams(g, ranges, id);
    const auto same = [](const std::vector<float>& a, const std::vector<float>& b) {
      return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](float x, float y) {
               return x == y || (std::isnan(x) && std::isnan(y));
             });
    };
    std::string field;
    if (p.qtype != want.qtype) field = "qtype";
    else if (p.qmethod != want.qmethod) field = "qmethod";
    else if (p.dtype != want.dtype) field = "dtype";
    else if (!same(p.min, want.min)) field = "min";
    else if (!same(p.max, want.max)) field = "max";
    else if (!same(p.scale, want.scale)) field = "scale";
    else if (p.zero_point != want.zero_point) field = "zero_point";
    if (!field.empty())
      throw FileError(config.source, p.line,
                      std::string(kParamsKey) + ": " + field + " of '" + name + "' differs from this build's", kEditHint);
  }
  return fp16;
}

int MakeHybrid(ir::Graph& g, const std::vector<bool>& fp16_nodes) {
  const auto fp16_node = [&](size_t i) { return i < fp16_nodes.size() && fp16_nodes[i]; };
  // Weights shared with an int8 layer are duplicated, so each layer keeps its own type.
  std::vector<int> int8_readers(g.tensors().size(), 0);
  for (size_t i = 0; i < g.nodes().size(); ++i)
    if (!fp16_node(i))
      for (int id : g.nodes()[i].inputs) ++int8_readers[static_cast<size_t>(id)];

  std::vector<ir::QuantParams> int8_params(g.tensors().size());  // of tensors that become fp16
  for (size_t i = 0; i < g.nodes().size(); ++i) {
    if (!fp16_node(i)) continue;
    ir::Node& n = g.nodes()[i];
    for (int id : n.outputs) {
      ir::Tensor& t = g.tensor(id);
      int8_params[static_cast<size_t>(id)] = t.quant;
      t.quant = {};
      t.dtype = ir::DType::kFloat16;
    }
    if (!HasWeights(n)) continue;
    for (size_t k = 1; k < n.inputs.size() && k < 3; ++k) {
      int id = n.inputs[k];
      if (int8_readers[static_cast<size_t>(id)] > 0) {
        ir::Tensor copy = g.tensor(id);
        copy.name = UniqueName(g, copy.name + "/float16");
        id = n.inputs[k] = g.AddTensor(copy);
      }
      if (k == 1) WeightsToFp16(g.tensor(id), n.name);
      else BiasToFloat(g.tensor(id));
    }
  }

  // Insert a Convert right before the first reader that needs the other type; later readers of
  // the same tensor in that type share it.
  std::map<std::pair<int, bool>, int> converted;  // (tensor, to fp16) -> converted tensor
  std::vector<ir::Node> nodes;
  int inserted = 0;
  for (size_t i = 0; i < g.nodes().size(); ++i) {
    ir::Node n = g.nodes()[i];
    const bool want_fp16 = fp16_node(i);
    for (int& in : n.inputs) {
      const ir::Tensor& src = g.tensor(in);
      if (src.is_constant || (src.dtype == ir::DType::kFloat16) == want_fp16) continue;
      const auto key = std::make_pair(in, want_fp16);
      auto it = converted.find(key);
      if (it == converted.end()) {
        ir::Tensor t;
        t.name = UniqueName(g, src.name + (want_fp16 ? "/float16" : "/int8"));
        t.shape = src.shape;
        t.dtype = want_fp16 ? ir::DType::kFloat16 : ir::DType::kInt8;
        // fp16 -> int8 uses the parameters the tensor had as int8 (its calibrated range).
        if (!want_fp16) t.quant = int8_params[static_cast<size_t>(in)];
        ir::Node convert;
        convert.op = ir::OpKind::kConvert;
        convert.name = t.name;
        convert.inputs = {in};
        convert.outputs = {g.AddTensor(t)};
        it = converted.emplace(key, convert.outputs[0]).first;
        nodes.push_back(convert);
        ++inserted;
      }
      in = it->second;
    }
    nodes.push_back(n);
  }
  g.nodes() = std::move(nodes);
  return inserted;
}

HybridConfig PrepareHybrid(const HybridOptions& options, bool do_quantization) {
  if (options.step1_path.empty() && options.cfg_path.empty()) return {};
  if (!do_quantization)
    throw Error("hybrid quantization needs an int8 build", "drop --no-quant and pass -d dataset.txt");
  if (!options.step1_path.empty() && !options.cfg_path.empty())
    throw Error("--hybrid-step1 and --hybrid-cfg are two separate builds",
                "first write the config with --hybrid-step1, edit it, then build with --hybrid-cfg");
  return options.cfg_path.empty() ? HybridConfig{} : LoadHybridConfig(options.cfg_path);
}

void ApplyHybrid(ir::Graph& graph, const std::vector<TensorRange>& ranges, const HybridOptions& options,
                 const HybridConfig& config, const std::string& model_name) {
  if (!options.step1_path.empty()) {
    const std::string text = HybridConfigText(graph, ranges, model_name);
    WriteFileBytes(options.step1_path, text.data(), text.size());
    spdlog::info("wrote {}: add `name: float16` lines under custom_quantize_layers, then build with it (convert "
                 "--hybrid-cfg, hybrid_quantization_step2)",
                 options.step1_path);
    return;
  }
  if (options.cfg_path.empty()) return;
  const std::vector<bool> fp16 = Float16Nodes(graph, ranges, config);
  const auto layers = std::count(fp16.begin(), fp16.end(), true);
  if (layers == 0) spdlog::warn("{}: no float16 layer in custom_quantize_layers; the model stays all int8", config.source);
  const int converts = MakeHybrid(graph, fp16);
  spdlog::info("hybrid quantization: {} layer(s) in float16, {} int8/float16 conversion(s)", layers, converts);
}

}  // namespace rknnsim::quant
