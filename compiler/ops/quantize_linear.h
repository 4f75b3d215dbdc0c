// QuantizeLinear and DequantizeLinear (ONNX opsets 10-21): the two ops of a QDQ (pre-quantized)
// model. The float32 reference runs them as ONNX defines them; the compiler never executes them
// in int8: passes/fold_qdq.cc removes every pair and records its parameters on the IR tensors
// (docs/quantization.md §18).
#pragma once

#include <cstdint>

#include "compiler/ops/op_def.h"

namespace rknnsim::ops {

extern const OpDef kQuantizeLinearOp;
extern const OpDef kDequantizeLinearOp;

// ONNX element types (TensorProto::DataType) a Q/DQ node's integer side can have here.
constexpr int64_t kQdqUint8 = 2;
constexpr int64_t kQdqInt8 = 3;
constexpr int64_t kQdqInt32 = 6;  // DequantizeLinear only (int32 biases)

// The node's scale and zero point as ir::QuantParams in the int8 domain of docs/quantization.md:
// uint8 zero points are shifted by -128, which keeps every real value (q - z) unchanged.
// `axis` is -1 for per-tensor parameters.
ir::QuantParams QdqParams(const ir::Graph& graph, const ir::Node& node);

}  // namespace rknnsim::ops
