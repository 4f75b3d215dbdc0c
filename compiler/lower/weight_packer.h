// Packs a quantized layer's weights and its per-channel DPU table into the byte layouts the NPU
// reads (docs/isa.md): weights in kernel groups of `kernel_atom` kernels, each group ordered
// (ky, kx, input channel, kernel) with input channels padded to the input surface's C1*C2.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/ir/graph.h"

namespace rknnsim::lower {

struct PackedLayer {
  std::vector<uint8_t> weights;
  std::vector<uint8_t> dpu_table;
  uint32_t kernels_aligned = 0;
};

// `node` is a quantized Conv or Gemm (int8 or fp16 weights); Gemm is treated as a 1x1 conv.
// Depthwise layers (weights [C, 1, kh, kw]) pack each group as (ky, kx, kernel).
PackedLayer PackLayer(const ir::Graph& graph, const ir::Node& node, uint32_t in_channels_aligned,
                      uint32_t kernel_atom, bool depthwise = false);

}  // namespace rknnsim::lower
