// DDR placement of feature maps with lifetime-based reuse: two buffers may share bytes only when
// their lifetimes (first write to last read, in task order) do not overlap. This is the plan
// behind eval_memory's "Internal Tensor Memory".
#pragma once

#include <cstdint>
#include <vector>

namespace rknnsim::lower {

struct BufferRequest {
  uint64_t bytes = 0;
  int first_use = 0;  // step that writes it (-1: before the first step, e.g. model inputs)
  int last_use = 0;   // last step that reads it (INT32_MAX-ish for model outputs)
};

struct MemoryLayout {
  std::vector<uint64_t> offsets;  // per request, relative to the internal region base
  uint64_t total_bytes = 0;
};

// Greedy best-fit by decreasing size; offsets aligned to `alignment` bytes.
MemoryLayout PlanBuffers(const std::vector<BufferRequest>& requests, uint64_t alignment);

// True when no two buffers with overlapping lifetimes overlap in memory.
bool LayoutIsSafe(const std::vector<BufferRequest>& requests, const MemoryLayout& layout);

}  // namespace rknnsim::lower
