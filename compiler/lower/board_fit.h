// Whether a model can run on any board of the platform at all, checked before the work that would
// need that memory on the host too (calibration runs the float model on every sample): a model
// whose feature maps alone exceed the boards' DDR is refused at convert with one line, not left
// to fail in an allocation later.
#pragma once

#include <cstdint>

#include "compiler/ir/graph.h"
#include "isa/platform_config.h"

namespace rknnsim::lower {

// A lower bound of the DDR the compiled model needs: the largest node's inputs and outputs, live
// together, as int8 NC1HWC2 feature maps (C rounded up to the int8 C2), plus the constants.
// Saturates instead of overflowing.
uint64_t MinimumDdrBytes(const ir::Graph& graph, const isa::PlatformConfig& platform);

}  // namespace rknnsim::lower
