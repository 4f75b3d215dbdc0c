// A question a DMA master asks DDR without moving data (a TLM_IGNORE_COMMAND transaction carrying
// this extension): since which load have the bytes of [address, address + length) been unchanged?
// DDR answers for the constant images of a run (weight images) that no write has touched since
// they were loaded; for anything else the epoch stays 0. The MAC array's weight cache uses the
// answer instead of comparing the weights byte by byte on every task (common/host_conv.h). A
// task's weights are those its CNA read at its start, as the CBUF holds them: a later write into
// them (no compiled program makes one) reaches the next task, which is no longer vouched for.
#pragma once

#include <tlm>

#include "common/stored_epoch.h"

namespace rknnsim::sim {

struct StoredEpochQuery : tlm::tlm_extension<StoredEpochQuery> {
  StoredEpoch answer;

  tlm::tlm_extension_base* clone() const override { return new StoredEpochQuery(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const StoredEpochQuery&>(other);
  }
};

}  // namespace rknnsim::sim
