#include "compiler/lower/memory_planner.h"

#include <algorithm>
#include <numeric>

namespace rknnsim::lower {
namespace {

bool LifetimesOverlap(const BufferRequest& a, const BufferRequest& b) {
  return a.first_use <= b.last_use && b.first_use <= a.last_use;
}

uint64_t AlignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

}  // namespace

MemoryLayout PlanBuffers(const std::vector<BufferRequest>& requests, uint64_t alignment) {
  MemoryLayout layout;
  layout.offsets.assign(requests.size(), 0);
  std::vector<size_t> order(requests.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return requests[a].bytes > requests[b].bytes; });
  std::vector<size_t> placed;
  for (size_t r : order) {
    // Occupied ranges of already placed buffers that are alive at the same time, by offset.
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    for (size_t p : placed)
      if (LifetimesOverlap(requests[r], requests[p]))
        busy.emplace_back(layout.offsets[p], layout.offsets[p] + requests[p].bytes);
    std::sort(busy.begin(), busy.end());
    // Best fit: the smallest gap that holds the buffer; otherwise after the last busy range.
    uint64_t cursor = 0, best = UINT64_MAX, best_gap = UINT64_MAX;
    for (const auto& [begin, end] : busy) {
      if (begin > cursor && begin - cursor >= requests[r].bytes && begin - cursor < best_gap) {
        best = cursor;
        best_gap = begin - cursor;
      }
      cursor = std::max(cursor, AlignUp(end, alignment));
    }
    layout.offsets[r] = best != UINT64_MAX ? best : cursor;
    layout.total_bytes = std::max(layout.total_bytes, AlignUp(layout.offsets[r] + requests[r].bytes, alignment));
    placed.push_back(r);
  }
  return layout;
}

bool LayoutIsSafe(const std::vector<BufferRequest>& requests, const MemoryLayout& layout) {
  for (size_t a = 0; a < requests.size(); ++a)
    for (size_t b = a + 1; b < requests.size(); ++b) {
      if (!LifetimesOverlap(requests[a], requests[b])) continue;
      const bool disjoint = layout.offsets[a] + requests[a].bytes <= layout.offsets[b] ||
                            layout.offsets[b] + requests[b].bytes <= layout.offsets[a];
      if (!disjoint) return false;
    }
  return true;
}

}  // namespace rknnsim::lower
