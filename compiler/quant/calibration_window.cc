#include "compiler/quant/calibration_window.h"

#include <algorithm>
#include <cmath>

namespace rknnsim::quant {

WindowGrid MakeWindowGrid(const ZeroAnchoredHistogram& h) {
  WindowGrid g;
  g.bins = static_cast<int64_t>(h.counts().size());
  g.zero = -h.first_bin();
  g.stride = std::max<int64_t>(1, g.bins / kWindowCandidates);
  return g;
}

std::vector<int64_t> LowerCandidates(const WindowGrid& grid, int64_t upper_end, int64_t min_bins) {
  std::vector<int64_t> out;
  if (upper_end - 0 >= min_bins) out.push_back(0);
  for (int64_t a = grid.zero - (grid.zero - 1) / grid.stride * grid.stride; a <= grid.zero; a += grid.stride)
    if (a > 0 && upper_end - a >= min_bins) out.push_back(a);
  return out;
}

std::vector<int64_t> UpperCandidates(const WindowGrid& grid, int64_t lower_end, int64_t min_bins) {
  std::vector<int64_t> out;
  if (grid.bins - lower_end >= min_bins) out.push_back(grid.bins);
  const int64_t last = grid.zero + (grid.bins - 1 - grid.zero) / grid.stride * grid.stride;  // < bins
  for (int64_t b = last; b > grid.zero; b -= grid.stride)
    if (b < grid.bins && b - lower_end >= min_bins) out.push_back(b);
  return out;
}

double LowerValue(const TensorStats& stats, const WindowGrid& grid, int64_t a) {
  if (a == 0) return std::min(stats.min, 0.0f);
  return static_cast<double>(a - grid.zero) * stats.histogram.bin_width();
}

double UpperValue(const TensorStats& stats, const WindowGrid& grid, int64_t b) {
  if (b == grid.bins) return std::max(stats.max, 0.0f);
  return static_cast<double>(b - grid.zero) * stats.histogram.bin_width();
}

bool CanSearch(const TensorStats& stats, int64_t min_bins) {
  return stats.seen && std::isfinite(stats.min) && std::isfinite(stats.max) && !stats.histogram.empty() &&
         static_cast<int64_t>(stats.histogram.counts().size()) >= min_bins;
}

TensorRange WindowRange(const TensorStats& stats, const WindowGrid& grid, int64_t a, int64_t b) {
  TensorRange r;
  r.min = a == 0 ? stats.min : static_cast<float>(LowerValue(stats, grid, a));
  r.max = b == grid.bins ? stats.max : static_cast<float>(UpperValue(stats, grid, b));
  r.seen = true;
  return r;
}

std::vector<double> PrefixSums(const std::vector<double>& per_bin) {
  std::vector<double> sums(per_bin.size() + 1, 0.0);
  for (size_t i = 0; i < per_bin.size(); ++i) sums[i + 1] = sums[i] + per_bin[i];
  return sums;
}

}  // namespace rknnsim::quant
