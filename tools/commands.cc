#include "tools/commands.h"

#include <cmath>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/npy.h"
#include "compiler/frontend/onnx_importer.h"
#include "compiler/quant/dataset.h"
#include "compiler/reference/float_executor.h"
#include "compiler/reference/fp16_range.h"
#include "compiler/reference/quant_executor.h"
#include "compiler/lower/core_split.h"
#include "isa/disasm.h"
#include "runtime/batch_io.h"
#include "runtime/board_dump_dir.h"
#include "runtime/converter.h"
#include "runtime/dynamic_shapes.h"
#include "runtime/model_file.h"
#include "runtime/quality_report.h"
#include "runtime/reports.h"
#include "runtime/tensor_io.h"
#include "runtime/trace.h"
#include "sim/simulator.h"
#include "tools/convert_config.h"

namespace rknnsim::tools {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void WriteOutputs(const std::string& dir, const ir::Graph& graph, const std::vector<std::vector<float>>& outputs) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error("cannot create output directory '" + dir + "': " + ec.message());
  for (size_t i = 0; i < outputs.size(); ++i) {
    const ir::Tensor& t = graph.tensor(graph.outputs()[i]);
    const std::string path = dir + "/" + OutputFileName(i, t.name);
    WriteNpy(path, t.shape, outputs[i]);
    spdlog::info("wrote {} {}", path, ir::ShapeToString(t.shape));
  }
}

// Outputs of a compiled model, named by the graph and shaped like the program's outputs (batch N).
void WriteModelOutputs(const std::string& dir, const runtime::CompiledModel& model,
                       const std::vector<std::vector<float>>& outputs) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error("cannot create output directory '" + dir + "': " + ec.message());
  for (size_t i = 0; i < outputs.size(); ++i) {
    const isa::IoTensor& io = model.program.outputs[i];
    const std::string path = dir + "/" + OutputFileName(i, model.graph.tensor(model.graph.outputs()[i]).name);
    WriteNpy(path, io.shape, outputs[i]);
    spdlog::info("wrote {} {}", path, ir::ShapeToString(io.shape));
  }
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  for (size_t comma; (comma = text.find(',', start)) != std::string::npos; start = comma + 1)
    items.push_back(text.substr(start, comma - start));
  items.push_back(text.substr(start));
  return items;
}

void WriteJson(const std::string& path, const nlohmann::json& json) {
  std::ofstream out(path);
  if (!out) throw Error("cannot write '" + path + "'");
  out << json.dump(2) << "\n";
}

// A JSON list of shapes (one per input), or with `sets` a list of such lists (dynamic_input).
std::vector<std::vector<ir::Shape>> ShapeLists(const std::string& flag, const std::string& text, bool sets) {
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  auto bad = [&] {
    return Error(flag + " '" + text + "' is not a list of " + (sets ? "shape lists" : "shapes"),
                 sets ? "write it like Python, one list of input shapes per set: '[[[1,3,224,224]],[[1,3,320,320]]]'"
                      : "write it like Python: '[[1,3,224,224],[1,10]]'");
  };
  auto shape_list = [&](const nlohmann::json& shapes) {
    if (!shapes.is_array() || shapes.empty()) throw bad();
    std::vector<ir::Shape> out;
    for (const auto& shape : shapes) {
      if (!shape.is_array() || shape.empty()) throw bad();
      ir::Shape dims;
      for (const auto& d : shape) {
        if (!d.is_number_integer() || d.get<int64_t>() <= 0) throw bad();
        dims.push_back(d.get<int64_t>());
      }
      out.push_back(dims);
    }
    return out;
  };
  if (!sets) return {parsed.is_array() && parsed.empty() ? std::vector<ir::Shape>{} : shape_list(parsed)};
  if (!parsed.is_array() || parsed.empty()) throw bad();
  std::vector<std::vector<ir::Shape>> out;
  for (const auto& set : parsed) out.push_back(shape_list(set));
  return out;
}

frontend::OnnxLoadOptions LoadOptions(const CommandOptions& o) {
  frontend::OnnxLoadOptions load;
  load.inputs = o.cut_inputs;
  load.outputs = o.cut_outputs;
  if (!o.input_size_list.empty()) load.input_size_list = ShapeLists("--input-size-list", o.input_size_list, false)[0];
  return load;
}

