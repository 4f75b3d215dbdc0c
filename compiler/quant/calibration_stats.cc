#include "compiler/quant/calibration_stats.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include "common/progress.h"
#include "compiler/quant/parallel.h"
#include "compiler/reference/float_executor.h"

namespace rknnsim::quant {
namespace {

struct SampleRange {
  float min = 0.0f;
  float max = 0.0f;
  bool seen = false;
};

// std::minmax_element's values (the first smallest, the last largest, by operator<) in one
// branch-free pass; an array holding NaN, where the order of comparisons matters, takes
// std::minmax_element itself.
struct Extremes {
  float min, max;
  bool has_nan;
};
Extremes ExtremesOf(const std::vector<float>& v) {
  float lo = v[0], hi = v[0];
  bool nan = false;
  for (const float x : v) {
    lo = x < lo ? x : lo;
    hi = x < hi ? hi : x;
    nan |= x != x;
  }
  if (!nan) return {lo, hi, false};
  const auto [min, max] = std::minmax_element(v.begin(), v.end());
  return {*min, *max, true};
}

int WorkerCount(int asked, size_t samples) {
  return static_cast<int>(std::clamp<size_t>(samples, 1, static_cast<size_t>(ThreadCount(asked))));
}

}  // namespace

std::vector<TensorStats> CollectStatistics(const ir::Graph& graph, const std::vector<Sample>& samples,
                                           const StatsOptions& options) {
  const size_t tensors = graph.tensors().size();
  // Per-sample extremes are kept and folded in sample order afterwards, so that min/max (NaN
  // included, whose std::min/std::max result depends on order) do not depend on the threads.
  std::vector<std::vector<SampleRange>> ranges(samples.size());
  const int workers = WorkerCount(options.threads, samples.size());
  std::vector<std::vector<ZeroAnchoredHistogram>> histograms(static_cast<size_t>(workers));
  std::vector<std::exception_ptr> errors(samples.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  Progress progress("calibrating", samples.size());
  std::mutex progress_mutex;
  auto work = [&](size_t worker) {
    if (options.histograms) histograms[worker].resize(tensors);
    for (size_t s = next++; s < samples.size() && !failed; s = next++) {
      std::vector<SampleRange>& range = ranges[s];
      range.resize(tensors);
      try {
        reference::RunFloatStreaming(graph, samples[s], [&](int id, const std::vector<float>& values) {
          const Extremes e = ExtremesOf(values);
          range[static_cast<size_t>(id)] = {e.min, e.max, true};
          if (!options.histograms) return;
          ZeroAnchoredHistogram& h = histograms[worker][static_cast<size_t>(id)];
          // Without NaN, finite extremes bound every value: skip Add's own scan.
          if (!e.has_nan && std::isfinite(e.min) && std::isfinite(e.max))
            h.AddWithin(values.data(), values.size(), e.min, e.max);
          else
            h.Add(values.data(), values.size());
        });
      } catch (...) {
        errors[s] = std::current_exception();
        failed = true;
      }
      const std::lock_guard<std::mutex> lock(progress_mutex);
      progress.Advance();
    }
  };
  if (workers == 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (int w = 0; w < workers; ++w) pool.emplace_back(work, static_cast<size_t>(w));
    for (std::thread& t : pool) t.join();
  }
  // Samples are taken in increasing order, so every sample before a failing one has run.
  for (const std::exception_ptr& error : errors)
    if (error) std::rethrow_exception(error);

  std::vector<TensorStats> stats(tensors);
  for (const std::vector<SampleRange>& sample : ranges)
    for (size_t t = 0; t < tensors; ++t) {
      const SampleRange& r = sample[t];
      if (!r.seen || graph.tensors()[t].is_constant) continue;
      TensorStats& st = stats[t];
      st.min = st.seen ? std::min(st.min, r.min) : r.min;
      st.max = st.seen ? std::max(st.max, r.max) : r.max;
      st.seen = true;
    }
  if (options.histograms)
    for (const std::vector<ZeroAnchoredHistogram>& worker : histograms)
      for (size_t t = 0; t < worker.size(); ++t) stats[t].histogram.Merge(worker[t]);
  return stats;
}

}  // namespace rknnsim::quant
