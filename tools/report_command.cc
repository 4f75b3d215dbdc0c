#include "tools/report_command.h"

#include <cstdio>
#include <fstream>

#include "common/error.h"
#include "compiler/rknn/model.h"
#include "runtime/html_report.h"
#include "runtime/model_file.h"
#include "runtime/reports.h"
#include "runtime/rknn_execution.h"
#include "sim/simulator.h"
#include "tools/rknn_commands.h"

namespace rknnsim::tools {
namespace {

// The output is opened before the simulation: a bad path fails at once, not after a long run.
// False (with its E line) when writing fails afterwards.
bool WritePage(const std::string& path, const std::string& title, const std::string& subtitle,
               const isa::Program& program, const isa::PlatformConfig& platform, const runtime::MemoryReport& memory) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error("cannot write '" + path + "'", "check that its directory exists and is writable");
  const sim::SimulationResult result = sim::Simulate(program, platform, {});
  const runtime::PerfReport perf = runtime::BuildPerfReport(program, platform, result);
  out << runtime::BuildHtmlReport({title, subtitle, program, platform, result, perf, memory});
  out.close();
  if (!out) {
    std::fprintf(stderr, "E report: writing '%s' failed (hint: check the free space of its file system)\n", path.c_str());
    return false;
  }
  std::printf("I wrote %s (%zu layers, one rknn_run %.0f us)\n", path.c_str(), perf.layers.size(), perf.run_time_us);
  return true;
}

}  // namespace

int Report(const CommandOptions& o) {
  if (IsRknnFile(o.model)) {
    if (o.core_mask != "auto")
      throw Error("--core-mask applies to rknn-sim model files", "a Rockchip .rknn runs its own single-core schedule");
    const runtime::LoadedRknn loaded = runtime::LoadRknn(rknn::ReadRknnFile(o.model), "'" + o.model + "'");
    const isa::PlatformConfig platform = isa::LoadPlatformForTarget(loaded.file.target);
    const std::string what = loaded.own_tasks ? "the file's own program" : "rknn-sim's lowering of the file's graph";
    const bool written = WritePage(o.output, o.model,
              "Rockchip .rknn (RKNN-Toolkit2 " +
                  (loaded.file.toolkit_version.empty() ? "version unknown" : loaded.file.toolkit_version) + ") on " +
                  loaded.file.target + ", NPU " +
                  std::to_string(int(platform.clock_mhz)) + " MHz, timing-only simulation of " + what,
              loaded.timing_program, platform, loaded.memory);
    return written ? 0 : 1;
  }
  const runtime::CompiledModel model = runtime::LoadModelFile(o.model);
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(model.program.target);
  const isa::Program program = OnCores(model.program, platform, o.core_mask);
  const bool written = WritePage(o.output, o.model,
            "rknn-sim model on " + model.program.target + ", NPU " + std::to_string(int(platform.clock_mhz)) +
                " MHz, core mask " + o.core_mask + ", timing-only simulation",
            program, platform, runtime::BuildMemoryReport(model.program));
  return written ? 0 : 1;
}

}  // namespace rknnsim::tools
