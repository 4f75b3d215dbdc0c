#include "tools/rknn_commands.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/npy.h"
#include "compiler/rknn/info.h"
#include "compiler/rknn/model.h"
#include "compiler/rknn/npu_tasks.h"
#include "compiler/rknn/simulation.h"
#include "runtime/reports.h"
#include "runtime/rknn_execution.h"
#include "runtime/trace.h"
#include "tools/commands.h"
#include "sim/simulator.h"

namespace rknnsim::tools {
namespace {

void WriteJsonFile(const std::string& path, const nlohmann::json& json) {
  std::ofstream out(path);
  if (!out) throw Error("cannot write '" + path + "'");
  out << json.dump(2) << "\n";
}

}  // namespace

bool IsRknnFile(const std::string& path) {
  // The content decides where there is one: users name rknn-sim's own model files .rknn too, as
  // RKNN-Toolkit2's export_rknn() names its files.
  std::ifstream in(path, std::ios::binary);
  char head[8] = {};
  in.read(head, sizeof(head));
  if (in.gcount() >= 7 && std::memcmp(head, "RKNNSIM", 7) == 0) return false;
  const bool suffix = path.size() >= 5 && path.compare(path.size() - 5, 5, ".rknn") == 0;
  return suffix || rknn::LooksLikeRknn(path);
}

int Info(const CommandOptions& o) {
  if (!IsRknnFile(o.model))
    throw Error("'" + o.model + "' is not a .rknn file", "info reads files written by RKNN-Toolkit2's export_rknn()");
  std::fputs(rknn::FormatInfo(rknn::ReadRknnFile(o.model)).c_str(), stdout);
  return 0;
}

// Times the file's own tasks when its program decodes (docs/rknn-format.md §8); otherwise our
// lowering of its graph, saying so and why.
int RknnPerf(const CommandOptions& o) {
  const runtime::LoadedRknn loaded = runtime::LoadRknn(rknn::ReadRknnFile(o.model), "'" + o.model + "'");
  const rknn::RknnModel& model = loaded.file;
  const isa::Program& program = loaded.timing_program;
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(model.target);
  const sim::SimulationResult result = sim::Simulate(program, platform, {});
  const runtime::PerfReport report = runtime::BuildPerfReport(program, platform, result);
  // One title line (scripts and the C API tests read the table after it).
  const std::string what = loaded.own_tasks ? "the file's own program, " + std::to_string(program.tasks.size()) +
                                                  " tasks of its single-core schedule"
                                            : "rknn-sim's lowering of the file's graph (its own program does not decode: " +
                                                  loaded.refusal.message() + ")";
  std::printf("Target: %s (%s), NPU %.0f MHz, timing-only simulation of %s (RKNN-Toolkit2 %s): %s\n",
              model.target.c_str(), platform.platform.c_str(), platform.clock_mhz, o.model.c_str(),
              model.toolkit_version.c_str(), what.c_str());
  std::fputs(runtime::FormatPerfTable(report).c_str(), stdout);
  if (!o.json.empty()) WriteJsonFile(o.json, runtime::PerfToJson(report));
  if (!o.trace.empty()) WriteJsonFile(o.trace, runtime::BuildTrace(program, platform, result));
  if (!o.csv.empty()) {
    std::ofstream out(o.csv);
    if (!out) throw Error("cannot write '" + o.csv + "'");
    out << runtime::PerfToCsv(report);
  }
  return 0;
}

// The figures the file records (what the board's eval_memory reports), in the same layout as
// for our own model files.
int RknnMemory(const CommandOptions& o) {
  const runtime::MemoryReport report = runtime::FileMemoryReport(rknn::ReadRknnFile(o.model));
  std::fputs(runtime::FormatMemoryReport(report).c_str(), stdout);
  if (!o.json.empty()) WriteJsonFile(o.json, runtime::MemoryToJson(report));
  return 0;
}

// The file's own program on the SystemC platform (or, with --reference int8, on the register-level
// reference): inputs before the model's mean/std, outputs float32 named as `run` names them.
int RknnRun(const CommandOptions& o) {
  if (!o.reference.empty() && o.reference != "int8")
    throw Error("--reference " + o.reference + " does not apply to a .rknn file",
                "a .rknn holds the int8 program only: use --reference int8, or run its source ONNX with --reference float");
  if (o.core_mask != "auto" && o.core_mask != "0")
    throw Error("--core-mask " + o.core_mask + " on a .rknn file: only the single-core schedule is executed so far",
                "leave --core-mask at auto or 0");
  // --outputs NAME...: each named tensor from the prefix of the program that ends with its last
  // writer, so tensors before a task rknn-sim cannot execute yet can be read too.
  std::vector<runtime::RknnOutput> outputs;
  if (o.cut_outputs.empty()) {
    const runtime::RknnExecutable exe = runtime::LoadRknnExecutable(o.model);
    runtime::RknnRun run = runtime::RunRknn(exe, runtime::LoadRknnInputs(exe, o.inputs), o.reference == "int8");
    if (o.reference.empty())
      spdlog::info("simulated {} on {}: {} tasks of the file, {:.1f} us", o.model, exe.model.target,
                   exe.regcmd.program.tasks.size(), run.total_time_us);
    outputs = std::move(run.outputs);
  } else {
    rknn::RknnModel model = rknn::ReadRknnFile(o.model);
    std::vector<int32_t> ids;
    for (const std::string& name : o.cut_outputs) {
      int32_t id = -1;
      for (size_t i = 0; i < model.tensors.size() && id < 0; ++i)
        if (model.tensors[i].name == name) id = static_cast<int32_t>(i);
      if (id < 0)
        throw Error("'" + o.model + "' has no tensor named '" + name + "'",
                    "`rknn-sim disasm` names the tensors each task reads and writes");
      ids.push_back(id);
    }
    // Decoded only up to the first tensor, so a task refused after all of them stops nothing.
    const runtime::RknnExecutable exe = runtime::MakeRknnExecutable(std::move(model), "'" + o.model + "'", ids[0]);
    const quant::Sample sample = runtime::LoadRknnInputs(exe, o.inputs);
    for (size_t k = 0; k < ids.size(); ++k) {
      outputs.push_back(runtime::RunRknnTensor(exe, sample, ids[k], o.reference == "int8"));
      spdlog::info("ran {} up to '{}'", o.model, o.cut_outputs[k]);
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(o.output, ec);
  if (ec) throw Error("cannot create output directory '" + o.output + "': " + ec.message());
  for (size_t i = 0; i < outputs.size(); ++i) {
    const runtime::RknnOutput& out = outputs[i];
    const std::string path = o.output + "/" + OutputFileName(i, out.name);
    if (out.is_int64)
      WriteNpyInt64(path, out.shape, std::vector<int64_t>(out.values.begin(), out.values.end()));
    else
      WriteNpy(path, out.shape, out.values);
    spdlog::info("wrote {}", path);
  }
  return 0;
}

// The board's own program: every task record and register write, decoded with the register
// database (isa/npu_registers.yaml); unknown registers print raw and count against the coverage.
int RknnDisasm(const CommandOptions& o) {
  const rknn::RknnModel model = rknn::ReadRknnFile(o.model);
  const std::string what = "'" + o.model + "'";
  const std::vector<isa::NpuTask> tasks = rknn::NpuTasksOf(model, what);
  if (tasks.empty())
    throw Error(what + " holds no task array (RKNN-Toolkit2 " + model.toolkit_version + ", compiler " +
                    std::to_string(model.compiler_version) + "): toolkits up to 1.5 store per-operation register blobs "
                    "that the board's runtime completes, which rknn-sim does not decode",
                "`rknn-sim info`, `perf` and `memory` work on it; a file from toolkit 1.6 or later has the task array");
  std::fputs(rknn::DisassembleRknn(model, tasks, isa::RegisterDb::Builtin()).c_str(), stdout);
  return 0;
}

}  // namespace rknnsim::tools
