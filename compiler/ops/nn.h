// The neural-network op group (ONNX opsets 9-21), float32 reference kernels except AveragePool's
// uniform-window form (the PPU's); the others run on the CPU.
// Registered by AppendNnOps (nn_ops.cc).
//
// Attribute use (ir::Attributes):
//   ConvTranspose       kernel, strides, dilations, group, pads [top, left, bottom, right] (resolved from
//                       auto_pad/output_shape at parse time; an end pad may be negative: extra output rows
//                       or columns that no input reaches), output_padding
//   AveragePool         kernel, strides, pads, ceil_mode, count_include_pad
//   BatchNormalization  epsilon; floats = {momentum} in training mode (IsTrainingBatchNorm)
//   InstanceNormalization  epsilon
//   LayerNormalization  axis (as written, may be negative), epsilon; the optional Mean and InvStdDev
//                       outputs are inferred and computed when the node lists them
//   Softmax             axis (as written), ints = {1} when the graph's opset is < 13 (the input is
//                       coerced to 2-D at axis: one softmax over the flattened axes [axis, rank))
//   ReduceMean/Max/Min/Sum  axes (as written; empty = all), keepdims, ints = {noop_with_empty_axes}
//   ArgMax              axis, keepdims, ints = {select_last_index}; the output holds indices as floats
#pragma once

#include <cstdint>
#include <string>

#include "compiler/ops/op_def.h"

namespace rknnsim::ops {

extern const OpDef kConvTransposeOp;
extern const OpDef kMatMulOp;
extern const OpDef kAveragePoolOp;
extern const OpDef kGlobalMaxPoolOp;
extern const OpDef kBatchNormalizationOp;
extern const OpDef kInstanceNormalizationOp;
extern const OpDef kLayerNormalizationOp;
extern const OpDef kSoftmaxOp;
extern const OpDef kReduceMeanOp;
extern const OpDef kReduceMaxOp;
extern const OpDef kReduceMinOp;
extern const OpDef kReduceSumOp;
extern const OpDef kArgMaxOp;

// BatchNormalization with training_mode=1 (opset 14+): normalizes with the batch's own statistics
// and outputs the updated running mean and variance. Only the float reference runs it; passes that
// fold a BatchNormalization's constants leave it alone.
bool IsTrainingBatchNorm(const ir::Node& node);

// AveragePool whose every window divides by kh·kw (count_include_pad=1 with no window beyond the
// pads, or every window inside the input): the form the PPU runs (docs/quantization.md §10).
bool AveragePoolWindowsUniform(const ir::Graph& graph, const ir::Node& node);

// `axis` of a tensor of rank `rank` in [0, rank): negative values count from the end. Throws a
// NodeError naming `what` when out of range.
int64_t NormalizeAxis(const ir::Node& node, int64_t axis, size_t rank, const std::string& what = "axis");

}  // namespace rknnsim::ops
