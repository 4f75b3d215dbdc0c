// Where stored bytes come from, when their owner can vouch for them: bytes of a region that has
// not changed since it was filled in `epoch` (a number never reused), `offset` bytes into it. Two
// holders with the same nonzero epoch and offset (and size) hold the same bytes. DDR hands them
// out (sim/platform/stored_epoch_query.h); the convolutions' weight cache relies on them
// (common/host_conv.h).
#pragma once

#include <cstdint>

namespace rknnsim {

struct StoredEpoch {
  uint64_t epoch = 0;  // 0: no one vouches, the bytes are compared
  uint64_t offset = 0;
};

}  // namespace rknnsim
