#include "compiler/quant/calibration_mmse.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "compiler/quant/calibration_window.h"

namespace rknnsim::quant {
namespace {

// O(1) expected squared error of a window from prefix sums over bins of count, count·center and
// count·center². Rounding noise of in-range values is modelled as uniform (s²/12 each); exact
// zeros are left out of it because 0.0 is always exactly representable (§2, step 1). A clipped
// value costs its squared distance to the range end, with its bin's spread (w²/12) added.
class MmseWindowCost {
 public:
  MmseWindowCost(const TensorStats& stats, const WindowGrid& grid) : stats_(stats), grid_(grid) {
    const ZeroAnchoredHistogram& h = stats.histogram;
    const double w = h.bin_width();
    std::vector<double> c(h.counts().size()), c1(c.size()), c2(c.size());
    for (size_t i = 0; i < c.size(); ++i) {
      const double center = (static_cast<double>(h.first_bin() + static_cast<int64_t>(i)) + 0.5) * w;
      c[i] = static_cast<double>(h.counts()[i]);
      c1[i] = c[i] * center;
      c2[i] = c1[i] * center;
    }
    count_ = PrefixSums(c), first_ = PrefixSums(c1), second_ = PrefixSums(c2);
    bin_noise_ = w * w / 12.0;
  }

  double operator()(int64_t a, int64_t b) const {
    const size_t ua = static_cast<size_t>(a), ub = static_cast<size_t>(b), n = count_.size() - 1;
    const double lo = LowerValue(stats_, grid_, a), hi = UpperValue(stats_, grid_, b);
    const double s = (hi - lo) / 255.0;
    const double inside = count_[ub] - count_[ua] - static_cast<double>(stats_.histogram.zeros());
    // Σ count·(center - e)² = Σc·center² - 2e·Σc·center + e²·Σc over the clipped bins.
    auto clipped = [&](size_t from, size_t to, double e) {
      const double k = count_[to] - count_[from];
      return second_[to] - second_[from] - 2.0 * e * (first_[to] - first_[from]) + e * e * k + k * bin_noise_;
    };
    return inside * s * s / 12.0 + clipped(0, ua, lo) + clipped(ub, n, hi);
  }

 private:
  const TensorStats& stats_;
  const WindowGrid& grid_;
  std::vector<double> count_, first_, second_;
  double bin_noise_ = 0.0;
};

// clamp(round_half_away_from_zero(q), -127, 127) for any non-NaN q, as §3 quantizes, without a
// branch or the libm call std::round becomes on baseline x86-64 (the search evaluates it dozens
// of times per weight). q is clamped to ±127.5 first (round(±127.5) clamps to ±127 anyway), so
// q ± 0.5 is exact in double and its truncation to int is the rounded value.
inline float RoundClamp127(float q) {
  const float c = std::min(std::max(q, -127.5f), 127.5f);
  const double half = c < 0.0f ? -0.5 : 0.5;
  const int r = static_cast<int>(static_cast<double>(c) + half);
  return static_cast<float>(std::min(std::max(r, -127), 127));
}

// Σ (w - s·q(w))² with four partial sums (a fixed order, so the result is deterministic) to
// let independent elements overlap.
double SquaredError(const float* weights, size_t count, float scale) {
  double partial[4] = {0.0, 0.0, 0.0, 0.0};
  for (size_t i = 0; i < count; ++i) {
    const double d = double(weights[i]) - double(scale * RoundClamp127(weights[i] / scale));
    partial[i % 4] += d * d;
  }
  return (partial[0] + partial[1]) + (partial[2] + partial[3]);
}

}  // namespace

float RoundClamp127ForTest(float q) { return RoundClamp127(q); }

TensorRange MmseRange(const TensorStats& stats) {
  if (!CanSearch(stats, kMmseMinBins)) return {stats.min, stats.max, stats.seen};
  const WindowGrid grid = MakeWindowGrid(stats.histogram);
  const MmseWindowCost cost(stats, grid);
  // Exhaustive over the candidate grid (at most ~513² pairs, each O(1)); widest first, so the
  // widest window wins ties.
  int64_t best_a = 0, best_b = grid.bins;
  double best = INFINITY;
  for (int64_t a : LowerCandidates(grid, grid.bins, kMmseMinBins))
    for (int64_t b : UpperCandidates(grid, a, kMmseMinBins)) {
      const double e = cost(a, b);
      if (e < best) best = e, best_a = a, best_b = b;
    }
  return WindowRange(stats, grid, best_a, best_b);
}

float MmseWeightThreshold(const float* weights, size_t count) {
  float max_abs = 0.0f;
  bool finite = true;
  for (size_t i = 0; i < count; ++i) {
    max_abs = std::max(max_abs, std::fabs(weights[i]));
    finite = finite && std::isfinite(weights[i]);
  }
  // Non-finite weights have no meaningful error (and no int8 value): keep max|w| as 'normal' does.
  if (!finite || max_abs == 0.0f) return max_abs;
  float best_threshold = max_abs;
  double best = INFINITY;
  for (int k = 0; k < kMmseWeightCandidates; ++k) {
    const float threshold = max_abs * (1.0f - static_cast<float>(k) / kMmseWeightSteps);
    const float scale = std::max(threshold, 1e-8f) / 127.0f;
    const double error = SquaredError(weights, count, scale);
    if (error < best) best = error, best_threshold = threshold;
  }
  return best_threshold;
}

}  // namespace rknnsim::quant
