#include "sim/simulator.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <memory>

#include "common/error.h"
#include "sim/cost/cost_model.h"
#include "sim/platform/npu_platform.h"
#include "sim/platform/program_run.h"
#include "sim/platform_claim.h"
#include "sim/simulation_thread.h"

namespace rknnsim::sim {
namespace {

constexpr uint64_t kRegionAlign = 4096;

// The process's one platform, elaborated at its first run (Prepare's MarkElaborated refused any other).
NpuPlatform& PlatformInstance(const isa::PlatformConfig& config) {
  static std::unique_ptr<NpuPlatform> instance;
  if (!instance) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    instance = std::make_unique<NpuPlatform>("npu", config);
    // Let every unit's thread reach its first wait before any work arrives, so that each run,
    // the first included, starts from the same state: threads woken by Submit in core order. When
    // the first run instead met threads still in SystemC's initialization phase, cores that issue
    // DDR transactions at the same instant were served in another order than in later runs, and
    // a second perf table in one process differed from the first.
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
  }
  return *instance;
}

// The program moved up by `base` bytes of DDR, so that several programs share one DDR model.
isa::Program Relocated(const isa::Program& program, uint64_t base) {
  isa::Program p = program;
  for (isa::Task& t : p.tasks) isa::ShiftTaskAddresses(t, 0, base);
  for (auto* ios : {&p.inputs, &p.outputs})
    for (isa::IoTensor& io : *ios) io.surface.addr += base;
  p.memory.weight_base += base;
  p.memory.internal_base += base;
  return p;
}

// Work of a task for the WorkLoad column: the output elements it produces.
double TaskWork(const isa::Task& t) {
  switch (t.op) {
    case isa::TaskOp::kCpu: return 0;
    case isa::TaskOp::kConv: return double(t.out_rows) * t.output.width * t.kernels;
    default: return double(t.output.bytes() / isa::ElemBytes(t.output.type));
  }
}

// Length of the union of [start, end) intervals.
double UnionLength(std::vector<std::pair<double, double>> spans) {
  std::sort(spans.begin(), spans.end());
  double total = 0, open = 0, close = 0;
  bool any = false;
  for (const auto& [s, e] : spans) {
    if (!any || s > close) {
      if (any) total += close - open;
      open = s, close = e, any = true;
    } else {
      close = std::max(close, e);
    }
  }
  return any ? total + close - open : 0.0;
}

void SummarizeLayers(const isa::Program& program, uint32_t cores, const isa::PlatformConfig& config,
                     SimulationResult& result) {
  std::vector<std::vector<double>> work(program.layers.size(), std::vector<double>(cores, 0.0));
  std::vector<std::vector<uint64_t>> alone(program.layers.size(), std::vector<uint64_t>(cores, 0));
  std::vector<std::vector<std::pair<double, double>>> spans(program.layers.size());
  std::vector<int> first_core(program.layers.size(), -1);
  for (const TaskTimingRecord& r : result.tasks) {
    const isa::Task& t = program.tasks[r.task];
    work[t.layer][r.core] += TaskWork(t);
    alone[t.layer][r.core] += r.alone_cycles;
    spans[t.layer].emplace_back(r.start_us, r.end_us);
    if (first_core[t.layer] < 0) first_core[t.layer] = static_cast<int>(r.core);
  }
  result.layer_workload.assign(program.layers.size(), std::vector<double>(cores, 0.0));
  result.layer_alone_us.assign(program.layers.size(), 0.0);
  for (size_t l = 0; l < program.layers.size(); ++l) {
    result.layer_alone_us[l] = UnionLength(spans[l]);
    if (program.layers[l].target == "CPU" || first_core[l] < 0) continue;
    const uint64_t busiest = *std::max_element(alone[l].begin(), alone[l].end());
    result.layer_alone_us[l] = static_cast<double>(busiest) / config.clock_mhz + config.layer_alone_overhead_us;
    double total = 0;
    for (double w : work[l]) total += w;
    for (uint32_t c = 0; c < cores; ++c)
      result.layer_workload[l][c] = total > 0 ? 100.0 * work[l][c] / total : (int(c) == first_core[l] ? 100.0 : 0.0);
  }
}

// What SimulateConcurrent checks and lays out on the caller's thread, before any SystemC work:
// each program in its own DDR region and the DDR image at the start of the run.
struct PreparedRun {
  std::deque<isa::Program> relocated;  // the programs after the first, moved up in DDR
  std::vector<const isa::Program*> programs;
  uint64_t top = 0;                    // DDR bytes all programs need
  std::vector<DdrImage> images;        // weight images and inputs
};

// Place each program in its own DDR region (4 KiB aligned) and check its inputs, its core
// assignment and that the regions fit the platform's boards. Everything that can be refused is
// refused here, on the caller's thread: an exception thrown on the thread where SystemC has
// switched stacks confuses ASan. The first program stays where it is (no copy of its weight
// image); the others are relocated copies.
void Prepare(const std::vector<ProgramLoad>& loads, const isa::PlatformConfig& config, PreparedRun& run) {
  for (const ProgramLoad& load : loads) {
    const isa::Program& p = *load.program;
    const bool functional = !load.inputs.empty();
    if (functional && load.inputs.size() != p.inputs.size())
      throw Error("the program has " + std::to_string(p.inputs.size()) + " inputs, got " +
                  std::to_string(load.inputs.size()));
    for (const isa::Task& t : p.tasks)
      if (t.core >= static_cast<uint32_t>(config.cores))
        throw Error("a task of '" + p.layers.at(t.layer).name + "' is placed on NPU core " + std::to_string(t.core) +
                        ", but " + config.platform + " has " + std::to_string(config.cores),
                    "choose a core mask the platform supports");
    if (p.memory.weight_base + p.weights.size() > p.DdrBytes())
      throw Error("the weight image does not fit the program's DDR plan", "the model file is corrupted");
    run.programs.push_back(run.top == 0 ? &p : &run.relocated.emplace_back(Relocated(p, run.top)));
    run.top += (p.DdrBytes() + kRegionAlign - 1) / kRegionAlign * kRegionAlign;
  }
  isa::CheckFitsBoardMemory(run.top, config, loads.size() == 1 ? "the model" : "the models together");
  MarkElaborated(config.platform);  // throws for a second platform, or one a front door holds
  // DDR at the start of the run: each program's weight image and inputs, zeros elsewhere.
  for (size_t k = 0; k < run.programs.size(); ++k) {
    const isa::Program& p = *run.programs[k];
    if (!p.weights.empty()) run.images.push_back({p.memory.weight_base, p.weights.data(), p.weights.size(), true});
    for (size_t i = 0; i < loads[k].inputs.size(); ++i) {
      const isa::Surface& s = p.inputs[i].surface;
      const std::vector<uint8_t>& image = loads[k].inputs[i];
      if (image.size() != s.bytes() * p.batch)
        throw Error("input " + std::to_string(i) + " does not match its surface in the program");
      for (uint32_t b = 0; b < p.batch; ++b) {
        const uint64_t at = s.addr + b * p.batch_stride;
        if (at + s.bytes() > run.top) throw Error("input " + std::to_string(i) + " lies outside DDR");
        run.images.push_back({at, image.data() + b * s.bytes(), s.bytes()});
      }
    }
  }
}

// The SystemC part, on the simulation thread: load DDR, hand every core its tasks, run, and read
// the records and outputs back. A failure comes back as a message for the caller's thread to throw.
std::string RunPrepared(PreparedRun& run, const std::vector<ProgramLoad>& loads, const isa::PlatformConfig& config,
                        std::vector<SimulationResult>& results) {
  NpuPlatform& npu = PlatformInstance(config);
  npu.ddr.Load(run.top, std::move(run.images));
  const std::vector<const isa::Program*>& programs = run.programs;
  std::vector<std::unique_ptr<ProgramRun>> runs;
  for (size_t k = 0; k < programs.size(); ++k) {
    runs.push_back(std::make_unique<ProgramRun>(*programs[k], !loads[k].inputs.empty(), loads[k].cpu_runner));
    std::map<uint32_t, std::vector<uint32_t>> per_core;
    for (uint32_t i = 0; i < programs[k]->tasks.size(); ++i) per_core[programs[k]->tasks[i].core].push_back(i);
    for (auto& [core, tasks] : per_core) npu.core(core).command.Submit(runs.back().get(), std::move(tasks));
  }
  const sc_core::sc_time begin = sc_core::sc_time_stamp();
  sc_core::sc_start();  // returns when every task chain is done and no event is pending
  for (const auto& r : runs)
    if (!r->error().empty()) return r->error();
  for (size_t k = 0; k < programs.size(); ++k) {
    const isa::Program& p = *programs[k];
    SimulationResult result;
    std::vector<TaskRecord> records = runs[k]->records();
    if (records.size() != p.tasks.size()) return "the simulation ended before every task ran";
    std::sort(records.begin(), records.end(), [](const TaskRecord& a, const TaskRecord& b) { return a.task < b.task; });
    double end_us = 0;
    for (const TaskRecord& r : records) {
      TaskTimingRecord t;
      t.task = r.task;
      t.core = r.core;
      t.start_us = (r.start - begin).to_seconds() * 1e6;
      t.end_us = (r.end - begin).to_seconds() * 1e6;
      t.dma_cycles = r.dma_cycles;
      t.compute_cycles = r.compute_cycles;
      t.core_cycles = r.timing.core_cycles, t.dpu_cycles = r.timing.dpu_cycles, t.ppu_cycles = r.timing.ppu_cycles;
      t.total_cycles = static_cast<uint64_t>(std::llround((t.end_us - t.start_us) * config.clock_mhz));
      t.bytes_read = r.timing.bytes_read, t.bytes_written = r.timing.bytes_written;
      t.alone_cycles = p.tasks[r.task].op == isa::TaskOp::kCpu
                           ? t.total_cycles
                           : AloneTaskCycles(p.tasks[r.task], t.core_cycles, t.dpu_cycles, t.ppu_cycles,
                                             t.bytes_read + t.bytes_written, config);
      end_us = std::max(end_us, t.end_us);
      result.tasks.push_back(t);
    }
    result.total_time_us = end_us;
    SummarizeLayers(p, npu.core_count(), config, result);
    for (size_t i = 0; !loads[k].inputs.empty() && i < p.outputs.size(); ++i) {
      const isa::Surface& s = p.outputs[i].surface;
      std::vector<uint8_t> image;
      for (uint32_t b = 0; b < p.batch; ++b) {
        const uint8_t* at = npu.ddr.data() + s.addr + b * p.batch_stride;
        image.insert(image.end(), at, at + s.bytes());
      }
      result.outputs.push_back(std::move(image));
    }
    results.push_back(std::move(result));
  }
  return "";
}


}  // namespace

SimulationResult Simulate(const isa::Program& program, const isa::PlatformConfig& config,
                          const std::vector<std::vector<uint8_t>>& inputs, const CpuOpRunner* cpu_runner) {
  return SimulateConcurrent({{&program, inputs, cpu_runner}}, config).front();
}

std::vector<SimulationResult> SimulateConcurrent(const std::vector<ProgramLoad>& loads,
                                                 const isa::PlatformConfig& config) {
  PreparedRun run;
  Prepare(loads, config, run);
  std::vector<SimulationResult> results;
  std::string error;
  RunOnSimulationThread([&] { error = RunPrepared(run, loads, config, results); });
  if (!error.empty()) throw Error(error);
  return results;
}

}  // namespace rknnsim::sim
