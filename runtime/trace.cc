#include "runtime/trace.h"

#include <set>

namespace rknnsim::runtime {
namespace {

// Track ids within the NPU core's process, in display order.
enum Track { kTask = 1, kDma, kCore, kDpu, kPpu, kCpu };
constexpr const char* kTrackNames[] = {"", "tasks", "DMA (DDR)", "CORE (MAC array)", "DPU", "PPU", "CPU (fallback)"};

// One process per NPU core that ran tasks, one thread per unit.
nlohmann::json Slice(const std::string& name, uint32_t core, Track track, double start_us, double dur_us,
                     nlohmann::json args) {
  return {{"name", name}, {"ph", "X"}, {"pid", core}, {"tid", static_cast<int>(track)}, {"ts", start_us},
          {"dur", dur_us}, {"args", std::move(args)}};
}

}  // namespace

nlohmann::json BuildTrace(const isa::Program& program, const isa::PlatformConfig& platform,
                          const sim::SimulationResult& result) {
  nlohmann::json events = nlohmann::json::array();
  std::set<uint32_t> cores = {0};
  for (const sim::TaskTimingRecord& r : result.tasks) cores.insert(r.core);
  for (uint32_t core : cores) {
    events.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", core},
                      {"args", {{"name", "NPU core " + std::to_string(core) + " (" + program.target + ")"}}}});
    for (int track = kTask; track <= kCpu; ++track)
      events.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", core}, {"tid", track},
                        {"args", {{"name", kTrackNames[track]}}}});
  }
  const double us_per_cycle = 1.0 / platform.clock_mhz;
  for (const sim::TaskTimingRecord& r : result.tasks) {
    const isa::Task& task = program.tasks[r.task];
    const std::string& layer = program.layers[task.layer].name;
    const double dur = r.end_us - r.start_us;
    events.push_back(Slice(layer, r.core, kTask, r.start_us, dur,
                           {{"task", r.task}, {"op", isa::TaskOpName(task.op)}, {"bytes_read", r.bytes_read},
                            {"bytes_written", r.bytes_written}}));
    // Units of one task stream concurrently from its start (sim/platform/command_processor.h).
    if (task.op == isa::TaskOp::kCpu) {
      events.push_back(Slice(layer, r.core, kCpu, r.start_us, dur, {{"task", r.task}}));
      continue;
    }
    if (r.dma_cycles) events.push_back(Slice(layer, r.core, kDma, r.start_us, r.dma_cycles * us_per_cycle, {{"task", r.task}}));
    if (r.core_cycles)
      events.push_back(Slice(layer, r.core, kCore, r.start_us, r.core_cycles * us_per_cycle, {{"cycles", r.core_cycles}}));
    if (r.dpu_cycles)
      events.push_back(Slice(layer, r.core, kDpu, r.start_us, r.dpu_cycles * us_per_cycle, {{"cycles", r.dpu_cycles}}));
    if (r.ppu_cycles)
      events.push_back(Slice(layer, r.core, kPpu, r.start_us, r.ppu_cycles * us_per_cycle, {{"cycles", r.ppu_cycles}}));
  }
  return {{"traceEvents", events}, {"displayTimeUnit", "ns"}};
}

}  // namespace rknnsim::runtime
