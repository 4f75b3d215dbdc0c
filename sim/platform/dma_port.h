// A unit's DMA master: reads and writes DDR through a TLM initiator socket, adding the transfer
// time to the task's timing record. Functional data moves only when `data` is non-null.
#pragma once

#include <cstdint>

#include <tlm_utils/simple_initiator_socket.h>

#include "common/error.h"
#include "sim/platform/stored_epoch_query.h"
#include "sim/platform/task_extension.h"

namespace rknnsim::sim {

template <typename Owner>
class DmaPort {
 public:
  explicit DmaPort(const char* name) : socket(name) {}

  tlm_utils::simple_initiator_socket<Owner> socket;

  void Read(uint64_t addr, uint8_t* data, uint64_t len, TaskTiming& timing) {
    Transfer(tlm::TLM_READ_COMMAND, addr, data, len, timing);
    timing.bytes_read += len;
  }
  // The bytes of [addr, addr + len) where DDR keeps them (TLM direct memory interface), without a
  // copy; the transfer is timed like Read. Valid until the simulation ends.
  const uint8_t* ReadInPlace(uint64_t addr, uint64_t len, TaskTiming& timing) {
    Read(addr, nullptr, len, timing);  // timing only; throws if the range is outside DDR
    return InPlace(addr, len);
  }
  // The same bytes without charging a transfer (data a unit already holds, e.g. resident weights).
  const uint8_t* InPlace(uint64_t addr, uint64_t len) { return Direct(tlm::TLM_READ_COMMAND, addr, len); }
  void Write(uint64_t addr, uint8_t* data, uint64_t len, TaskTiming& timing) {
    Transfer(tlm::TLM_WRITE_COMMAND, addr, data, len, timing);
    timing.bytes_written += len;
  }
  // Where the unit writes [addr, addr + len) in DDR itself, without a copy; the transfer is timed
  // like Write. Data moves when a transaction is issued (loosely timed), so a unit that fills the
  // bytes before its next transaction gives DDR the same contents as Write would.
  uint8_t* WriteInPlace(uint64_t addr, uint64_t len, TaskTiming& timing) {
    Write(addr, nullptr, len, timing);  // timing only; throws if the range is outside DDR
    return Direct(tlm::TLM_WRITE_COMMAND, addr, len);
  }
  // Since which load DDR has held [addr, addr + len) unchanged, when it can vouch for that (a
  // constant image no write has touched): a question without data or time (StoredEpochQuery).
  StoredEpoch UnchangedSince(uint64_t addr, uint64_t len) {
    StoredEpochQuery query;
    tlm::tlm_generic_payload trans;
    trans.set_command(tlm::TLM_IGNORE_COMMAND);
    trans.set_address(addr);
    trans.set_data_length(static_cast<unsigned int>(len));
    trans.set_streaming_width(static_cast<unsigned int>(len));
    struct Detach {  // the payload would delete an extension still attached when it is destroyed
      tlm::tlm_generic_payload& t;
      ~Detach() { t.clear_extension(static_cast<StoredEpochQuery*>(nullptr)); }
    } detach{trans};
    trans.set_extension(&query);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(trans, delay);
    return query.answer;
  }
  // A write of the bytes of [addr, addr + len) whose `enables` entry is TLM_BYTE_ENABLED (TLM
  // byte enables): one transaction for a strided write, charged for the enabled bytes.
  void WriteMasked(uint64_t addr, uint8_t* data, uint8_t* enables, uint64_t len, uint64_t enabled, TaskTiming& timing) {
    Transfer(tlm::TLM_WRITE_COMMAND, addr, data, len, timing, enables);
    timing.bytes_written += enabled;
  }

 private:
  uint8_t* Direct(tlm::tlm_command cmd, uint64_t addr, uint64_t len) {
    tlm::tlm_generic_payload trans;
    trans.set_command(cmd);
    trans.set_address(addr);
    tlm::tlm_dmi dmi;
    if (!socket->get_direct_mem_ptr(trans, dmi) || addr < dmi.get_start_address() || addr > dmi.get_end_address() ||
        len > dmi.get_end_address() - addr + 1)
      throw Error("NPU DMA outside DDR at address " + std::to_string(addr) + " (+" + std::to_string(len) + ")",
                  "the model file is inconsistent; recompile it");
    return dmi.get_dmi_ptr() + (addr - dmi.get_start_address());
  }
  void Transfer(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint64_t len, TaskTiming& timing,
                uint8_t* enables = nullptr) {
    tlm::tlm_generic_payload trans;
    if (enables) {
      trans.set_byte_enable_ptr(enables);
      trans.set_byte_enable_length(static_cast<unsigned int>(len));
    }
    trans.set_command(cmd);
    trans.set_address(addr);
    trans.set_data_ptr(data);
    trans.set_data_length(static_cast<unsigned int>(len));
    trans.set_streaming_width(static_cast<unsigned int>(len));
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    // Transfers of one task are issued back to back on the unit's port.
    sc_core::sc_time delay = timing.dma;
    socket->b_transport(trans, delay);
    if (trans.get_response_status() != tlm::TLM_OK_RESPONSE)
      throw Error("NPU DMA outside DDR at address " + std::to_string(addr) + " (+" + std::to_string(len) + ")",
                  "the model file is inconsistent; recompile it");
    timing.dma = delay;
  }
};

}  // namespace rknnsim::sim
