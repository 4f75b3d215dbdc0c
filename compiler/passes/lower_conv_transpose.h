// Lowers a 2-D ConvTranspose to ZeroInsert + Conv, as RKNN runs deconvolution on the NPU
// (docs/quantization.md §21): the input is spread by the strides with zeros between samples, then
// a stride-1 convolution with the per-group transposed, spatially flipped weights and the same bias
// produces the same output (up to fp32 summation order). Applies to constant weights, dilation 1
// and pads no larger than kernel - 1; other ConvTransposes are left unchanged (CPU).
#pragma once

#include "compiler/ir/graph.h"

namespace rknnsim::passes {

// Returns the number of ConvTranspose nodes lowered.
int LowerConvTranspose(ir::Graph& graph);

}  // namespace rknnsim::passes
