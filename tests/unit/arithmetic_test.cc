#include "compiler/quant/arithmetic.h"

#include <cmath>

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
