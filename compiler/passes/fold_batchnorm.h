// Folds a BatchNormalization that follows a Conv, ConvTranspose or Gemm into that op's weights and
// bias (manual §10 "Conv+BN", "ConvTranspose+BN"): y = a * conv(x) + b with a = scale / sqrt(var
// + epsilon), b = B - mean * a per channel, so W'[m] = a[m] W[m] and bias'[m] = a[m] bias[m] +
// b[m]. The ONNX importer does not do this; exporters usually do (torch.onnx in eval mode), but
// models from other frameworks keep their BN nodes. The float result changes only by rounding.
#pragma once

#include "compiler/ir/graph.h"

namespace rknnsim::passes {

// Returns the number of BatchNormalization nodes folded.
int FoldBatchNorm(ir::Graph& graph);

}  // namespace rknnsim::passes
