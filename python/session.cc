#include "python/session.h"

#include <spdlog/spdlog.h>

#include <map>
#include <mutex>

#include "common/error.h"
#include "compiler/frontend/onnx_importer.h"
#include "compiler/lower/batch.h"
#include "compiler/lower/core_split.h"
#include "compiler/passes/normalize_inputs.h"
#include "compiler/reference/quant_executor.h"
#include "compiler/rknn/model.h"
#include "compiler/rknn/simulation.h"
#include "isa/platform_config.h"
#include "runtime/accuracy_analysis.h"
#include "runtime/batch_io.h"
#include "runtime/dynamic_shapes.h"
#include "runtime/reports.h"
#include "runtime/tensor_io.h"
#include "sim/platform_claim.h"
#include "sim/simulator.h"

namespace rknnsim::python {
namespace {

// `batch` images stacked on the leading dimension (rknn_batch_size models, runtime/batch_io.h).
std::vector<TensorInfo> Describe(const ir::Graph& graph, const std::vector<int>& ids, uint32_t batch = 1) {
  std::vector<TensorInfo> out;
  for (int id : ids) out.push_back({graph.tensor(id).name, lower::WithBatch(graph.tensor(id).shape, batch)});
  return out;
}

// Guards what inference() calls from several Python threads share with the GIL released: the
// platform cache below and each Model's placed programs. The simulation itself is serialized on
// the simulation thread (sim/simulation_thread.h).
std::mutex& SharedStateLock() {
  static std::mutex lock;
  return lock;
}

// Platform descriptions by target, parsed once per process (inference() asks on every call, and
// parsing the YAML costs milliseconds).
const isa::PlatformConfig& CachedPlatform(const std::string& target) {
  static std::map<std::string, isa::PlatformConfig> platforms;  // entries never move or go away
  std::lock_guard<std::mutex> hold(SharedStateLock());
  auto it = platforms.find(target);
  if (it == platforms.end()) it = platforms.emplace(target, isa::LoadPlatformForTarget(target)).first;
  return it->second;
}

const isa::PlatformConfig& PlatformFor(const std::string& target) {
  CheckPlatformAvailable(target);
  return CachedPlatform(target);
}

}  // namespace

OnnxInfo InspectOnnx(const std::string& onnx_path, const runtime::ConvertOptions& options) {
  const ir::Graph graph = frontend::ImportOnnxFile(onnx_path, options.load);
  passes::ValidateMeanStd(graph, options.config.mean_values, options.config.std_values);
  return {Describe(graph, graph.inputs()), Describe(graph, graph.outputs())};
}

namespace {

// A Rockchip file's program I/O (when its graph could not be imported for timing, the decoded
// program still names and shapes its tensors).
std::vector<TensorInfo> DescribeIo(const std::vector<isa::IoTensor>& ios) {
  std::vector<TensorInfo> out;
  for (const isa::IoTensor& io : ios) out.push_back({io.name, io.shape});
  return out;
}

}  // namespace

std::vector<TensorInfo> Model::Inputs() const {
  if (rockchip_exe) return DescribeIo(rockchip_exe->regcmd.program.inputs);
  return Describe(compiled.graph, compiled.graph.inputs(), compiled.program.batch);
}
std::vector<TensorInfo> Model::Outputs() const {
  if (rockchip_exe) return DescribeIo(rockchip_exe->regcmd.program.outputs);
  return Describe(compiled.graph, compiled.graph.outputs(), compiled.program.batch);
}
std::vector<TensorInfo> Model::ImageInputs() const {
  if (rockchip_exe) return DescribeIo(rockchip_exe->regcmd.program.inputs);
  return Describe(compiled.graph, compiled.graph.inputs());
}
bool Model::is_fp16() const { return reference::IsFp16Graph(compiled.graph); }

std::shared_ptr<Model> BuildModel(const std::string& onnx_path, const runtime::ConvertOptions& options) {
  auto model = std::make_shared<Model>();
  model->compiled = runtime::ConvertOnnx(onnx_path, options);
  model->onnx_path = onnx_path;
  model->options = options;
  return model;
}

std::shared_ptr<Model> LoadModel(const std::string& path) {
  auto model = std::make_shared<Model>();
  model->compiled = runtime::LoadModelFile(path);
  return model;
}

std::shared_ptr<Model> LoadRockchipModel(const std::string& path) {
  runtime::LoadedRknn loaded = runtime::LoadRknn(rknn::ReadRknnFile(path), "'" + path + "'");
  auto model = std::make_shared<Model>();
  model->compiled.source_name = path;
  model->compiled.graph = std::move(loaded.graph);
  model->compiled.program = std::move(loaded.timing_program);
  model->rockchip_path = path;
  model->rockchip_exe = loaded.exe;
  model->rockchip_refusal = loaded.refusal;
  model->rockchip_memory = loaded.memory;
  return model;
}

void ExportModel(const Model& model, const std::string& path) {
  if (!model.rockchip_path.empty())
    throw Error("'" + model.rockchip_path + "' was made by RKNN-Toolkit2; rknn-sim exports only its own model files",
                "load_onnx and build the source model to export an rknn-sim model"); runtime::SaveModelFile(path, model.compiled); }

std::vector<std::shared_ptr<Model>> ShapeSetModels(const std::shared_ptr<Model>& model) {
  if (model->compiled.dynamic_shapes.empty()) return {model};
  std::vector<std::shared_ptr<Model>> sets;
  for (runtime::CompiledModel& one : runtime::ShapeSetModels(model->compiled)) {
    auto set = std::make_shared<Model>();
    set->options = model->options;
    set->options.dynamic_input.clear();
    set->options.load.input_size_list = runtime::InputShapeSets(one)[0];
    set->onnx_path = model->onnx_path;
    set->compiled = std::move(one);
    sets.push_back(std::move(set));
  }
  return sets;
}

std::string PlatformOf(const std::string& target) { return CachedPlatform(target).platform; }

void CheckPlatformAvailable(const std::string& target) {
  sim::CheckPlatformAvailable(PlatformOf(target), "'" + target + "'",
                              "simulate each platform in its own Python process (e.g. subprocess, or "
                              "multiprocessing with the 'spawn' start method)");
}

quant::Sample LoadInputFiles(const Model& model, const std::vector<std::string>& paths) {
  if (!model.rockchip_exe) return quant::LoadInputs(paths, model.compiled.graph);
  return runtime::LoadRknnInputs(*model.rockchip_exe, paths);
}

Inference Simulate(const Model& model, const std::string& target, const quant::Sample& inputs, uint32_t core_mask) {
  if (!model.rockchip_path.empty()) {
    // The file's own program, through the path `rknn-sim run FILE.rknn` takes (same bytes out).
    CheckPlatformAvailable(target);
    if (!model.rockchip_exe)
      throw Error("'" + model.rockchip_path + "' cannot be run yet: " + model.rockchip_refusal.message(),
                  "eval_perf and eval_memory work on it; docs/rknn-format.md §8 lists what runs");
    runtime::RknnRun run = runtime::RunRknn(*model.rockchip_exe, inputs, /*reference=*/false);
    Inference result{{}, run.total_time_us};
    for (runtime::RknnOutput& out : run.outputs) result.outputs.push_back(std::move(out.values));
    return result;
  }
  const runtime::CompiledModel& m = model.compiled;
  if (inputs.size() != m.program.inputs.size())
    throw Error("the model has " + std::to_string(m.program.inputs.size()) + " input(s), got " +
                std::to_string(inputs.size()));
  const std::vector<TensorInfo> shapes = model.Inputs();  // batch N for rknn_batch_size models
  for (size_t i = 0; i < inputs.size(); ++i)
    if (static_cast<int64_t>(inputs[i].size()) != ir::NumElements(shapes[i].shape))
      throw Error("input " + std::to_string(i) + " ('" + shapes[i].name + "') has " + std::to_string(inputs[i].size()) +
                  " elements, the model's input " + ir::ShapeToString(shapes[i].shape) + " has " +
                  std::to_string(ir::NumElements(shapes[i].shape)));
  const isa::PlatformConfig& platform = PlatformFor(target);
  std::shared_ptr<const isa::Program> placed;
  {
    std::lock_guard<std::mutex> hold(SharedStateLock());
    std::shared_ptr<const isa::Program>& cached = model.placed[core_mask];
    if (!cached) cached = std::make_shared<const isa::Program>(lower::PlaceOnCores(m.program, core_mask, platform));
    placed = cached;
  }
  // As `rknn-sim run` does: a batch's images packed back to back, outputs stacked the same way.
  runtime::SimulatedRun run = runtime::SimulateModel(m, *placed, platform, inputs);
  spdlog::debug("simulated on {}: {:.1f} us", target, run.total_time_us);
  return {std::move(run.outputs), run.total_time_us};
}

Perf EvalPerf(const Model& model, const std::string& target, uint32_t core_mask) {
  const isa::PlatformConfig& platform = PlatformFor(target);
  const isa::Program program = lower::PlaceOnCores(model.compiled.program, core_mask, platform);
  const sim::SimulationResult result = sim::Simulate(program, platform, {});
  const runtime::PerfReport report = runtime::BuildPerfReport(program, platform, result);
  return {runtime::FormatPerfTable(report), runtime::PerfToJson(report)};
}

Memory EvalMemory(const Model& model) {
  const runtime::MemoryReport report =
      model.rockchip_path.empty() ? runtime::BuildMemoryReport(model.compiled.program) : model.rockchip_memory;
  return {runtime::FormatMemoryReport(report), runtime::MemoryToJson(report)};
}

std::string AccuracyAnalysis(const Model& model, const quant::Sample& inputs, const std::string& output_dir) {
  if (model.onnx_path.empty())
    throw Error("accuracy_analysis needs the float model, and a model loaded with load_rknn has none",
                "load_onnx and build the model in this RKNN object, then call accuracy_analysis");
  const ir::Graph float_graph = runtime::BuildFloatGraph(model.onnx_path, model.options);
  const runtime::AccuracyReport report = runtime::AnalyzeAccuracy(float_graph, model.compiled.graph, inputs);
  runtime::WriteAccuracyReport(output_dir, report);
  return runtime::FormatWorstLayers(report, 5);
}

}  // namespace rknnsim::python
