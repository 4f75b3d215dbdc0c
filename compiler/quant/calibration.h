// RKNN-Toolkit2's config(quantized_algorithm=..., quantized_method=...): one statistics pass over
// the calibration samples, then each activation tensor's range is picked by the algorithm
// (docs/quantization.md §2.2): 'normal' min/max, 'kl_divergence' (calibration_kl.h) or 'mmse'
// (calibration_mmse.h).
#pragma once

#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/quant/dataset.h"
#include "compiler/quant/quant_config.h"
#include "compiler/quant/quantizer.h"

namespace rknnsim::quant {

// Throws Error naming the setting unless quantized_algorithm and quantized_method are known.
void CheckAlgorithmAndMethod(const QuantConfig& config);

// Activation ranges indexed by tensor id. `threads`: 0 = hardware concurrency; the result does not
// depend on it.
std::vector<TensorRange> Calibrate(const ir::Graph& graph, const std::vector<Sample>& samples,
                                   const QuantConfig& config, int threads = 0);

// The weight quantization the settings ask for (per-layer for 'layer', mmse clipping for 'mmse').
WeightQuantOptions WeightOptionsFor(const QuantConfig& config, int threads = 0);

}  // namespace rknnsim::quant
