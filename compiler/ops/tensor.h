// The data-movement and shape ops (ONNX opsets 9-21), registered by tensor_ops.cc. Every one has a
// float32 reference only (integer tensors such as shapes and indices are held as float32, exact up
// to 2^24). Parameters that decide output shapes (Slice starts, Pad pads, Resize scales, ...) must
// be constants: parse() moves them into node.attrs and drops those inputs.
//
// node.attrs use per op (after parse):
//   Concat, Gather      axis
//   Split               axis; ints = the size of every output
//   Slice               axes; ints = [starts..., ends..., steps...] (one of each per axis)
//   Transpose           axes = perm (empty: reverse the axes)
//   Squeeze, Unsqueeze  axes (Squeeze: empty removes every size-1 axis)
//   Pad                 mode (constant/reflect/edge); ints = pads [begin..., end...]; floats = {value}
//   Resize, Upsample    mode (nearest/linear/cubic); coordinate_mode; nearest_mode; cubic_coeff_a;
//                       exclude_outside; floats = scales per axis, or ints = output sizes per axis
//                       (exactly one of the two is set). Scales fed at run time stay input 1 and
//                       ints holds the output shape the model declares (float32 reference only).
//   DepthToSpace        blocksize; mode (DCR/CRD)     SpaceToDepth  blocksize
//   Tile                ints = repeats                Expand        target_shape
//   Shape               ints = {start, end}           ConstantOfShape  target_shape; floats = {value}
//   Range               floats = {start, limit, delta}
#pragma once

#include "compiler/ops/op_def.h"

namespace rknnsim::ops {

extern const OpDef kConcatOp;
extern const OpDef kSplitOp;
extern const OpDef kSliceOp;
extern const OpDef kGatherOp;
extern const OpDef kTransposeOp;
extern const OpDef kSqueezeOp;
extern const OpDef kUnsqueezeOp;
extern const OpDef kPadOp;
extern const OpDef kResizeOp;
extern const OpDef kUpsampleOp;
extern const OpDef kDepthToSpaceOp;
extern const OpDef kSpaceToDepthOp;
extern const OpDef kTileOp;
extern const OpDef kExpandOp;
extern const OpDef kShapeOp;
extern const OpDef kConstantOfShapeOp;
extern const OpDef kRangeOp;

// Nearest Resize/Upsample: for each axis, the input index every output index reads (the op's
// coordinate transformation and nearest_mode, clamped). Empty for linear mode. Placement compares
// it with an integer-factor replication (docs/quantization.md §19).
std::vector<std::vector<int64_t>> NearestResizeMaps(const ir::Graph& graph, const ir::Node& node);

// A Resize/Upsample whose scales, or a Pad whose constant_value, arrive at run time (input 1): it
// runs only in float32, so the quantizer refuses it.
bool HasRunTimeParameters(const ir::Node& node);

}  // namespace rknnsim::ops
