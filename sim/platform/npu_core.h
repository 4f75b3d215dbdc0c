// One NPU core: its command processor and units (CNA, CORE, DPU, PPU) wired by TLM-2.0 sockets,
// plus the port through which it hands fallback ops to the SoC's CPU cluster. Every DMA port
// binds to the DDR model shared by all cores (sim/platform/ddr_memory.h).
#pragma once

#include <systemc>

#include "isa/platform_config.h"
#include "sim/platform/command_processor.h"
#include "sim/platform/ddr_memory.h"
#include "sim/platform/units.h"

namespace rknnsim::sim {

class NpuCore : public sc_core::sc_module {
 public:
  NpuCore(sc_core::sc_module_name name, const isa::PlatformConfig& platform, uint32_t index, DdrMemory& ddr);

  CommandProcessor command;
  Cna cna;
  Core core;
  Dpu dpu;
  Ppu ppu;
  CpuUnit cpu;  // the CPU cluster as seen from this core's command stream
};

}  // namespace rknnsim::sim
