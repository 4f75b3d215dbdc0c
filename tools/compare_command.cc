#include "tools/compare_command.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/npy.h"
#include "runtime/batch_io.h"
#include "runtime/board_dump_dir.h"
#include "runtime/model_file.h"
#include "runtime/rknn_execution.h"
#include "tools/rknn_commands.h"

namespace rknnsim::tools {
namespace {

std::optional<double> Given(double v) { return std::isnan(v) ? std::nullopt : std::optional<double>(v); }

// CLI11's number checks let "nan" and "inf" through (and NaN is Given's "not set" marker).
const CLI::Validator kFinite(
    [](std::string& text) {
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (end == text.c_str() || *end != '\0' || !std::isfinite(v)) return "must be a finite number, got '" + text + "'";
      return std::string();
    },
    "NUMBER");

// The simulator's outputs, exactly as `rknn-sim run` computes them (SystemC platform, core mask
// auto; every mask gives the same bytes).
std::vector<std::vector<float>> SimulateOutputs(const runtime::CompiledModel& model, const quant::Sample& inputs) {
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(model.program.target);
  return runtime::SimulateModel(model, model.program, platform, inputs).outputs;
}

}  // namespace

CLI::App* AddCompareCommand(CLI::App& app, CompareOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "compare", "Compare the simulator's outputs (and per-layer tensors) with tensors dumped on a board; exit 3 "
                 "when a threshold is crossed");
  cmd->add_option("model", o.model, "Compiled model file (.rknnsim from rknn-sim convert) or a Rockchip .rknn")->required();
  cmd->add_option("--inputs", o.inputs_dir, "Directory with the inputs the board ran: input_0.npy ... or <input name>.npy")
      ->required();
  cmd->add_option("--board", o.board_dir,
                  "Directory with the board's dumps: output_0.npy ... (or <index>_<name>.npy, <name>.npy), float or "
                  "raw int8; other <tensor name>.npy files are per-layer dumps")
      ->required();
  cmd->add_option("--json", o.json, "Also write the report as JSON");
  cmd->add_option("--min-cosine", o.min_cosine, "Fail a tensor whose cosine similarity is lower (default 0.999)")
      ->check(kFinite & CLI::Range(-1.0, 1.0));
  cmd->add_option("--max-abs-diff", o.max_abs_diff, "Fail a tensor whose largest |sim - board| is larger (default: not checked)")
      ->check(kFinite & CLI::NonNegativeNumber);
  cmd->add_option("--atol", o.atol,
                  "An element mismatches when |sim - board| > atol + rtol*|sim| (default atol: 1 LSB = the scale of "
                  "int8 tensors, 0 for fp16 tensors)")
      ->check(kFinite & CLI::NonNegativeNumber);
  cmd->add_option("--rtol", o.rtol, "Relative tolerance of the mismatch count (default 0; 2^-10 for fp16 tensors)")
      ->check(kFinite & CLI::NonNegativeNumber);
  cmd->add_option("--max-mismatch", o.max_mismatch,
                  "Fail a tensor with more mismatching elements: a count (default 0) or a percentage such as 0.1%");
  return cmd;
}

namespace {

runtime::CompareReport CompareModel(const CompareOptions& o, const runtime::CompareThresholds& thresholds) {
  const runtime::CompiledModel model = runtime::LoadModelFile(o.model);
  const quant::Sample inputs = runtime::LoadModelInputs(runtime::FindInputFiles(o.inputs_dir, model), model);
  std::vector<runtime::SimTensor> outputs = runtime::ModelOutputs(model);
  runtime::CheckOutputDumps(o.board_dir, outputs);
  const std::vector<std::vector<float>> simulated = SimulateOutputs(model, inputs);
  for (size_t k = 0; k < outputs.size(); ++k) outputs[k].values = simulated[k];
  return runtime::CompareBoardDir(model, inputs, outputs, o.board_dir, thresholds);
}

// A Rockchip .rknn: the file's own program on the platform (docs/rknn-format.md §8), against the
// board's output dumps; a dump named after an intermediate tensor is compared with that tensor as
// the program leaves it right after its last task (later tasks may reuse its memory).
runtime::CompareReport CompareRknn(const CompareOptions& o, const runtime::CompareThresholds& thresholds) {
  const runtime::RknnExecutable exe = runtime::LoadRknnExecutable(o.model);
  std::vector<std::string> names;
  for (const isa::IoTensor& io : exe.regcmd.program.inputs) names.push_back(io.name);
  const quant::Sample sample = runtime::LoadRknnInputs(exe, runtime::FindInputFiles(o.inputs_dir, names));
  std::vector<runtime::SimTensor> outputs;
  for (const isa::IoTensor& io : exe.regcmd.program.outputs)
    outputs.push_back({io.name, io.shape, true, io.scale, io.zero_point, {}});
  runtime::CheckOutputDumps(o.board_dir, outputs);
  const runtime::RknnRun run = runtime::RunRknn(exe, sample, /*reference=*/false);
  for (size_t k = 0; k < outputs.size(); ++k) outputs[k].values = run.outputs[k].values;
  runtime::CompareReport report = runtime::CompareBoardOutputs(outputs, o.board_dir, thresholds);
  report.target = exe.model.target;
  std::vector<std::string> unknown;
  for (const std::string& path : report.ignored_files) {
    const std::string stem = std::filesystem::path(path).stem().string();
    int32_t id = -1;
    for (size_t i = 0; i < exe.model.tensors.size(); ++i)
      if (exe.model.tensors[i].kind == static_cast<uint8_t>(rknn::TensorKind::kIntermediate) &&
          runtime::TensorFileStem(exe.model.tensors[i].name) == stem)
        id = static_cast<int32_t>(i);
    if (id < 0) {
      unknown.push_back(path);
      continue;
    }
    const runtime::RknnOutput layer = runtime::RunRknnTensor(exe, sample, id);
    const rknn::RTensor& t = exe.model.tensors[static_cast<size_t>(id)];
    report.layers.push_back(runtime::CompareWithBoard({layer.name, layer.shape, true, t.scale[0], t.zero_point[0], layer.values},
                                                      ReadNpy(path), path, thresholds));
  }
  report.ignored_files = std::move(unknown);
  return report;
}

}  // namespace

int Compare(const CompareOptions& o) {
  runtime::CompareThresholds thresholds;
  thresholds.min_cosine = o.min_cosine;
  thresholds.max_abs_diff = Given(o.max_abs_diff);
  thresholds.atol = Given(o.atol);
  thresholds.rtol = Given(o.rtol);
  thresholds.max_mismatch = runtime::ParseMismatchLimit(o.max_mismatch);

  runtime::CompareReport report = IsRknnFile(o.model) ? CompareRknn(o, thresholds) : CompareModel(o, thresholds);
  report.model = o.model;
  report.inputs_dir = o.inputs_dir;

  for (const std::string& file : report.ignored_files)
    spdlog::warn("'{}' names no output or internal tensor of the model: not compared", file);
  std::fputs(runtime::FormatCompareTable(report).c_str(), stdout);
  if (!o.json.empty()) {
    std::ofstream out(o.json);
    if (!out) throw Error("cannot write '" + o.json + "'");
    out << runtime::CompareToJson(report).dump(2) << "\n";
  }
  return report.pass() ? 0 : kCompareThresholdExit;
}

}  // namespace rknnsim::tools
