// Folds the QuantizeLinear/DequantizeLinear pairs of a pre-quantized (QDQ) ONNX model, as
// RKNN-Toolkit2 does for QAT/PTQ models: each pair `x → Q → [Cast] → DQ → y` disappears, readers
// of y read x, and x records the pair's scale and zero point (uint8 mapped to int8, docs/
// quantization.md §18). Dequantized constants (weights, biases) were folded at import and carry
// their parameters already. quant::QuantizeFromQdq then turns the recorded parameters into the
// int8 program. Q/DQ patterns outside this form are refused with the node named.
#pragma once

#include "compiler/ir/graph.h"

namespace rknnsim::passes {

// Whether the graph holds QuantizeLinear/DequantizeLinear nodes (a QDQ model).
bool HasQdq(const ir::Graph& graph);

// Returns the number of Q/DQ pairs folded; 0 leaves the graph unchanged.
int FoldQdq(ir::Graph& graph);

}  // namespace rknnsim::passes
