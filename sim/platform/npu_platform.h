// The simulated SoC slice: the platform's NPU cores (platform.yaml npu.cores; RK3588 has three)
// sharing one DDR model, where their transfers contend.
#pragma once

#include <memory>
#include <vector>

#include <systemc>

#include "isa/platform_config.h"
#include "sim/platform/ddr_memory.h"
#include "sim/platform/npu_core.h"

namespace rknnsim::sim {

class NpuPlatform : public sc_core::sc_module {
 public:
  NpuPlatform(sc_core::sc_module_name name, const isa::PlatformConfig& platform);

  const isa::PlatformConfig& config() const { return platform_; }
  NpuCore& core(uint32_t index) { return *cores_.at(index); }
  uint32_t core_count() const { return static_cast<uint32_t>(cores_.size()); }

 private:
  isa::PlatformConfig platform_;  // first: the units below keep references to it

 public:
  DdrMemory ddr;

 private:
  std::vector<std::unique_ptr<NpuCore>> cores_;
};

}  // namespace rknnsim::sim