// A JSON list of per-input, per-channel values such as --mean-values '[[0,0,0],[127.5]]'.
std::vector<std::vector<float>> PerInputValues(const std::string& flag, const std::string& text) {
  std::vector<std::vector<float>> values;
  if (text.empty()) return values;
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  auto bad = [&] {
    return Error(flag + " '" + text + "' is not a list of per-channel lists",
                 "write it like Python, one list per input: '[[123.675,116.28,103.53]]'");
  };
  if (!parsed.is_array() || parsed.empty()) throw bad();
  for (const auto& list : parsed) {
    if (!list.is_array() || list.empty()) throw bad();
    std::vector<float> channels;
    for (const auto& v : list) {
      if (!v.is_number()) throw bad();
      channels.push_back(v.get<float>());
    }
    values.push_back(channels);
  }
  return values;
}

}  // namespace

std::string OutputFileName(size_t index, const std::string& tensor_name) {
  return std::to_string(index) + "_" + runtime::TensorFileStem(tensor_name) + ".npy";
}

runtime::ConvertOptions ToConvertOptions(const CommandOptions& o) {
  runtime::ConvertOptions options;
  options.target = o.target;
  options.dataset = o.dataset;
  options.do_quantization = !o.no_quant;
  options.load = LoadOptions(o);
  options.config.mean_values = PerInputValues("--mean-values", o.mean_values);
  options.config.std_values = PerInputValues("--std-values", o.std_values);
  options.config.quant_img_rgb2bgr = o.quant_img_rgb2bgr;
  options.config.quantized_algorithm = o.quantized_algorithm;
  options.config.quantized_method = o.quantized_method;
  options.config.optimization_level = o.optimization_level;
  options.hybrid.step1_path = o.hybrid_step1;
  options.hybrid.cfg_path = o.hybrid_cfg;
  options.batch_size = o.batch_size;
  if (!o.dynamic_input.empty()) options.dynamic_input = ShapeLists("--dynamic-input", o.dynamic_input, true);
  if (o.no_quant && !o.dataset.empty()) spdlog::warn("--no-quant given: the dataset is not used");
  if (o.no_quant) options.dataset.clear();
  return options;
}

void CheckOutputFile(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path file(path);
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  if (fs::is_directory(file, ec)) throw Error("cannot write '" + path + "': it is a directory", "give a file name");
  if (!fs::is_directory(dir, ec))
    throw Error("cannot write '" + path + "': directory '" + dir.string() + "' does not exist", "create it first");
  if (access(dir.c_str(), W_OK) != 0)
    throw Error("cannot write '" + path + "': directory '" + dir.string() + "' is not writable",
                "choose a directory you can write to");
}

isa::Program OnCores(const isa::Program& program, const isa::PlatformConfig& platform, const std::string& mask) {
  return lower::PlaceOnCores(program, lower::ParseCoreMask(mask), platform);
}

int Convert(const CommandOptions& flags) {
  // With -c, the model.yml's settings plus the flags; the model file goes to -o or <name>.rknnsim.
  const CommandOptions o = WithConvertConfig(flags, /*names_output=*/true);
  runtime::ConvertOptions options = ToConvertOptions(o);
  if (o.no_quant && !o.quant_report.empty()) spdlog::warn("--no-quant given: no quantization quality report");
  // The report runs the calibration set through both references again: only when it is shown.
  quant::QualityReport quality;
  const bool show_quality = spdlog::default_logger()->should_log(spdlog::level::info);
  if (!o.no_quant && (show_quality || !o.quant_report.empty())) options.quality = &quality;
  const runtime::CompiledModel model = runtime::ConvertOnnx(o.model, options);
  runtime::SaveModelFile(o.output, model);
  spdlog::info("wrote {}", o.output);
  if (options.quality) {
    if (show_quality) std::fputs(runtime::FormatQualityTable(quality).c_str(), stdout);
    if (!o.quant_report.empty()) {
      WriteJson(o.quant_report, runtime::QualityToJson(quality));
      spdlog::info("wrote {}", o.quant_report);
    }
  }
  return 0;
}

// fp16 outputs holding inf/nan: name the layer that left the fp16 range (manual §9.15).
void WarnFp16Overflow(const runtime::CompiledModel& model, const quant::Sample& inputs,
                      const std::vector<std::vector<float>>& outputs) {
  const ir::Graph& graph = model.graph;
  // The float replay runs the batch-1 graph, so a batched model is checked on its first image.
  if (!reference::IsFp16Graph(graph) || model.program.batch != 1) return;
  size_t bad = 0;
  for (const auto& out : outputs)
    for (float v : out) bad += !std::isfinite(v);
  if (bad == 0) return;
  const reference::Fp16Overflow at = reference::FirstFp16Overflow(graph, inputs);
  if (at.node < 0) {
    spdlog::warn("{} output value(s) are inf/nan in fp16 (manual §9.15)", bad);
    return;
  }
  spdlog::warn("{} output value(s) are inf/nan: layer '{}' reaches {:g} in float32, beyond fp16's ±65504 (manual "
               "§9.15); quantize the model (drop --no-quant) or scale down this layer's inputs or weights",
               bad, graph.nodes()[static_cast<size_t>(at.node)].name, at.peak);
}

