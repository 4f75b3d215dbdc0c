#include "runtime/board_dump_dir.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "common/error.h"
#include "compiler/quant/arithmetic.h"
#include "compiler/reference/quant_executor.h"

namespace rknnsim::runtime {
namespace fs = std::filesystem;
namespace {

// The first existing file among `names` in `dir`; "" when none; Error when several exist, since
// comparing against the wrong one would pass or fail silently.
std::string OneOf(const std::string& dir, const std::vector<std::string>& names, const std::string& what) {
  std::vector<std::string> found;
  for (const std::string& name : names)
    if (std::find(found.begin(), found.end(), name) == found.end() && fs::is_regular_file(dir + "/" + name))
      found.push_back(name);
  if (found.size() > 1)
    throw Error(what + " has " + std::to_string(found.size()) + " files in '" + dir + "': " + found[0] + " and " +
                    found[1],
                "keep one of them");
  return found.empty() ? std::string() : dir + "/" + found[0];
}

std::string Listing(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& n : names) text += (text.empty() ? "" : ", ") + n;
  return text;
}

void RequireDirectory(const std::string& dir, const std::string& flag) {
  if (!fs::is_directory(dir)) throw Error(flag + " '" + dir + "' is not a directory");
}

bool IsLayerTensor(const ir::Tensor& t) {
  if (t.is_constant) return false;
  return t.dtype == ir::DType::kFloat16 || (t.dtype == ir::DType::kInt8 && !t.quant.empty() && !t.quant.per_channel());
}

constexpr int kAmbiguousStem = -1;

// Internal tensors by file stem: the graph's inputs and its nodes' outputs (graph passes leave
// replaced tensors behind under the same name; the live one is the last, as in FindTensor).
// Two different names with one stem ("blk/add:0", "blk/add_0") make the stem ambiguous: a dump
// of that name could be either. Model outputs are compared as outputs, not here.
std::map<std::string, int> LayerTensorsByStem(const ir::Graph& graph) {
  std::map<std::string, int> by_stem;
  const std::set<int> outputs(graph.outputs().begin(), graph.outputs().end());
  auto add = [&](int id) {
    if (!IsLayerTensor(graph.tensor(id)) || outputs.count(id)) return;
    const auto [it, inserted] = by_stem.emplace(TensorFileStem(graph.tensor(id).name), id);
    if (inserted || it->second == kAmbiguousStem) return;
    it->second = graph.tensor(it->second).name == graph.tensor(id).name ? id : kAmbiguousStem;
  };
  for (int id : graph.inputs()) add(id);
  for (const ir::Node& node : graph.nodes())
    for (int id : node.outputs) add(id);
  return by_stem;
}

// The simulator's values of the tensors `ids`, every image of the batch stacked.
std::map<int, SimTensor> SimulatedLayers(const CompiledModel& model, const quant::Sample& inputs,
                                         const std::set<int>& ids) {
  const ir::Graph& graph = model.graph;
  const uint32_t batch = std::max<uint32_t>(model.program.batch, 1);
  std::map<int, SimTensor> layers;
  for (int id : ids) {
    const ir::Tensor& t = graph.tensor(id);
    SimTensor& s = layers[id];
    s.name = t.name;
    s.shape = t.shape;
    if (!s.shape.empty()) s.shape[0] *= batch;
    s.int8 = t.dtype == ir::DType::kInt8;
    if (s.int8) s.scale = t.quant.scale[0], s.zero_point = t.quant.zero_point[0];
  }
  for (uint32_t b = 0; b < batch; ++b) {
    quant::Sample image;
    for (const std::vector<float>& in : inputs) {
      const size_t n = in.size() / batch;
      image.emplace_back(in.begin() + b * n, in.begin() + (b + 1) * n);
    }
    const reference::QuantValues values = reference::RunQuantizedAll(graph, image);
    for (auto& [id, s] : layers) {
      if (!s.int8) {
        s.values.insert(s.values.end(), values.fp16[id].begin(), values.fp16[id].end());
        continue;
      }
      for (int8_t q : values.int8[id]) s.values.push_back(quant::DequantizeValue(q, s.scale, s.zero_point));
    }
  }
  return layers;
}

}  // namespace

std::vector<std::string> OutputDumpPaths(const std::string& board_dir, const std::vector<SimTensor>& outputs) {
  RequireDirectory(board_dir, "--board");
  std::vector<std::string> paths;
  for (size_t k = 0; k < outputs.size(); ++k) {
    const std::string stem = TensorFileStem(outputs[k].name);
    const std::vector<std::string> names = {"output_" + std::to_string(k) + ".npy",
                                            std::to_string(k) + "_" + stem + ".npy", stem + ".npy"};
    const std::string what = "output " + std::to_string(k) + " '" + outputs[k].name + "'";
    const std::string path = OneOf(board_dir, names, what);
    if (path.empty())
      throw Error("no board dump for " + what + " in '" + board_dir + "' (looked for " + Listing(names) + ")",
                  "save every output of rknn_outputs_get with numpy.save as output_<index>.npy");
    paths.push_back(path);
  }
  return paths;
}

