#include "compiler/quant/calibration.h"

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "compiler/quant/calibration_kl.h"
#include "compiler/quant/calibration_mmse.h"
#include "compiler/quant/calibration_stats.h"
#include "compiler/quant/parallel.h"

namespace rknnsim::quant {

void CheckAlgorithmAndMethod(const QuantConfig& config) {
  const std::string& a = config.quantized_algorithm;
  if (a != "normal" && a != "kl_divergence" && a != "mmse")
    throw Error("unknown quantized_algorithm '" + a + "'", "use normal, kl_divergence or mmse");
  const std::string& m = config.quantized_method;
  if (m != "channel" && m != "layer") throw Error("unknown quantized_method '" + m + "'", "use channel or layer");
}

std::vector<TensorRange> Calibrate(const ir::Graph& graph, const std::vector<Sample>& samples,
                                   const QuantConfig& config, int threads) {
  CheckAlgorithmAndMethod(config);
  const std::string& algorithm = config.quantized_algorithm;
  StatsOptions options;
  options.histograms = algorithm != "normal";
  options.threads = threads;
  const std::vector<TensorStats> stats = CollectStatistics(graph, samples, options);
  std::vector<TensorRange> ranges(stats.size());
  // Each tensor's search reads only its own stats: spread over threads, same result.
  ParallelFor(stats.size(), threads, [&](size_t t) {
    const TensorStats& s = stats[t];
    if (algorithm == "kl_divergence")
      ranges[t] = KlDivergenceRange(s);
    else if (algorithm == "mmse")
      ranges[t] = MmseRange(s);
    else
      ranges[t] = {s.min, s.max, s.seen};
  });
  for (size_t t = 0; t < stats.size(); ++t)
    if (stats[t].seen && algorithm != "normal")
      spdlog::debug("calibration {}: tensor '{}' min/max [{}, {}] -> [{}, {}]", algorithm, graph.tensors()[t].name,
                    stats[t].min, stats[t].max, ranges[t].min, ranges[t].max);
  return ranges;
}

WeightQuantOptions WeightOptionsFor(const QuantConfig& config, int threads) {
  CheckAlgorithmAndMethod(config);
  WeightQuantOptions options;
  options.per_layer = config.quantized_method == "layer";
  options.mmse_clip = config.quantized_algorithm == "mmse";
  options.threads = threads;
  return options;
}

}  // namespace rknnsim::quant
