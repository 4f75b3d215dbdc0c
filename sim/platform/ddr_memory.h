// DDR behind the NPU's AXI ports: a byte array with one shared bandwidth and a per-transaction
// latency. All units (and, on multi-core parts, all cores) queue on the same channel, which is
// how contention arises. Timing-only runs send transactions without data (null data pointer).
#pragma once

#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "isa/platform_config.h"

namespace rknnsim::sim {

class DdrMemory : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<DdrMemory> socket;

  DdrMemory(sc_core::sc_module_name name, const isa::PlatformConfig& platform);

  void Resize(uint64_t bytes);
  uint8_t* data() { return storage_.data(); }
  uint64_t size() const { return storage_.size(); }

 private:
  void b_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  std::vector<uint8_t> storage_;
  sc_core::sc_time time_per_byte_;
  sc_core::sc_time latency_;
  sc_core::sc_time busy_until_;  // the channel is occupied until then
};

}  // namespace rknnsim::sim