int Run(const CommandOptions& o) {
  if (o.reference == "float" || EndsWith(o.model, ".onnx")) {
    if (o.reference != "float")
      throw Error("'" + o.model + "' is an ONNX model", "compile it with `rknn-sim convert`, or pass --reference float");
    const ir::Graph graph = frontend::ImportOnnxFile(o.model, LoadOptions(o));
    const quant::Sample inputs = quant::LoadInputs(o.inputs, graph);
    WriteOutputs(o.output, graph, reference::RunFloat(graph, inputs));
    return 0;
  }
  // A model built with dynamic_input runs the shape set its inputs have.
  const runtime::CompiledModel model = runtime::ForInputFiles(runtime::LoadModelFile(o.model), o.inputs);
  const quant::Sample inputs = runtime::LoadModelInputs(o.inputs, model);
  if (o.reference == "int8") {
    const std::vector<std::vector<float>> outputs = runtime::RunReferenceModel(model, inputs);
    WarnFp16Overflow(model, inputs, outputs);
    WriteModelOutputs(o.output, model, outputs);
    return 0;
  }
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(model.program.target);
  const runtime::SimulatedRun run =
      runtime::SimulateModel(model, OnCores(model.program, platform, o.core_mask), platform, inputs);
  spdlog::info("simulated {} on {} (core mask {}): {:.1f} us", o.model, model.program.target, o.core_mask,
               run.total_time_us);
  WarnFp16Overflow(model, inputs, run.outputs);
  WriteModelOutputs(o.output, model, run.outputs);
  return 0;
}

// A model built with dynamic_input: one perf_debug table per input shape set, each set simulated
// alone. JSON: the first set's report under the keys a one-shape model has, the others in a list
// under "dynamic_shapes", each with its "input_shapes".
int PerfShapeSets(const CommandOptions& o, const runtime::CompiledModel& model, const std::string& mask) {
  if (!o.csv.empty() || !o.trace.empty())
    throw Error("--csv and --trace write one shape set's results, and '" + o.model + "' holds " +
                    std::to_string(model.dynamic_shapes.size() + 1),
                "run perf without them, or on a model built for one input shape");
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(model.program.target);
  nlohmann::json json, others = nlohmann::json::array();
  const std::vector<runtime::CompiledModel> sets = runtime::ShapeSetModels(model);
  for (size_t k = 0; k < sets.size(); ++k) {
    const isa::Program program = OnCores(sets[k].program, platform, mask);
    const std::vector<sim::ProgramLoad> loads = {{&program, {}, nullptr}};
    const sim::SimulationResult result = sim::SimulateConcurrent(loads, platform)[0];
    const runtime::PerfReport report = runtime::BuildPerfReport(program, platform, result);
    const std::string shapes = runtime::ShapeSetText(runtime::InputShapeSets(sets[k])[0]);
    std::printf("%sInput shapes %s (set %zu of %zu, dynamic_input)\n", k ? "\n" : "", shapes.c_str(), k + 1, sets.size());
    std::printf("Target: %s (%s), NPU %.0f MHz, timing-only simulation\n", program.target.c_str(),
                platform.platform.c_str(), platform.clock_mhz);
    std::fputs(runtime::FormatPerfTable(report).c_str(), stdout);
    nlohmann::json one = runtime::PerfToJson(report);
    one["input_shapes"] = runtime::InputShapeSets(sets[k])[0];
    (k == 0 ? json : others.emplace_back()) = std::move(one);
  }
  json["dynamic_shapes"] = std::move(others);
  if (!o.json.empty()) WriteJson(o.json, json);
  return 0;
}

