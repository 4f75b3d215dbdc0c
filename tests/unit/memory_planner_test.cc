#include "compiler/lower/memory_planner.h"

#include <gtest/gtest.h>

namespace rknnsim::lower {
namespace {

TEST(MemoryPlanner, ReusesMemoryOfDeadBuffers) {
  // A chain a -> b -> c: a and c never live together, so they may share bytes.
  const std::vector<BufferRequest> reqs = {{1000, -1, 0}, {1000, 0, 1}, {1000, 1, 2}};
  const MemoryLayout layout = PlanBuffers(reqs, 64);
  EXPECT_TRUE(LayoutIsSafe(reqs, layout));
  EXPECT_LE(layout.total_bytes, 2 * 1024u);
}

TEST(MemoryPlanner, RandomLifetimesNeverOverlap) {
  std::vector<BufferRequest> reqs;
  uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1103515245u + 12345u; };
  for (int i = 0; i < 200; ++i) {
    const int first = static_cast<int>(next() % 50);
    reqs.push_back({1 + next() % 5000, first, first + static_cast<int>(next() % 10)});
  }
  const MemoryLayout layout = PlanBuffers(reqs, 64);
  EXPECT_TRUE(LayoutIsSafe(reqs, layout));
  for (uint64_t off : layout.offsets) EXPECT_EQ(off % 64, 0u);
}

TEST(MemoryPlanner, DetectsUnsafeLayout) {
  const std::vector<BufferRequest> reqs = {{100, 0, 2}, {100, 1, 3}};
  MemoryLayout bad;
  bad.offsets = {0, 50};
  EXPECT_FALSE(LayoutIsSafe(reqs, bad));
}

}  // namespace
}  // namespace rknnsim::lower
