// Registers the tensor op group (see op_list.h and tensor.h); which of its nodes take a parameter
// at run time.
#include "compiler/ops/op_list.h"
#include "compiler/ops/tensor.h"

namespace rknnsim::ops {

void AppendTensorOps(std::vector<const OpDef*>& ops) {
  for (const OpDef* op : {&kConcatOp, &kSplitOp, &kSliceOp, &kGatherOp, &kTransposeOp, &kSqueezeOp, &kUnsqueezeOp,
                          &kPadOp, &kResizeOp, &kUpsampleOp, &kDepthToSpaceOp, &kSpaceToDepthOp, &kTileOp,
                          &kExpandOp, &kShapeOp, &kConstantOfShapeOp, &kRangeOp})
    ops.push_back(op);
}

// Resize/Upsample (scales) and Pad (constant_value) keep such a parameter as their input 1.
bool HasRunTimeParameters(const ir::Node& node) {
  const bool takes_parameters =
      node.op == ir::OpKind::kResize || node.op == ir::OpKind::kUpsample || node.op == ir::OpKind::kPad;
  return takes_parameters && node.inputs.size() == 2;
}

}  // namespace rknnsim::ops
