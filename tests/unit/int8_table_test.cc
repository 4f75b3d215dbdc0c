// common/int8_table against its definition, on every SIMD target and for counts around the
// vector width.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "common/int8_table.h"
#include "unit_test_support.h"

namespace rknnsim {
namespace {

TEST(Int8Table, EqualsTheByteLoopForAnyCount) { testing_support::OnEverySimdTarget([] {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> byte(0, 255);
  uint8_t table[256];
  for (uint8_t& e : table) e = static_cast<uint8_t>(byte(rng));
  // Random codes around the vector width, then every code at every position of a vector.
  constexpr size_t kSweep = 256 * 64;  // byte p of vector v holds code v + p
  for (size_t count : {size_t{0}, size_t{1}, size_t{63}, size_t{64}, size_t{65}, size_t{127}, size_t{200},
                       size_t{1000}, kSweep}) {
    std::vector<uint8_t> data(count), expected(count);
    for (size_t i = 0; i < count; ++i) {
      data[i] = static_cast<uint8_t>(count == kSweep ? i / 64 + i % 64 : byte(rng));
      expected[i] = table[static_cast<uint8_t>(static_cast<int8_t>(data[i]) + 128)];  // entry code + 128
    }
    ApplyInt8Table(table, data.data(), data.data(), count);
    EXPECT_EQ(data, expected) << count << " bytes";
  }
}); }

}  // namespace
}  // namespace rknnsim
