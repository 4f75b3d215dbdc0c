// Registers the tensor op group (see op_list.h and tensor.h).
#include "compiler/ops/op_list.h"
#include "compiler/ops/tensor.h"

namespace rknnsim::ops {

void AppendTensorOps(std::vector<const OpDef*>& ops) {
  for (const OpDef* op : {&kConcatOp, &kSplitOp, &kSliceOp, &kGatherOp, &kTransposeOp, &kSqueezeOp, &kUnsqueezeOp,
                          &kPadOp, &kResizeOp, &kUpsampleOp, &kDepthToSpaceOp, &kSpaceToDepthOp, &kTileOp,
                          &kExpandOp, &kShapeOp, &kConstantOfShapeOp, &kRangeOp})
    ops.push_back(op);
}

}  // namespace rknnsim::ops
