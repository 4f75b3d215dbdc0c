// The int8 program of a pre-quantized (QDQ) model: passes/fold_qdq.cc has recorded the model's
// activation parameters on the IR tensors and the importer the parameters of its dequantized
// weights; this step applies them instead of calibrating (docs/quantization.md §18).
#pragma once

#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/quant/quantizer.h"

namespace rknnsim::quant {

// Quantizes `graph` in place to int8 with the parameters recorded on its tensors. A tensor
// without parameters takes its input's when its op keeps them (MaxPool, Relu, Clip, Flatten,
// Reshape), else its calibrated range from `ranges` when given (a dataset was passed), else the
// conversion fails naming the tensor. Weights the spec cannot hold exactly (non-zero zero points,
// per-axis on another axis than the output channel) are re-quantized per channel, with a warning.
void QuantizeFromQdq(ir::Graph& graph, const std::vector<TensorRange>* ranges);

}  // namespace rknnsim::quant