std::string TensorFileStem(const std::string& tensor_name) {
  std::string safe;
  for (char c : tensor_name) safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  return safe;
}

std::vector<std::string> FindInputFiles(const std::string& inputs_dir, const std::vector<std::string>& names) {
  RequireDirectory(inputs_dir, "--inputs");
  std::vector<std::string> paths;
  for (size_t k = 0; k < names.size(); ++k) {
    const std::string& name = names[k];
    const std::vector<std::string> files = {"input_" + std::to_string(k) + ".npy", TensorFileStem(name) + ".npy"};
    const std::string path = OneOf(inputs_dir, files, "input " + std::to_string(k) + " '" + name + "'");
    if (path.empty())
      throw Error("no file for input " + std::to_string(k) + " '" + name + "' in '" + inputs_dir + "' (looked for " +
                      Listing(files) + ")",
                  "save the model's inputs with numpy.save as input_0.npy, input_1.npy, ... in input order");
    paths.push_back(path);
  }
  return paths;
}

std::vector<std::string> FindInputFiles(const std::string& inputs_dir, const CompiledModel& model) {
  std::vector<std::string> names;
  for (size_t k = 0; k < model.program.inputs.size(); ++k) names.push_back(model.graph.tensor(model.graph.inputs()[k]).name);
  return FindInputFiles(inputs_dir, names);
}

std::vector<SimTensor> ModelOutputs(const CompiledModel& model) {
  std::vector<SimTensor> outputs;
  for (size_t k = 0; k < model.program.outputs.size(); ++k) {
    const isa::IoTensor& io = model.program.outputs[k];
    SimTensor s;
    s.name = model.graph.tensor(model.graph.outputs()[k]).name;
    s.shape = io.shape;
    s.int8 = io.surface.type == isa::ElemType::kInt8;
    s.scale = io.scale;
    s.zero_point = io.zero_point;
    outputs.push_back(std::move(s));
  }
  return outputs;
}

void CheckOutputDumps(const std::string& board_dir, const std::vector<SimTensor>& outputs) {
  const std::vector<std::string> paths = OutputDumpPaths(board_dir, outputs);
  for (size_t k = 0; k < outputs.size(); ++k) BoardValues(outputs[k], ReadNpy(paths[k]), paths[k]);
}

namespace {

// Compares every output with its dump; returns the other .npy files of the board dir, in name order.
std::vector<std::string> CompareOutputs(const std::vector<SimTensor>& outputs, const std::string& board_dir,
                                        const CompareThresholds& thresholds, CompareReport& report) {
  report.board_dir = board_dir;
  report.thresholds = thresholds;
  std::set<std::string> used;
  const std::vector<std::string> paths = OutputDumpPaths(board_dir, outputs);
  for (size_t k = 0; k < outputs.size(); ++k) {
    used.insert(fs::path(paths[k]).filename().string());
    report.outputs.push_back(CompareWithBoard(outputs[k], ReadNpy(paths[k]), paths[k], thresholds));
    report.outputs.back().index = static_cast<int>(k);
  }
  std::vector<std::string> files;
  for (const fs::directory_entry& e : fs::directory_iterator(board_dir))
    if (e.is_regular_file() && e.path().extension() == ".npy" && !used.count(e.path().filename().string()))
      files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

CompareReport CompareBoardOutputs(const std::vector<SimTensor>& outputs, const std::string& board_dir,
                                  const CompareThresholds& thresholds) {
  CompareReport report;
  for (const std::string& file : CompareOutputs(outputs, board_dir, thresholds, report))
    report.ignored_files.push_back(board_dir + "/" + file);
  return report;
}

CompareReport CompareBoardDir(const CompiledModel& model, const quant::Sample& inputs,
                              const std::vector<SimTensor>& outputs, const std::string& board_dir,
                              const CompareThresholds& thresholds) {
  CompareReport report;
  report.target = model.program.target;
  // Per-layer dumps: every other .npy of the board dir, in name order.
  const std::vector<std::string> files = CompareOutputs(outputs, board_dir, thresholds, report);
  const std::map<std::string, int> by_stem = LayerTensorsByStem(model.graph);
  std::vector<std::pair<std::string, int>> layer_files;
  std::set<int> ids;
  for (const std::string& file : files) {
    const auto it = by_stem.find(fs::path(file).stem().string());
    if (it == by_stem.end()) {
      report.ignored_files.push_back(board_dir + "/" + file);
      continue;
    }
    if (it->second == kAmbiguousStem)
      throw Error("'" + board_dir + "/" + file + "' could be the dump of several tensors whose names differ only in "
                      "characters a file name cannot hold",
                  "rename the dump, or remove it to compare the outputs only");
    layer_files.emplace_back(board_dir + "/" + file, it->second);
    ids.insert(it->second);
  }
  if (ids.empty()) return report;
  const std::map<int, SimTensor> layers = SimulatedLayers(model, inputs, ids);
  for (const auto& [path, id] : layer_files)
    report.layers.push_back(CompareWithBoard(layers.at(id), ReadNpy(path), path, thresholds));
  return report;
}

}  // namespace rknnsim::runtime
