#include "sim/simulator.h"

#include <cstdlib>
#include <cstring>
#include <memory>

#include "common/error.h"
#include "sim/platform/npu_platform.h"

namespace rknnsim::sim {
namespace {

NpuPlatform& PlatformInstance(const isa::PlatformConfig& config) {
  static std::unique_ptr<NpuPlatform> instance;
  if (!instance) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    instance = std::make_unique<NpuPlatform>("npu", config);
  } else if (instance->config().platform != config.platform) {
    throw Error("this process already simulates platform '" + instance->config().platform + "', not '" +
                    config.platform + "'",
                "run each platform in its own process");
  }
  return *instance;
}

}  // namespace

SimulationResult Simulate(const isa::Program& program, const isa::PlatformConfig& config,
                          const std::vector<std::vector<uint8_t>>& inputs, const CpuOpRunner* cpu_runner) {
  const bool functional = !inputs.empty();
  if (functional && inputs.size() != program.inputs.size())
    throw Error("the program has " + std::to_string(program.inputs.size()) + " inputs, got " +
                std::to_string(inputs.size()));
  NpuPlatform& npu = PlatformInstance(config);
  npu.ddr.Resize(program.DdrBytes());
  if (program.memory.weight_base + program.weights.size() > npu.ddr.size())
    throw Error("the weight image does not fit the program's DDR plan", "the model file is corrupted");
  if (!program.weights.empty())
    std::memcpy(npu.ddr.data() + program.memory.weight_base, program.weights.data(), program.weights.size());
  for (size_t i = 0; functional && i < inputs.size(); ++i) {
    const isa::Surface& s = program.inputs[i].surface;
    if (inputs[i].size() != s.bytes() || s.addr + s.bytes() > npu.ddr.size())
      throw Error("input " + std::to_string(i) + " does not match its surface in the program");
    std::memcpy(npu.ddr.data() + s.addr, inputs[i].data(), s.bytes());
  }

  const sc_core::sc_time begin = sc_core::sc_time_stamp();
  npu.command.Submit(&program, functional, cpu_runner);
  sc_core::sc_start();  // returns when the task chain is done and no event is pending
  if (!npu.command.error().empty()) throw Error(npu.command.error());

  SimulationResult result;
  for (const TaskRecord& r : npu.command.records()) {
    TaskTimingRecord t;
    t.task = r.task;
    t.start_us = (r.start - begin).to_seconds() * 1e6;
    t.end_us = (r.end - begin).to_seconds() * 1e6;
    t.dma_cycles = r.dma_cycles;
    t.compute_cycles = r.compute_cycles;
    t.core_cycles = r.timing.core_cycles, t.dpu_cycles = r.timing.dpu_cycles, t.ppu_cycles = r.timing.ppu_cycles;
    t.total_cycles = static_cast<uint64_t>(std::llround((t.end_us - t.start_us) * config.clock_mhz));
    t.bytes_read = r.timing.bytes_read, t.bytes_written = r.timing.bytes_written;
    result.tasks.push_back(t);
  }
  result.total_time_us = (sc_core::sc_time_stamp() - begin).to_seconds() * 1e6;
  for (size_t i = 0; functional && i < program.outputs.size(); ++i) {
    const isa::Surface& s = program.outputs[i].surface;
    result.outputs.emplace_back(npu.ddr.data() + s.addr, npu.ddr.data() + s.addr + s.bytes());
  }
  return result;
}

}  // namespace rknnsim::sim
