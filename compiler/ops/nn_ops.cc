// Registers the nn op group (see op_list.h and nn.h).
#include "compiler/ops/nn.h"

#include "compiler/ops/op_list.h"
#include "compiler/ops/op_util.h"

namespace rknnsim::ops {

int64_t NormalizeAxis(const ir::Node& node, int64_t axis, size_t rank, const std::string& what) {
  const int64_t r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r)
    throw NodeError(node, what + " " + std::to_string(axis) + " is out of range for a " + std::to_string(rank) +
                              "-D input");
  return axis < 0 ? axis + r : axis;
}

void AppendNnOps(std::vector<const OpDef*>& ops) {
  for (const OpDef* op :
       {&kConvTransposeOp, &kMatMulOp, &kAveragePoolOp, &kGlobalMaxPoolOp, &kBatchNormalizationOp,
        &kInstanceNormalizationOp, &kLayerNormalizationOp, &kSoftmaxOp, &kReduceMeanOp, &kReduceMaxOp, &kReduceMinOp,
        &kReduceSumOp, &kArgMaxOp})
    ops.push_back(op);
}

}  // namespace rknnsim::ops
