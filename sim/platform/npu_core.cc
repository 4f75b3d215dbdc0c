#include "sim/platform/npu_core.h"

namespace rknnsim::sim {

NpuCore::NpuCore(sc_core::sc_module_name name, const isa::PlatformConfig& platform, uint32_t index, DdrMemory& ddr)
    : sc_module(name),
      command("pc", platform, index),
      cna("cna", platform),
      core("core", platform),
      dpu("dpu", platform),
      ppu("ppu", platform),
      cpu("cpu", platform) {
  command.to_cna.bind(cna.from_command);
  command.to_dpu.bind(dpu.from_command);
  command.to_ppu.bind(ppu.from_command);
  command.to_cpu.bind(cpu.from_command);
  cna.to_core.bind(core.from_cna);
  core.to_dpu.bind(dpu.from_core);
  cna.dma.socket.bind(ddr.socket);
  dpu.dma.socket.bind(ddr.socket);
  ppu.dma.socket.bind(ddr.socket);
  cpu.dma.socket.bind(ddr.socket);
}

}  // namespace rknnsim::sim
