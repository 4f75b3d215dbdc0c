// Chrome/Perfetto trace of a simulation (chrome://tracing, ui.perfetto.dev): one track per unit
// (DMA, CORE, DPU, PPU, CPU), one slice per task named by its layer, in microseconds.
#pragma once

#include <nlohmann/json.hpp>

#include "isa/platform_config.h"
#include "isa/program.h"
#include "sim/simulator.h"

namespace rknnsim::runtime {

nlohmann::json BuildTrace(const isa::Program& program, const isa::PlatformConfig& platform,
                          const sim::SimulationResult& result);

}  // namespace rknnsim::runtime
