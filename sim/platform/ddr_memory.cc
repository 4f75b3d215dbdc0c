#include "sim/platform/ddr_memory.h"

#include <algorithm>
#include <cstring>

namespace rknnsim::sim {

using sc_core::SC_NS;
using sc_core::sc_time;

DdrMemory::DdrMemory(sc_core::sc_module_name name, const isa::PlatformConfig& p)
    : sc_module(name),
      socket("socket"),
      time_per_byte_(1.0 / (p.ddr_bandwidth_gbps * p.ddr_efficiency), SC_NS),
      latency_(p.ddr_latency_ns, SC_NS),
      busy_until_(sc_core::SC_ZERO_TIME) {
  socket.register_b_transport(this, &DdrMemory::b_transport);
}

void DdrMemory::Resize(uint64_t bytes) { storage_.assign(bytes, 0); }

void DdrMemory::b_transport(int, tlm::tlm_generic_payload& trans, sc_time& delay) {
  const uint64_t addr = trans.get_address();
  const uint64_t len = trans.get_data_length();
  if (addr > storage_.size() || len > storage_.size() - addr) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (unsigned char* data = trans.get_data_ptr()) {
    if (trans.is_read()) std::memcpy(data, storage_.data() + addr, len);
    if (trans.is_write()) std::memcpy(storage_.data() + addr, data, len);
  }
  // The transfer starts when the initiator issues it or when the channel frees, whichever is
  // later; the initiator sees the data after the transfer plus the access latency.
  const sc_time issue = sc_core::sc_time_stamp() + delay;
  const sc_time start = std::max(issue, busy_until_);
  busy_until_ = start + time_per_byte_ * static_cast<double>(len);
  delay = busy_until_ + latency_ - sc_core::sc_time_stamp();
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace rknnsim::sim
