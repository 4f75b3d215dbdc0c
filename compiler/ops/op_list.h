// Every operator description, defined in its own file under compiler/ops/.
#pragma once

#include <vector>

#include "compiler/ops/op_def.h"

namespace rknnsim::ops {

extern const OpDef kConvOp;
extern const OpDef kGemmOp;
extern const OpDef kReluOp;
extern const OpDef kClipOp;
extern const OpDef kMaxPoolOp;
extern const OpDef kGlobalAveragePoolOp;
extern const OpDef kAddOp;
extern const OpDef kFlattenOp;
extern const OpDef kReshapeOp;
extern const OpDef kSwishOp;
extern const OpDef kConvertOp;
extern const OpDef kZeroInsertOp;

// Op groups, each registered by its own file so that groups grow independently.
void AppendElementwiseOps(std::vector<const OpDef*>& ops);  // elementwise_ops.cc
void AppendNnOps(std::vector<const OpDef*>& ops);           // nn_ops.cc
void AppendTensorOps(std::vector<const OpDef*>& ops);       // tensor_ops.cc

}  // namespace rknnsim::ops
