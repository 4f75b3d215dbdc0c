// DDR behind the NPU's AXI ports: a byte array with one shared bandwidth and a per-transaction
// latency. All units (and, on multi-core parts, all cores) share the same channel, which is how
// contention arises. Contention is resolved per transaction, not per cycle: the channel keeps a
// calendar of the intervals it is busy, and a transaction occupies the free time from its issue
// on until its bytes have moved, filling gaps other masters left (e.g. while one core waits out
// a latency) before queueing at the end. With a single master this is a plain FIFO. Loosely
// timed initiators reserve ahead of simulated time, so the calendar, not the order in which
// SystemC runs the cores' threads, decides who waits. Timing-only runs send transactions without
// data (null data pointer).
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "common/stored_epoch.h"
#include "isa/platform_config.h"

namespace rknnsim::sim {

// Bytes placed in DDR before a run (a weight image, an input surface).
struct DdrImage {
  uint64_t addr;
  const uint8_t* data;
  uint64_t bytes;
  bool constant = false;  // a weight image: no task is meant to write it
};

class DdrMemory : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<DdrMemory> socket;

  DdrMemory(sc_core::sc_module_name name, const isa::PlatformConfig& platform);

  // Starts a run: `bytes` of DDR holding the images (each inside [0, bytes)) and zeros elsewhere.
  // Only the bytes no image covers are cleared, so a network's weights are written once, not
  // zeroed first. A constant image that DDR already holds, untouched since the last Load, keeps
  // its epoch (see StoredEpochQuery); any other gets a new one.
  void Load(uint64_t bytes, std::vector<DdrImage> images);
  uint8_t* data() { return storage_.data(); }
  uint64_t size() const { return storage_.size(); }

 private:
  void b_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(int port, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);

  std::vector<uint8_t> storage_;
  sc_core::sc_time time_per_byte_;
  sc_core::sc_time latency_;
  // Reserves `duration` of channel time from `issue` on; returns when the last byte has moved.
  sc_core::sc_time Reserve(sc_core::sc_time issue, sc_core::sc_time duration);

  std::map<sc_core::sc_time, sc_core::sc_time> busy_;  // disjoint busy intervals: start -> end

  // The constant images of the last Load: where, since which epoch, and whether a write has
  // touched them since (then they are reloaded, and vouched for no more).
  struct ConstantRegion {
    uint64_t addr, bytes, epoch;
    bool written;
  };
  std::vector<ConstantRegion> constants_;
  void NoteWrite(uint64_t addr, uint64_t len);
  StoredEpoch EpochOf(uint64_t addr, uint64_t len) const;
};

}  // namespace rknnsim::sim
