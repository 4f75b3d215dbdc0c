// The DPU output converter's SIMD lanes (sim/kernels/dpu_requant) against its integer definition,
// clamp(R((acc + bias) · scale, shift) + zp, lo, hi) with R a right shift rounding half up, on
// random and extreme accumulators, biases, scales, shifts and clamps.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "sim/kernels/dpu_requant.h"
#include "unit_test_support.h"

namespace rknnsim::sim {
namespace {

using testing_support::OnEverySimdTarget;

int8_t Integer(int32_t acc, int32_t bias, int32_t scale, int32_t shift, int32_t zp, int32_t lo, int32_t hi) {
  const int64_t product = (int64_t{acc} + bias) * scale;
  const int64_t shifted = shift > 0 ? (product + (int64_t{1} << (shift - 1))) >> shift : product;
  return static_cast<int8_t>(std::clamp<int64_t>(shifted + zp, lo, hi));
}

TEST(DpuRequant, SimdLanesEqualTheIntegerDefinition) { OnEverySimdTarget([] {
  std::mt19937 rng(7);
  constexpr size_t kKernels = 48, kPixels = 64;
  const int32_t extremes[] = {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), 0, -1, 1};
  for (int trial = 0; trial < 200; ++trial) {
    std::uniform_int_distribution<int32_t> any(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
    std::uniform_int_distribution<int32_t> scale_of(-(1 << 20) + 1, (1 << 20) - 1), shift_of(0, 40), code(-128, 127);
    std::vector<int32_t> entries(kKernels * 3);  // {bias, scale, shift}
    for (size_t k = 0; k < kKernels; ++k) {
      entries[3 * k] = trial % 4 == 0 ? extremes[k % 5] : any(rng) >> (k % 24);
      entries[3 * k + 1] = k % 7 == 0 ? (1 << 20) - 1 : scale_of(rng);
      entries[3 * k + 2] = k % 11 == 0 ? 40 : shift_of(rng);
    }
    const int32_t zp = code(rng);
    int32_t lo = code(rng), hi = code(rng);
    if (lo > hi) std::swap(lo, hi);
    if (trial % 3 == 0) lo = -128, hi = 127;
    RequantLanes lanes;
    ASSERT_TRUE(PrepareRequantLanes(entries.data(), kKernels, zp, lo, hi, lanes));
    std::vector<int32_t> acc(kPixels * kKernels);
    for (size_t i = 0; i < acc.size(); ++i) acc[i] = i % 13 == 0 ? extremes[i % 5] : any(rng) >> (i % 31);
    for (size_t first = 0; first < kKernels; first += 16) {
      std::vector<int8_t> out(kPixels * 16, 0x5a);
      const size_t done = RequantizePixels(lanes, first, 16, acc.data() + first, kKernels, kPixels, out.data(), 16);
      ASSERT_GT(done, 0u);  // whole vectors of 8 or 16 lanes on x86 targets
      for (size_t p = 0; p < kPixels; ++p)
        for (size_t l = 0; l < done; ++l) {
          const int32_t* e = entries.data() + 3 * (first + l);
          ASSERT_EQ(out[p * 16 + l], Integer(acc[p * kKernels + first + l], e[0], e[1], e[2], zp, lo, hi))
              << "trial " << trial << " pixel " << p << " lane " << first + l;
        }
    }
  }
}); }

// Exact ties (the product's low `shift` bits 1000...) of both signs round up, as R does.
TEST(DpuRequant, TiesRoundHalfUpInBothSigns) {
  constexpr size_t kLanes = 16;
  std::vector<int32_t> entries(kLanes * 3);
  std::vector<int32_t> acc(kLanes);
  for (size_t k = 0; k < kLanes; ++k) {
    const int32_t shift = 1 + static_cast<int32_t>(k % 8);
    entries[3 * k] = 0, entries[3 * k + 1] = 1, entries[3 * k + 2] = shift;
    const int32_t half = 1 << (shift - 1), steps = static_cast<int32_t>(k) - 8;  // -8 .. 7 whole steps
    acc[k] = steps * (1 << shift) + half;  // exactly halfway between two codes
  }
  RequantLanes lanes;
  ASSERT_TRUE(PrepareRequantLanes(entries.data(), kLanes, 3, -128, 127, lanes));
  std::vector<int8_t> out(kLanes);
  const size_t done = RequantizePixels(lanes, 0, kLanes, acc.data(), kLanes, 1, out.data(), kLanes);
  ASSERT_GT(done, 0u);
  for (size_t k = 0; k < done; ++k)
    EXPECT_EQ(out[k], Integer(acc[k], 0, 1, entries[3 * k + 2], 3, -128, 127)) << "lane " << k;
}

TEST(DpuRequant, ClampsOrZeroPointsOutsideInt8TakeTheIntegerPath) {
  const int32_t entries[3] = {0, 1, 0};
  RequantLanes lanes;
  EXPECT_FALSE(PrepareRequantLanes(entries, 1, 0, -129, 127, lanes));
  EXPECT_FALSE(PrepareRequantLanes(entries, 1, 200, -128, 127, lanes));
  EXPECT_FALSE(PrepareRequantLanes(entries, 1, 0, 10, 5, lanes));
}

}  // namespace
}  // namespace rknnsim::sim
