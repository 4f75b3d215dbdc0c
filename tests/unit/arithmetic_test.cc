#include "compiler/quant/arithmetic.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "compiler/quant/quantizer.h"

namespace rknnsim::quant {
namespace {

TEST(Requant, ScaleIsNormalizedFifteenBitMantissa) {
  for (double m : {1e-6, 0.0123, 0.37, 0.5, 0.99999, 1.0, 3.7, 250.0}) {
    const Requant r = MakeRequant(m);
    EXPECT_GE(r.scale, 1 << 14) << m;
    EXPECT_LT(r.scale, 1 << 15) << m;
    EXPECT_NEAR(std::ldexp(double(r.scale), -r.shift), m, m * 1e-4) << m;
  }
}

TEST(Requant, RoundingCarryRenormalizes) {
  const Requant r = MakeRequant(0.99999999);  // rounds up to 2^15 at the natural shift
  EXPECT_EQ(r.scale, 1 << 14);
  EXPECT_EQ(r.shift, 14);
}

TEST(Requant, ShiftRoundsHalfTowardsPositiveInfinity) {
  EXPECT_EQ(RoundingShiftRight(5, 1), 3);    // 2.5 -> 3
  EXPECT_EQ(RoundingShiftRight(-5, 1), -2);  // -2.5 -> -2
  EXPECT_EQ(RoundingShiftRight(7, 2), 2);    // 1.75 -> 2
  EXPECT_EQ(RoundingShiftRight(-7, 2), -2);  // -1.75 -> -2
  EXPECT_EQ(RoundingShiftRight(9, 0), 9);
}

TEST(Quantize, RoundsHalfAwayFromZeroAndSaturates) {
  EXPECT_EQ(QuantizeValue(0.5f, 1.0f, 0), 1);
  EXPECT_EQ(QuantizeValue(-0.5f, 1.0f, 0), -1);
  EXPECT_EQ(QuantizeValue(1000.0f, 1.0f, 0), 127);
  EXPECT_EQ(QuantizeValue(-1000.0f, 1.0f, 10), -128);
  EXPECT_EQ(QuantizeValue(std::nanf(""), 1.0f, 7), 7);
}

// The definition, std::round of the quotient, against the implementation on halves, their
// neighbours, the saturation edges, infinities, NaN and random values over every magnitude.
TEST(Quantize, EqualsRoundHalfAwayFromZeroOfTheQuotient) {
  const auto definition = [](float x, float scale, int32_t zp, int64_t lo, int64_t hi) -> int64_t {
    const float r = std::round(x / scale);
    if (!(r == r)) return std::clamp<int64_t>(zp, lo, hi);
    return std::clamp<int64_t>(static_cast<int64_t>(std::clamp(r, -1e6f, 1e6f)) + zp, lo, hi);
  };
  std::vector<float> xs = {0.0f, -0.0f, 1e6f, -1e6f, 1e6f + 64, -1e6f - 64, 999999.5f, -999999.5f, 1e30f, -1e30f,
                           std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                           std::numeric_limits<float>::denorm_min(), std::nanf("")};
  for (int i = -300; i <= 300; ++i)
    for (float half : {i + 0.5f, static_cast<float>(i)})
      xs.insert(xs.end(), {half, std::nextafter(half, 1e9f), std::nextafter(half, -1e9f)});
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> exponent(-30.0f, 30.0f), sign(-1.0f, 1.0f);
  for (int i = 0; i < 200000; ++i) xs.push_back(std::copysign(std::exp2(exponent(rng)), sign(rng)));
  for (float scale : {1.0f, 0.5f, 0.0078125f, 0.0123f, 3.7f})
    for (int32_t zp : {0, -128, 17, 255})
      for (float x : xs) {
        ASSERT_EQ(QuantizeClamped(x, scale, zp, -128, 127), definition(x, scale, zp, -128, 127)) << x << " " << scale;
        ASSERT_EQ(QuantizeClamped(x, scale, zp, 0, 255), definition(x, scale, zp, 0, 255)) << x << " " << scale;
      }
}

TEST(Quantize, AsymmetricRangeIncludesZero) {
  const ir::QuantParams q = AsymmetricInt8(0.5f, 2.0f);  // widened to [0, 2]
  EXPECT_FLOAT_EQ(q.scale[0], 2.0f / 255.0f);
  EXPECT_EQ(q.zero_point[0], -128);
  EXPECT_EQ(QuantizeValue(0.0f, q.scale[0], q.zero_point[0]), -128);
  const ir::QuantParams s = AsymmetricInt8(-1.0f, 1.0f);
  EXPECT_EQ(s.zero_point[0], -1);  // round(-128 + 127.5) = round(-0.5) = -1 (half away from zero)
}

TEST(AddRequant, SharesOneShift) {
  const AddRequant r = MakeAddRequant(0.75, 0.1);
  EXPECT_GE(r.scale_a, 1 << 14);
  EXPECT_LT(r.scale_a, 1 << 15);
  EXPECT_NEAR(std::ldexp(double(r.scale_b), -r.shift), 0.1, 1e-4);
}

}  // namespace
}  // namespace rknnsim::quant
