// `rknn-sim report`: one self-contained HTML page of a timing simulation (no scripts, no network;
// charts are inline SVG): per-layer time bars (NPU or CPU, DDR- or compute-bound), time and RW by
// op type, each NPU core's unit timeline, the memory breakdown, and the perf table's rows.
#pragma once

#include <string>

#include "isa/platform_config.h"
#include "isa/program.h"
#include "runtime/reports.h"
#include "sim/simulator.h"

namespace rknnsim::runtime {

struct HtmlReportInput {
  std::string title;     // the model file
  std::string subtitle;  // target, clock, what was simulated
  const isa::Program& program;
  const isa::PlatformConfig& platform;
  const sim::SimulationResult& result;
  const PerfReport& perf;
  const MemoryReport& memory;
};

std::string BuildHtmlReport(const HtmlReportInput& in);

}  // namespace rknnsim::runtime
