// The element-wise op group (ONNX opsets 9-21): broadcasting binary arithmetic, variadic Min/Max,
// unary math and activations, and Cast. All are float32-reference only (run_int8/run_fp16 null),
// registered by AppendElementwiseOps (elementwise_ops.cc). Add lives in add.cc.
#pragma once

#include <cstddef>
#include <vector>

#include "compiler/ops/op_def.h"

namespace rknnsim::ops {

// elementwise_binary.cc: numpy-broadcasting Sub/Div/Pow, variadic Min/Max, PRelu.
extern const OpDef kSubOp;
// mul.cc: numpy-broadcasting Mul, with int8/fp16 kernels for its NPU forms.
extern const OpDef kMulOp;
extern const OpDef kDivOp;
extern const OpDef kPowOp;
extern const OpDef kMinOp;
extern const OpDef kMaxOp;
extern const OpDef kPReluOp;
// elementwise_unary.cc: math functions and activations of one input.
extern const OpDef kSqrtOp;
extern const OpDef kReciprocalOp;
extern const OpDef kExpOp;
extern const OpDef kLogOp;
extern const OpDef kAbsOp;
extern const OpDef kNegOp;
extern const OpDef kErfOp;
extern const OpDef kLeakyReluOp;
extern const OpDef kSigmoidOp;
extern const OpDef kHardSigmoidOp;
extern const OpDef kHardSwishOp;
extern const OpDef kTanhOp;
extern const OpDef kEluOp;
extern const OpDef kSoftplusOp;
extern const OpDef kGeluOp;
extern const OpDef kMishOp;
extern const OpDef kSeluOp;
extern const OpDef kCeluOp;
extern const OpDef kSoftsignOp;
extern const OpDef kThresholdedReluOp;
// elementwise_cast.cc
extern const OpDef kCastOp;

// Helpers shared by the element-wise files (elementwise_common.cc).

// Checks the input count (min..max, max 0 = unbounded) and that every input is present (the
// importer marks omitted optional inputs with -1); throws NodeError otherwise.
void RequireInputs(const ir::Node& node, const char* op, size_t min, size_t max);
// Output shape of a broadcasting op over all of the node's inputs; NodeError naming the shapes otherwise.
ir::Shape InferBroadcast(const ir::Graph& g, const ir::Node& node, const char* op);
// Checks that input i holds as many values as its shape needs (NodeError otherwise).
void CheckInputSize(const FloatArgs& args, size_t i);
// A float attribute that must be finite (NodeError otherwise).
float FiniteAttr(const AttrReader& reader, const ir::Node& node, const char* name, float fallback);

// The value Cast stores for `x` converted to ONNX data type `to` (TensorProto::DataType), as a float
// (see elementwise_cast.cc for the rounding, wrapping and saturation rules).
float CastValue(float x, int64_t to);
// Whether Cast supports the target data type, and its ONNX name ("INT8") for messages.
bool CastTargetSupported(int64_t to);
const char* OnnxTypeName(int64_t to);

// Mul's channel-broadcast NPU form (docs/quantization.md §20): 0 or 1 when that operand has shape
// [1, C, 1, 1] and the other [1, C, H, W] with H·W > 1 (the operand is the per-channel multiplier),
// else -1.
int ChannelMultiplierOperand(const ir::Shape& a, const ir::Shape& b);

}  // namespace rknnsim::ops
