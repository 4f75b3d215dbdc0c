// Splits a convolution into tasks whose working set fits the CBUF, following Mesa's approach
// (rkt_task.c; docs/hardware_sources.md §4): weights stay resident in as few banks as possible
// and the remaining banks hold input rows; the layer is cut by output rows, and by kernel groups
// when the weights alone need more than all but one bank or, for a depthwise layer, when one
// window of all its channels does not fit (a depthwise chunk loads only its own channels). A tile
// also fetches no more input rows than the CNA's rows field can hold.
#pragma once

#include <cstdint>
#include <vector>

#include "isa/platform_config.h"

namespace rknnsim::lower {

struct ConvShape {
  uint32_t in_height = 0, in_width = 0, in_channels_aligned = 0;  // input surface, C1*C2
  uint32_t out_height = 0, kernels_aligned = 0;
  uint32_t kernel_h = 1, kernel_w = 1, stride_h = 1, dilation_h = 1, pad_top = 0;
  uint32_t elem_bytes = 1;
  uint32_t kernel_atom = 1;  // kernels per weight block
  bool depthwise = false;    // a weight group holds one channel per kernel
  // The most input rows one task may fetch: the CNA's rows field (lower::ConvTaskInputRowLimit).
  uint64_t max_task_input_rows = UINT64_MAX;
};

struct ConvTile {
  uint32_t out_row_begin = 0, out_rows = 0;
  uint32_t kernel_begin = 0, kernels = 0;
  uint32_t weight_banks = 0, data_banks = 0;
};

// Input rows [first, last] a tile of output rows reads (clamped to the input).
void InputRowsFor(const ConvShape& s, uint32_t out_row_begin, uint32_t out_rows, uint32_t& first, uint32_t& last);

// Throws Error when even one output row with one kernel group does not fit.
std::vector<ConvTile> TileConvolution(const ConvShape& shape, const isa::PlatformConfig& platform,
                                      const std::string& layer_name);

}  // namespace rknnsim::lower
