#include "compiler/quant/calibration_kl.h"

#include <cmath>

#include "compiler/quant/calibration_window.h"

namespace rknnsim::quant {
namespace {

double XLogX(double x) { return x > 0.0 ? x * std::log(x) : 0.0; }

// KL(P || Q) for the window [a, b), in O(kKlLevels) from prefix sums (TensorRT / MXNet's
// construction, with exact zeros left out of every count, as pytorch-quantization's skip_zeros:
// 0.0 is always exactly representable, and a ReLU's spike at 0 would otherwise dominate):
//  - P: the window's counts, with everything below a added to its first bin and everything from
//    b on added to its last bin (clipped values land on the range ends);
//  - Q: the window's own counts (clipped values left out) merged into kKlLevels groups of
//    consecutive bins (bounds a + floor(k·L / kKlLevels)), each group's mass spread evenly over
//    the group's bins where P > 0; a group with P > 0 but no mass gets kKlEpsilon per such bin;
//  - both normalized: KL = Σ (p/T)·log((p/T) / (q/R)), T = Σ P, R = Σ Q
//    = (Σ p·log p − Σ_groups mass_P·log(mass_Q / nonzero bins)) / T + log(R / T).
class KlWindowCost {
 public:
  KlWindowCost(std::vector<double> counts) : counts_(std::move(counts)) {
    std::vector<double> nz(counts_.size()), xlogx(counts_.size());
    for (size_t i = 0; i < counts_.size(); ++i) {
      nz[i] = counts_[i] > 0.0 ? 1.0 : 0.0;
      xlogx[i] = XLogX(counts_[i]);
    }
    count_ = PrefixSums(counts_), nonzero_ = PrefixSums(nz), xlogx_ = PrefixSums(xlogx);
  }

  double operator()(int64_t a, int64_t b) const {
    const size_t ua = static_cast<size_t>(a), ub = static_cast<size_t>(b), n = counts_.size();
    const double total = count_[n];
    const double below = count_[ua], above = total - count_[ub], kept = total - below - above;
    if (total <= 0.0 || kept <= 0.0) return INFINITY;
    const double first = counts_[ua], last = counts_[ub - 1];
    const double p_first = first + below, p_last = last + above;
    const double p_log_p = xlogx_[ub] - xlogx_[ua] - XLogX(first) - XLogX(last) + XLogX(p_first) + XLogX(p_last);
    const int64_t length = b - a;
    double p_log_q = 0.0;
    for (int64_t k = 0; k < kKlLevels; ++k) {
      const size_t lo = static_cast<size_t>(a + k * length / kKlLevels);
      const size_t hi = static_cast<size_t>(a + (k + 1) * length / kKlLevels);
      const double mass_q = count_[hi] - count_[lo];
      double mass_p = mass_q, bins = nonzero_[hi] - nonzero_[lo];
      if (lo == ua) mass_p += below, bins += double(p_first > 0.0) - double(first > 0.0);
      if (hi == ub) mass_p += above, bins += double(p_last > 0.0) - double(last > 0.0);
      if (mass_p <= 0.0) continue;
      p_log_q += mass_p * (mass_q > 0.0 ? std::log(mass_q / bins) : std::log(kKlEpsilon));
    }
    return (p_log_p - p_log_q) / total + std::log(kept / total);
  }

 private:
  std::vector<double> counts_;
  std::vector<double> count_, nonzero_, xlogx_;
};

// The candidate with the smallest cost; the widest one (listed first) wins ties.
template <typename Cost>
int64_t ArgMin(const std::vector<int64_t>& candidates, int64_t current, Cost cost) {
  int64_t best = current;
  double best_cost = INFINITY;
  for (int64_t c : candidates) {
    const double v = cost(c);
    if (v < best_cost) best_cost = v, best = c;
  }
  return best;
}

}  // namespace

TensorRange KlDivergenceRange(const TensorStats& full) {
  if (!CanSearch(full, kKlLevels)) return {full.min, full.max, full.seen};
  TensorStats stats;
  stats.min = full.min, stats.max = full.max, stats.seen = full.seen;
  stats.histogram = full.histogram;
  stats.histogram.CoarsenTo(kKlBins);
  if (!CanSearch(stats, kKlLevels)) return {full.min, full.max, full.seen};
  const WindowGrid grid = MakeWindowGrid(stats.histogram);
  std::vector<double> counts(stats.histogram.counts().begin(), stats.histogram.counts().end());
  counts[static_cast<size_t>(grid.zero)] -= static_cast<double>(stats.histogram.zeros());
  const KlWindowCost cost(std::move(counts));
  // TensorRT searches one threshold on |x|; an asymmetric range has two ends, searched in turn
  // (upper with the lower fixed, then lower with the upper fixed) from the full range. A tensor
  // without negative values has a single lower candidate (0), which is TensorRT's 1-D search.
  int64_t a = 0, b = grid.bins;
  for (int round = 0; round < kKlRounds; ++round) {
    const int64_t new_b = ArgMin(UpperCandidates(grid, a, kKlLevels), b, [&](int64_t c) { return cost(a, c); });
    const int64_t new_a = ArgMin(LowerCandidates(grid, new_b, kKlLevels), a, [&](int64_t c) { return cost(c, new_b); });
    const bool moved = new_a != a || new_b != b;
    a = new_a, b = new_b;
    if (!moved) break;
  }
  return WindowRange(stats, grid, a, b);
}

}  // namespace rknnsim::quant