// One model: the board's perf_debug table. Several models: each on the cores of its mask, all
// at the same time sharing DDR, one table per model and the time until the last one finished.
int Perf(const CommandOptions& o) {
  std::vector<std::string> paths = {o.model};
  paths.insert(paths.end(), o.more_models.begin(), o.more_models.end());
  std::vector<std::string> masks = SplitList(o.core_mask);
  if (masks.size() != paths.size()) {
    if (masks.size() != 1 || masks[0] != "auto")
      throw Error("--core-mask lists " + std::to_string(masks.size()) + " mask(s) for " +
                      std::to_string(paths.size()) + " model(s)",
                  "give one mask per model, comma-separated, e.g. --core-mask 0,1");
    masks.assign(paths.size(), "auto");
  }
  std::vector<runtime::CompiledModel> models;
  for (const std::string& path : paths) models.push_back(runtime::LoadModelFile(path));
  if (models.size() == 1 && !models[0].dynamic_shapes.empty()) return PerfShapeSets(o, models[0], masks[0]);
  for (size_t k = 0; k < models.size(); ++k)
    if (!models[k].dynamic_shapes.empty())
      spdlog::info("'{}' holds {} input shape sets; simulated together with other models, its first set runs",
                   paths[k], models[k].dynamic_shapes.size() + 1);
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(models[0].program.target);
  std::vector<isa::Program> programs;
  for (size_t k = 0; k < models.size(); ++k) {
    if (isa::PlatformForTarget(models[k].program.target) != platform.platform)
      throw Error("'" + paths[k] + "' is compiled for " + models[k].program.target + ", '" + paths[0] + "' for " +
                      models[0].program.target,
                  "models simulated together must target the same platform");
    programs.push_back(OnCores(models[k].program, platform, masks[k]));
  }
  std::vector<sim::ProgramLoad> loads;
  for (const isa::Program& p : programs) loads.push_back({&p, {}, nullptr});
  const std::vector<sim::SimulationResult> results = sim::SimulateConcurrent(loads, platform);

  nlohmann::json json_models = nlohmann::json::array();
  double makespan = 0;
  for (size_t k = 0; k < programs.size(); ++k) {
    const runtime::PerfReport report = runtime::BuildPerfReport(programs[k], platform, results[k]);
    if (programs.size() > 1) std::printf("Model %zu: %s, core mask %s\n", k, paths[k].c_str(), masks[k].c_str());
    std::printf("Target: %s (%s), NPU %.0f MHz, timing-only simulation\n", programs[k].target.c_str(),
                platform.platform.c_str(), platform.clock_mhz);
    std::fputs(runtime::FormatPerfTable(report).c_str(), stdout);
    json_models.push_back(runtime::PerfToJson(report));
    makespan = std::max(makespan, results[k].total_time_us);
  }
  if (programs.size() > 1) std::printf("All %zu models done after (us): %.0f\n", programs.size(), makespan);
  if (!o.json.empty())
    WriteJson(o.json, programs.size() == 1 ? json_models[0]
                                           : nlohmann::json{{"models", json_models}, {"total_time_us", makespan}});
  if (!o.trace.empty()) WriteJson(o.trace, runtime::BuildTrace(programs[0], platform, results[0]));
  if (!o.csv.empty()) {
    if (programs.size() > 1) throw Error("--csv writes one model's table", "run perf once per model for CSV files");
    std::ofstream out(o.csv);
    if (!out) throw Error("cannot write '" + o.csv + "'");
    out << runtime::PerfToCsv(runtime::BuildPerfReport(programs[0], platform, results[0]));
  }
  return 0;
}

int Disasm(const CommandOptions& o) {
  const runtime::CompiledModel model = runtime::LoadModelFile(o.model);
  std::fputs(isa::Disassemble(model.program).c_str(), stdout);
  return 0;
}

// A model built with dynamic_input: one report per input shape set, as `perf` gives them (the
// toolkit reports only the largest set).
int Memory(const CommandOptions& o) {
  const runtime::CompiledModel model = runtime::LoadModelFile(o.model);
  const std::vector<runtime::CompiledModel> sets = runtime::ShapeSetModels(model);
  nlohmann::json json, others = nlohmann::json::array();
  for (size_t k = 0; k < sets.size(); ++k) {
    const runtime::MemoryReport report = runtime::BuildMemoryReport(sets[k].program);
    if (sets.size() > 1)
      std::printf("%sInput shapes %s (set %zu of %zu, dynamic_input)\n", k ? "\n" : "",
                  runtime::ShapeSetText(runtime::InputShapeSets(sets[k])[0]).c_str(), k + 1, sets.size());
    std::fputs(runtime::FormatMemoryReport(report).c_str(), stdout);
    nlohmann::json one = runtime::MemoryToJson(report);
    if (sets.size() > 1) one["input_shapes"] = runtime::InputShapeSets(sets[k])[0];
    (k == 0 ? json : others.emplace_back()) = std::move(one);
  }
  if (sets.size() > 1) json["dynamic_shapes"] = std::move(others);
  if (!o.json.empty()) WriteJson(o.json, json);
  return 0;
}

}  // namespace rknnsim::tools
