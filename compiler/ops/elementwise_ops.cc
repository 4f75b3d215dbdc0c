// Registers the elementwise op group (see op_list.h and elementwise.h).
#include "compiler/ops/elementwise.h"
#include "compiler/ops/op_list.h"

namespace rknnsim::ops {

void AppendElementwiseOps(std::vector<const OpDef*>& ops) {
  ops.insert(ops.end(), {&kSubOp,         &kMulOp,      &kDivOp,       &kPowOp,         &kMinOp,
                         &kMaxOp,         &kSqrtOp,     &kReciprocalOp, &kExpOp,        &kLogOp,
                         &kAbsOp,         &kNegOp,      &kErfOp,       &kLeakyReluOp,   &kPReluOp,
                         &kSigmoidOp,     &kHardSigmoidOp, &kHardSwishOp, &kTanhOp,     &kEluOp,
                         &kSoftplusOp,    &kGeluOp,     &kMishOp,      &kSeluOp,      &kCeluOp,
                         &kSoftsignOp,    &kThresholdedReluOp, &kCastOp});
}

}  // namespace rknnsim::ops
