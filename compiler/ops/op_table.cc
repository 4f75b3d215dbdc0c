#include "compiler/ops/op_def.h"

#include <stdexcept>

#include "compiler/ops/custom_op.h"
#include "compiler/ops/op_list.h"
#include "compiler/ops/quantize_linear.h"

namespace rknnsim::ops {
const std::vector<const OpDef*>& AllOps() {
  static const std::vector<const OpDef*> ops = [] {
    std::vector<const OpDef*> list = {&kConvOp,    &kGemmOp, &kReluOp,    &kClipOp,   &kMaxPoolOp,
                                      &kGlobalAveragePoolOp, &kAddOp, &kFlattenOp, &kReshapeOp, &kSwishOp,
                                      &kConvertOp, &kZeroInsertOp};
    AppendElementwiseOps(list);
    AppendNnOps(list);
    AppendTensorOps(list);
    list.insert(list.end(), {&kQuantizeLinearOp, &kDequantizeLinearOp, &kCustomOp});
    return list;
  }();
  return ops;
}

const OpDef& GetOpDef(ir::OpKind kind) {
  for (const OpDef* op : AllOps())
    if (op->kind == kind) return *op;
  throw std::logic_error("op kind without OpDef");
}

const OpDef* FindOnnxOp(const std::string& onnx_name) {
  for (const OpDef* op : AllOps())
    if (onnx_name == op->onnx_name) return op;
  return nullptr;
}

std::string OnnxOpType(const ir::Node& node) {
  return node.op == ir::OpKind::kCustom ? node.attrs.mode : GetOpDef(node.op).onnx_name;
}

bool IsElementwiseUnary(ir::OpKind kind) {
  switch (kind) {
    case ir::OpKind::kSigmoid: case ir::OpKind::kTanh: case ir::OpKind::kHardSigmoid:
    case ir::OpKind::kHardSwish: case ir::OpKind::kLeakyRelu: case ir::OpKind::kElu:
    case ir::OpKind::kSoftplus: case ir::OpKind::kSwish: case ir::OpKind::kErf:
    case ir::OpKind::kRelu: case ir::OpKind::kClip: case ir::OpKind::kExp: case ir::OpKind::kAbs:
    case ir::OpKind::kNeg: case ir::OpKind::kGelu: case ir::OpKind::kMish: case ir::OpKind::kSelu:
    case ir::OpKind::kCelu: case ir::OpKind::kSoftsign: case ir::OpKind::kThresholdedRelu:
      return true;
    default:
      return false;
  }
}

std::string ReportOpType(const ir::Node& node) {
  std::string type = OnnxOpType(node);
  switch (node.attrs.activation) {
    case ir::Activation::kRelu: return type + "Relu";
    case ir::Activation::kClip: return type + "Clip";
    case ir::Activation::kNone: return type;
  }
  return type;
}

}  // namespace rknnsim::ops
