// Entry point of the SystemC platform for plain C++ callers (runtime, CLI, tests): load programs
// into simulated DDR, run them, read back outputs and per-task timing. SystemC allows one
// elaboration per process, so the platform is built on first use and reused by later runs;
// later runs must use the same platform description.
#pragma once

#include <cstdint>
#include <vector>

#include "isa/platform_config.h"
#include "isa/program.h"
#include "sim/platform/task_extension.h"

namespace rknnsim::sim {

struct TaskTimingRecord {
  uint32_t task = 0;
  uint32_t core = 0;            // the NPU core that ran it
  double start_us = 0, end_us = 0;
  uint64_t dma_cycles = 0;      // DDR transfer time of the task, in NPU cycles
  uint64_t compute_cycles = 0;  // busiest unit
  uint64_t core_cycles = 0, dpu_cycles = 0, ppu_cycles = 0;
  uint64_t total_cycles = 0;    // incl. per-task overhead
  uint64_t alone_cycles = 0;    // the task in a layer timed alone (cost::AloneTaskCycles; CPU: total_cycles)
  uint64_t bytes_read = 0, bytes_written = 0;
};

struct SimulationResult {
  std::vector<std::vector<uint8_t>> outputs;  // raw output surfaces (empty in timing-only runs)
  std::vector<TaskTimingRecord> tasks;        // in program order
  double total_time_us = 0;
  // Per program layer: each NPU core's share of the layer's work in percent (perf_debug's
  // WorkLoad(0/1/2) column; zeros for CPU layers).
  std::vector<std::vector<double>> layer_workload;
  // Per program layer: the layer timed alone, as perf_debug times it (the busiest core's tasks
  // plus npu.layer_alone_overhead_us; CPU layers: the time during which any of their tasks ran).
  std::vector<double> layer_alone_us;
};

// `inputs` holds one native surface image per program input (IoTensor::surface.bytes() each,
// times Program::batch images back to back); pass none for a timing-only run, which skips every
// functional kernel. Functional runs of programs with CPU fallback tasks need `cpu_runner`.
// Each task runs on its Task::core (lower::AssignCores places them; compiled programs use core 0).
SimulationResult Simulate(const isa::Program& program, const isa::PlatformConfig& platform,
                          const std::vector<std::vector<uint8_t>>& inputs, const CpuOpRunner* cpu_runner = nullptr);

// Several independent programs in one simulation, e.g. two models on two RK3588 cores: each gets
// its own DDR region, their tasks run on their cores at the same time and contend for the one DDR
// channel. Programs whose tasks share a core run one after the other on it, in the given order.
struct ProgramLoad {
  const isa::Program* program = nullptr;
  std::vector<std::vector<uint8_t>> inputs;  // as for Simulate; empty for timing only
  const CpuOpRunner* cpu_runner = nullptr;
};
std::vector<SimulationResult> SimulateConcurrent(const std::vector<ProgramLoad>& loads,
                                                 const isa::PlatformConfig& platform);

}  // namespace rknnsim::sim
