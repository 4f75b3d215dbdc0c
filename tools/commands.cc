#include "tools/commands.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/npy.h"
#include "compiler/frontend/onnx_importer.h"
#include "compiler/quant/dataset.h"
#include "compiler/reference/float_executor.h"
#include "compiler/reference/quant_executor.h"
#include "isa/disasm.h"
#include "runtime/converter.h"
#include "runtime/cpu_runner.h"
#include "runtime/model_file.h"
#include "runtime/quality_report.h"
#include "runtime/reports.h"
#include "runtime/tensor_io.h"
#include "runtime/trace.h"
#include "sim/simulator.h"

namespace rknnsim::tools {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Output files are named by output index and tensor name, e.g. "0_output.npy".
std::string OutputFileName(size_t index, const std::string& tensor_name) {
  std::string safe;
  for (char c : tensor_name) safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  return std::to_string(index) + "_" + safe + ".npy";
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

void WriteJson(const std::string& path, const nlohmann::json& json) {
  std::ofstream out(path);
  if (!out) throw Error("cannot write '" + path + "'");
  out << json.dump(2) << "\n";
}

frontend::OnnxLoadOptions LoadOptions(const CommandOptions& o) {
  frontend::OnnxLoadOptions load;
  load.inputs = o.cut_inputs;
  load.outputs = o.cut_outputs;
  if (o.input_size_list.empty()) return load;
  const nlohmann::json shapes = nlohmann::json::parse(o.input_size_list, nullptr, false);
  auto bad = [&] {
    return Error("--input-size-list '" + o.input_size_list + "' is not a list of shapes",
                 "write it like Python: '[[1,3,224,224],[1,10]]'");
  };
  if (!shapes.is_array()) throw bad();
  for (const auto& shape : shapes) {
    if (!shape.is_array() || shape.empty()) throw bad();
    ir::Shape dims;
    for (const auto& d : shape) {
      if (!d.is_number_integer() || d.get<int64_t>() <= 0) throw bad();
      dims.push_back(d.get<int64_t>());
    }
    load.input_size_list.push_back(dims);
  }
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

int Convert(const CommandOptions& o) {
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
  if (o.no_quant && !o.dataset.empty()) spdlog::warn("--no-quant given: the dataset is not used");
  if (o.no_quant) options.dataset.clear();
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

int Run(const CommandOptions& o) {
  if (o.reference == "float" || EndsWith(o.model, ".onnx")) {
    if (o.reference != "float")
      throw Error("'" + o.model + "' is an ONNX model", "compile it with `rknn-sim convert`, or pass --reference float");
    const ir::Graph graph = frontend::ImportOnnxFile(o.model, LoadOptions(o));
    const quant::Sample inputs = quant::LoadInputs(o.inputs, graph);
    WriteOutputs(o.output, graph, reference::RunFloat(graph, inputs));
    return 0;
  }
  const runtime::CompiledModel model = runtime::LoadModelFile(o.model);
  const quant::Sample inputs = quant::LoadInputs(o.inputs, model.graph);
  if (o.reference == "int8") {
    const reference::QuantOutputs raw = reference::RunQuantized(model.graph, inputs);
    WriteOutputs(o.output, model.graph, reference::DequantizeOutputs(model.graph, raw));
    return 0;
  }
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(model.program.target);
  std::vector<std::vector<uint8_t>> packed;
  for (size_t i = 0; i < inputs.size(); ++i) packed.push_back(runtime::PackInput(inputs[i], model.program.inputs[i]));
  const sim::CpuOpRunner cpu_runner = runtime::MakeCpuRunner(model);
  const sim::SimulationResult result = sim::Simulate(model.program, platform, packed, &cpu_runner);
  std::vector<std::vector<float>> outputs;
  for (size_t i = 0; i < result.outputs.size(); ++i)
    outputs.push_back(runtime::UnpackOutput(result.outputs[i], model.program.outputs[i]));
  spdlog::info("simulated {} on {}: {:.1f} us", o.model, model.program.target, result.total_time_us);
  WriteOutputs(o.output, model.graph, outputs);
  return 0;
}

int Perf(const CommandOptions& o) {
  const runtime::CompiledModel model = runtime::LoadModelFile(o.model);
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(model.program.target);
  const sim::SimulationResult result = sim::Simulate(model.program, platform, {});
  const runtime::PerfReport report = runtime::BuildPerfReport(model.program, platform, result);
  std::printf("Target: %s (%s), NPU %.0f MHz, timing-only simulation\n", model.program.target.c_str(),
              platform.platform.c_str(), platform.clock_mhz);
  std::fputs(runtime::FormatPerfTable(report).c_str(), stdout);
  if (!o.json.empty()) WriteJson(o.json, runtime::PerfToJson(report));
  if (!o.trace.empty()) WriteJson(o.trace, runtime::BuildTrace(model.program, platform, result));
  return 0;
}

int Disasm(const CommandOptions& o) {
  const runtime::CompiledModel model = runtime::LoadModelFile(o.model);
  std::fputs(isa::Disassemble(model.program).c_str(), stdout);
  return 0;
}

int Memory(const CommandOptions& o) {
  const runtime::CompiledModel model = runtime::LoadModelFile(o.model);
  const runtime::MemoryReport report = runtime::BuildMemoryReport(model.program);
  std::fputs(runtime::FormatMemoryReport(report).c_str(), stdout);
  if (!o.json.empty()) WriteJson(o.json, runtime::MemoryToJson(report));
  return 0;
}

}  // namespace rknnsim::tools
