// The simulated SoC slice: one NPU core's units wired by TLM-2.0 sockets to the command
// processor and to one DDR model.
#pragma once

#include <systemc>

#include "isa/platform_config.h"
#include "sim/platform/command_processor.h"
#include "sim/platform/ddr_memory.h"
#include "sim/platform/units.h"

namespace rknnsim::sim {

class NpuPlatform : public sc_core::sc_module {
 public:
  NpuPlatform(sc_core::sc_module_name name, const isa::PlatformConfig& platform);

  const isa::PlatformConfig& config() const { return platform_; }

 private:
  isa::PlatformConfig platform_;  // first: the units below keep references to it

 public:
  CommandProcessor command;
  Cna cna;
  Core core;
  Dpu dpu;
  Ppu ppu;
  CpuUnit cpu;
  DdrMemory ddr;
};

}  // namespace rknnsim::sim
