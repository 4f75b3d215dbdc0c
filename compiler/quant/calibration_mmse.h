// quantized_algorithm='mmse': clipping ranges minimizing the squared quantization error, for
// each activation tensor (from its histogram) and for the weights of each output channel (or of
// the whole tensor with quantized_method='layer'), docs/quantization.md §2.2 and §3.
#pragma once

#include <cstddef>

#include "compiler/quant/calibration_stats.h"
#include "compiler/quant/quantizer.h"

namespace rknnsim::quant {

// Windows shorter than this many bins are not considered (they cannot resolve 256 codes).
constexpr int64_t kMmseMinBins = 256;

// The activation range [lo, hi] (lo <= 0 <= hi) minimizing the expected squared error
//   Σ_in-range (count - exact zeros) · s²/12  +  Σ_clipped count · ((center - end)² + w²/12),
// s = (hi - lo) / 255, over all candidate window pairs; `normal` when the stats cannot be searched.
TensorRange MmseRange(const TensorStats& stats);

// Weight clipping: thresholds T_k = max|w| · (1 - k / kMmseWeightSteps), k < kMmseWeightCandidates,
// each scored by the exact error Σ (w - s·clamp(round(w / s), -127, 127))² with s = max(T, 1e-8)/127
// as §3 quantizes; returns the T with the smallest error (the largest T on ties), or max|w| when a
// weight is not finite.
constexpr int kMmseWeightSteps = 64;
constexpr int kMmseWeightCandidates = 32;  // down to 0.52 · max|w|
float MmseWeightThreshold(const float* weights, size_t count);

// The rounding the search uses, exposed for its test: equals std::clamp(std::round(q), -127, 127).
float RoundClamp127ForTest(float q);

}  // namespace rknnsim::quant
