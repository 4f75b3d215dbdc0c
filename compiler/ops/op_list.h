// Every operator description, defined in its own file under compiler/ops/.
#pragma once

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

}  // namespace rknnsim::ops
