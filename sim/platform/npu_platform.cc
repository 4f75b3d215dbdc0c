#include "sim/platform/npu_platform.h"

#include <algorithm>
#include <string>

namespace rknnsim::sim {

NpuPlatform::NpuPlatform(sc_core::sc_module_name name, const isa::PlatformConfig& platform)
    : sc_module(name), platform_(platform), ddr("ddr", platform_) {
  const int cores = std::max(platform_.cores, 1);
  for (int c = 0; c < cores; ++c)
    cores_.push_back(std::make_unique<NpuCore>(("core" + std::to_string(c)).c_str(), platform_,
                                               static_cast<uint32_t>(c), ddr));
}

}  // namespace rknnsim::sim
