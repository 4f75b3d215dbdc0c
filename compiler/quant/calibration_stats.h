// One pass of the float32 reference over the calibration samples, collecting per activation
// tensor what the calibration algorithms choose a range from (docs/quantization.md §2):
// min/max always, value histograms when an algorithm needs them (kl_divergence, mmse).
#pragma once

#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/quant/dataset.h"
#include "compiler/quant/histogram.h"

namespace rknnsim::quant {

struct TensorStats {
  float min = 0.0f;  // over all elements of all samples, NaN/inf included as they come
  float max = 0.0f;
  bool seen = false;  // false for constants and tensors never produced
  ZeroAnchoredHistogram histogram;  // finite values only; empty unless histograms were asked
};

struct StatsOptions {
  bool histograms = false;
  // Worker threads running samples concurrently; 0 = the machine's hardware concurrency. The
  // statistics do not depend on it: min/max are folded in sample order and histograms are
  // order-independent (histogram.h).
  int threads = 0;
};

// Indexed by tensor id. Throws the error of the lowest-numbered failing sample, if any.
std::vector<TensorStats> CollectStatistics(const ir::Graph& graph, const std::vector<Sample>& samples,
                                           const StatsOptions& options);

}  // namespace rknnsim::quant
