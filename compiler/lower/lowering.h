// Lowers a quantized (int8) or fp16 IR graph to an isa::Program for one platform: each op becomes
// NPU tasks for the units that run it, feature maps get NC1HWC2 surfaces in a lifetime-planned
// DDR region, and weights are packed into the weight region.
#pragma once

#include <string>

#include "compiler/ir/graph.h"
#include "isa/platform_config.h"
#include "isa/program.h"

namespace rknnsim::lower {

isa::Program Lower(const ir::Graph& graph, const isa::PlatformConfig& platform, const std::string& target);

}  // namespace rknnsim::lower
