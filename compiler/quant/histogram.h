// The value histogram that kl_divergence and mmse calibration read (docs/quantization.md §2.2).
//
// Bins have a power-of-two width w = 2^e and edges at integer multiples of w, and the covered
// span always includes 0: bin j counts the finite values in [j·w, (j+1)·w). The width is the
// smallest one (e >= kMinExponent) for which [min(lo, 0), max(hi, 0)] fits in kMaxBins bins, so
// a tensor's range is always resolved by more than kMaxBins / 2 bins. When the span grows, the
// width doubles by adding adjacent bin pairs, which is exact. Hence a histogram depends only on
// the multiset of values added, not on how they were split into Add calls nor on the order of
// Add and Merge: calibration can fill one histogram per thread and merge them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rknnsim::quant {

class ZeroAnchoredHistogram {
 public:
  static constexpr int64_t kMaxBins = 8192;
  static constexpr int kMinExponent = -126;  // w >= 2^-126: the bins of an all-zero tensor

  // Counts the finite values; NaN and ±inf are left out (they have no bin).
  void Add(const float* values, size_t count);
  // Add when the smallest and largest finite values are already known (lo <= every finite value
  // <= hi, both finite): saves a pass. Values outside [lo, hi] are a caller bug.
  void AddWithin(const float* values, size_t count, float lo, float hi);
  void Merge(const ZeroAnchoredHistogram& other);
  // Doubles the bin width (exactly, by adding bin pairs) until at most `max_bins` bins remain.
  // For reading: a coarsened histogram no longer has the minimal width for its span.
  void CoarsenTo(int64_t max_bins);

  bool empty() const { return total_ == 0; }
  uint64_t total() const { return total_; }
  uint64_t zeros() const { return zeros_; }  // values exactly 0.0 (included in bin 0's count)
  double bin_width() const;
  int64_t first_bin() const { return first_; }  // j of counts()[0]; always <= 0
  int64_t end_bin() const { return first_ + static_cast<int64_t>(counts_.size()); }  // always >= 1
  const std::vector<uint64_t>& counts() const { return counts_; }
  // Smallest and largest finite value added, widened to include 0.
  float lo() const { return lo_; }
  float hi() const { return hi_; }

 private:
  void Rebin(int exponent, int64_t first, int64_t end);

  int exponent_ = kMinExponent;
  int64_t first_ = 0;
  std::vector<uint64_t> counts_ = std::vector<uint64_t>(1, 0);  // bin 0 = [0, w)
  float lo_ = 0.0f;
  float hi_ = 0.0f;
  uint64_t total_ = 0;
  uint64_t zeros_ = 0;
};

}  // namespace rknnsim::quant
