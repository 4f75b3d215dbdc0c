// quantized_algorithm='kl_divergence': TensorRT's entropy calibration adapted to asymmetric int8
// activations (docs/quantization.md §2.2). Weights are not affected (max-abs per channel).
#pragma once

#include "compiler/quant/calibration_stats.h"
#include "compiler/quant/quantizer.h"

namespace rknnsim::quant {

// TensorRT's histogram size: the tensor's histogram is coarsened (exactly) to at most this many
// bins, so each bin holds enough values for the comparison to measure clipping, not noise.
constexpr int64_t kKlBins = 2048;
// The int8 codes a window is quantized into when comparing distributions; also the smallest
// window, in bins.
constexpr int64_t kKlLevels = 256;
// Alternating searches of the upper and lower window ends stop after this many rounds at most.
constexpr int kKlRounds = 4;
// Count given to a bin where P > 0 but Q = 0 (MXNet's smoothing constant), so that clipping
// into an empty stretch of the histogram costs a finite amount.
constexpr double kKlEpsilon = 1e-4;

// The clipping range minimizing KL(P || Q) over candidate windows of the tensor's histogram;
// the `normal` range when the stats cannot be searched (no finite values, too few bins).
TensorRange KlDivergenceRange(const TensorStats& stats);

}  // namespace rknnsim::quant
