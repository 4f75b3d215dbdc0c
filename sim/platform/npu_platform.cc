#include "sim/platform/npu_platform.h"

namespace rknnsim::sim {

NpuPlatform::NpuPlatform(sc_core::sc_module_name name, const isa::PlatformConfig& platform)
    : sc_module(name),
      platform_(platform),
      command("pc", platform_),
      cna("cna", platform_),
      core("core", platform_),
      dpu("dpu", platform_),
      ppu("ppu", platform_),
      cpu("cpu", platform_),
      ddr("ddr", platform_) {
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
