// Entry point of the SystemC platform for plain C++ callers (runtime, CLI, tests): load a
// program into simulated DDR, run it, read back outputs and per-task timing. SystemC allows one
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
  double start_us = 0, end_us = 0;
  uint64_t dma_cycles = 0;      // DDR transfer time of the task, in NPU cycles
  uint64_t compute_cycles = 0;  // busiest unit
  uint64_t core_cycles = 0, dpu_cycles = 0, ppu_cycles = 0;
  uint64_t total_cycles = 0;    // incl. per-task overhead
  uint64_t bytes_read = 0, bytes_written = 0;
};

struct SimulationResult {
  std::vector<std::vector<uint8_t>> outputs;  // raw output surfaces (empty in timing-only runs)
  std::vector<TaskTimingRecord> tasks;
  double total_time_us = 0;
};

// `inputs` holds one native surface image per program input (IoTensor::surface.bytes() each);
// pass none for a timing-only run, which skips every functional kernel.
// Functional runs of programs with CPU fallback tasks need `cpu_runner`.
SimulationResult Simulate(const isa::Program& program, const isa::PlatformConfig& platform,
                          const std::vector<std::vector<uint8_t>>& inputs, const CpuOpRunner* cpu_runner = nullptr);

}  // namespace rknnsim::sim
