// Lowers a quantized (int8) or fp16 IR graph to an isa::Program for one platform: each op becomes
// NPU tasks for the units that run it, feature maps get NC1HWC2 surfaces in a lifetime-planned
// DDR region, and weights are packed into the weight region.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/ir/graph.h"
#include "isa/platform_config.h"
#include "isa/program.h"

namespace rknnsim::lower {

struct LowerOptions {
  uint32_t batch = 1;  // rknn_batch_size (compiler/lower/batch.h)
};

isa::Program Lower(const ir::Graph& graph, const isa::PlatformConfig& platform, const std::string& target,
                   const LowerOptions& options = {});

}  // namespace rknnsim::lower
