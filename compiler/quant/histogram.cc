#include "compiler/quant/histogram.h"

#include <algorithm>
#include <cmath>

namespace rknnsim::quant {
namespace {

// Index of the bin holding x at width 2^e: floor(x · 2^-e). The product is exact in double (a
// power-of-two scaling of a float) and, for a value inside the span, within ±8193, so truncating
// to int64 and stepping down when that rounded up is the exact floor, without a libm call.
int64_t BinOf(double x, double inverse_width) {
  const double y = x * inverse_width;
  const int64_t t = static_cast<int64_t>(y);
  return t - (static_cast<double>(t) > y);
}

// Bins spanned by [lo, hi] at width 2^e, in double so that no width can overflow it.
double BinsSpanned(double lo, double hi, int e) {
  return std::floor(std::ldexp(hi, -e)) - std::floor(std::ldexp(lo, -e)) + 1.0;
}

// The smallest exponent >= `at_least` whose bins cover [lo, hi] within kMaxBins. Bins spanned
// never grow with the exponent, so starting from a lower bound and stepping up finds the minimum.
int FitExponent(double lo, double hi, int at_least) {
  int e = at_least;
  if (hi > lo) e = std::max(e, std::ilogb(hi - lo) - 13);  // (hi-lo)/2^e >= 8192: not above the minimum
  while (BinsSpanned(lo, hi, e) > double(ZeroAnchoredHistogram::kMaxBins)) ++e;
  return e;
}

// floor(j / 2^shift) for a coarser width; >> on a negative int64 floors (C++20 semantics, and
// what GCC and Clang do in C++17), and a shift of 63 already maps every j to 0 or -1.
int64_t Coarsen(int64_t j, int shift) { return j >> std::min(shift, 63); }

}  // namespace

double ZeroAnchoredHistogram::bin_width() const { return std::ldexp(1.0, exponent_); }

void ZeroAnchoredHistogram::Rebin(int exponent, int64_t first, int64_t end) {
  std::vector<uint64_t> counts(static_cast<size_t>(end - first), 0);
  const int shift = exponent - exponent_;
  for (size_t i = 0; i < counts_.size(); ++i)
    if (counts_[i]) counts[static_cast<size_t>(Coarsen(first_ + static_cast<int64_t>(i), shift) - first)] += counts_[i];
  exponent_ = exponent;
  first_ = first;
  counts_ = std::move(counts);
}

void ZeroAnchoredHistogram::Add(const float* values, size_t count) {
  float lo = 0.0f, hi = 0.0f;
  bool any = false;
  for (size_t i = 0; i < count; ++i) {
    if (!std::isfinite(values[i])) continue;
    lo = std::min(lo, values[i]);
    hi = std::max(hi, values[i]);
    any = true;
  }
  if (any) AddWithin(values, count, lo, hi);
}

void ZeroAnchoredHistogram::AddWithin(const float* values, size_t count, float lo, float hi) {
  lo = std::min({lo_, lo, 0.0f});
  hi = std::max({hi_, hi, 0.0f});
  const int e = FitExponent(lo, hi, exponent_);
  const double inverse = std::ldexp(1.0, -e);
  Rebin(e, BinOf(lo, inverse), BinOf(hi, inverse) + 1);
  lo_ = lo, hi_ = hi;
  uint64_t added = 0, zeros = 0;
  for (size_t i = 0; i < count; ++i) {
    const float x = values[i];
    if (!std::isfinite(x)) continue;
    ++counts_[static_cast<size_t>(BinOf(x, inverse) - first_)];
    ++added;
    zeros += x == 0.0f;
  }
  total_ += added;
  zeros_ += zeros;
}

void ZeroAnchoredHistogram::Merge(const ZeroAnchoredHistogram& other) {
  if (other.empty()) return;
  const float lo = std::min(lo_, other.lo_), hi = std::max(hi_, other.hi_);
  const int e = FitExponent(lo, hi, std::max(exponent_, other.exponent_));
  const double inverse = std::ldexp(1.0, -e);
  Rebin(e, BinOf(lo, inverse), BinOf(hi, inverse) + 1);
  lo_ = lo, hi_ = hi;
  const int shift = e - other.exponent_;
  for (size_t i = 0; i < other.counts_.size(); ++i)
    if (other.counts_[i])
      counts_[static_cast<size_t>(Coarsen(other.first_ + static_cast<int64_t>(i), shift) - first_)] += other.counts_[i];
  total_ += other.total_;
  zeros_ += other.zeros_;
}

void ZeroAnchoredHistogram::CoarsenTo(int64_t max_bins) {
  int e = exponent_;
  while (BinsSpanned(lo_, hi_, e) > double(std::max<int64_t>(max_bins, 1))) ++e;
  if (e == exponent_) return;
  const double inverse = std::ldexp(1.0, -e);
  Rebin(e, BinOf(lo_, inverse), BinOf(hi_, inverse) + 1);
}

}  // namespace rknnsim::quant
