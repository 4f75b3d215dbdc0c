// Clipping windows on a ZeroAnchoredHistogram, shared by the kl_divergence and mmse searches
// (docs/quantization.md §2.2). A window is a run of whole bins [a, b) (local indices into
// counts()) that contains the bin edge at 0; its float range is [a·w, b·w] in bin units, except
// that a window reaching an end of the histogram keeps the observed min or max there, so the
// widest window is exactly the `normal` range.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/quant/calibration_stats.h"
#include "compiler/quant/quantizer.h"

namespace rknnsim::quant {

// At most this many candidate positions per window end (plus the histogram's end itself):
// the search cost stays fixed whatever the bin count.
constexpr int64_t kWindowCandidates = 512;

struct WindowGrid {
  int64_t bins = 0;    // counts().size()
  int64_t zero = 0;    // local index of the edge at 0 (= -first_bin())
  int64_t stride = 1;  // candidate spacing in bins
};
WindowGrid MakeWindowGrid(const ZeroAnchoredHistogram& h);

// Candidate ends, from the widest inward: lower ends a in {0} ∪ {zero - k·stride, k >= 0}, upper
// ends b in {bins} ∪ {zero + k·stride, k >= 1} (so the bin [0, w) holding exact zeros is always
// inside), keeping windows of at least `min_bins` bins against the other end.
std::vector<int64_t> LowerCandidates(const WindowGrid& grid, int64_t upper_end, int64_t min_bins);
std::vector<int64_t> UpperCandidates(const WindowGrid& grid, int64_t lower_end, int64_t min_bins);

// Float value of a window end: the observed min/max at the histogram's ends, else the bin edge.
double LowerValue(const TensorStats& stats, const WindowGrid& grid, int64_t a);
double UpperValue(const TensorStats& stats, const WindowGrid& grid, int64_t b);

// True when the stats allow a histogram search: seen, finite min/max and a histogram wide enough.
bool CanSearch(const TensorStats& stats, int64_t min_bins);

TensorRange WindowRange(const TensorStats& stats, const WindowGrid& grid, int64_t a, int64_t b);

// Prefix sums over bins (size bins + 1), in double, for O(1) sums over any run of bins.
std::vector<double> PrefixSums(const std::vector<double>& per_bin);

}  // namespace rknnsim::quant
