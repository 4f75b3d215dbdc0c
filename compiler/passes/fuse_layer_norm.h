// Fuses layer normalization as exporters without a LayerNormalization op write it (paddle2onnx,
// torch.onnx before opset 17):
//   m = ReduceMean(x, trailing axes); d = x - m; v = ReduceMean(Pow(d, 2) or d * d, same axes)
//   y = d / Sqrt(v + eps)            [* gamma] [+ beta]
// into one LayerNormalization node. In float the result equals the decomposition up to rounding;
// in int8 it removes five quantized intermediates, of which Pow(d, 2) is the harmful one: its
// range is set by the largest squared deviation over calibration, so rows of small variance round
// to zero and their Sqrt/Div amplify that error. The fused op runs as one CPU task from the int8
// input to the int8 output, as the toolkit's LayerNorm does.
#pragma once

#include "compiler/ir/graph.h"

namespace rknnsim::passes {

// Returns the number of LayerNormalization nodes created.
int FuseLayerNorm(ir::Graph& graph);

}  // namespace rknnsim::passes
