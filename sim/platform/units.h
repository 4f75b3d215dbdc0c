// The NPU's functional units as SystemC modules (NVDLA names: docs/hardware_sources.md §1): CNA
// fetches feature rows and weights into the CBUF, CORE multiplies and accumulates, DPU
// converts/activates and writes back (and runs element-wise tasks on its own), PPU pools. Each
// handles one task (or tile) per transaction and calls the plain C++ kernels and cost model.
#pragma once

#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "isa/platform_config.h"
#include "sim/kernels/npu_kernels.h"
#include "sim/platform/dma_port.h"
#include "sim/platform/task_extension.h"

namespace rknnsim::sim {

// Work handed from CNA to CORE to DPU for one conv tile.
struct ConvWork {
  FeatureTile input;
  const uint8_t* weights = nullptr;
  StoredEpoch weights_since;                // DDR's vouch for the weights (DmaPort::UnchangedSince)
  std::vector<int8_t> nhwc;                 // the int8 tile unpacked for the MAC array (unless read in place)
  std::unique_ptr<ConvRowsInt8> sums_int8;  // int8: CORE's sums, taken by the DPU block by block
  std::vector<int32_t> acc_int8;            // Rockchip's conv tasks (Task::regcmd)
  std::vector<float> acc_fp16;
  // Rockchip's conv tasks (Task::regcmd) only: the fetched tile and the window sums.
  RegcmdTile regcmd_input;
  std::vector<int32_t> window_sums;
};

// A unit's working buffer, kept from task to task: a large tile allocated per task costs a fresh
// mapping and its page faults every time. What Take returns holds unspecified bytes.
class ScratchBuffer {
 public:
  uint8_t* Take(size_t bytes) {
    if (bytes_.size() < bytes) bytes_.resize(bytes);
    return bytes_.data();
  }

 private:
  std::vector<uint8_t> bytes_;
};

class Dpu : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Dpu> from_core;     // conv output conversion
  tlm_utils::simple_target_socket<Dpu> from_command;  // element-wise tasks (flying mode)
  DmaPort<Dpu> dma;

  Dpu(sc_core::sc_module_name name, const isa::PlatformConfig& platform);

 private:
  void ConvOutput(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  void Eltwise(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  void Upsample(tlm::tlm_generic_payload& trans, TaskExtension& ext);
  void ZeroInsert(tlm::tlm_generic_payload& trans, TaskExtension& ext);
  void Multiply(tlm::tlm_generic_payload& trans, TaskExtension& ext);
  void RegcmdConvOutput(tlm::tlm_generic_payload& trans, TaskExtension& ext);
  void RegcmdDpu(tlm::tlm_generic_payload& trans, TaskExtension& ext);
  void RegcmdMove(tlm::tlm_generic_payload& trans, TaskExtension& ext);
  const isa::PlatformConfig& platform_;
  ScratchBuffer table_, lut_, operand_, second_, result_;
};

class Core : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Core> from_cna;
  tlm_utils::simple_initiator_socket<Core> to_dpu;

  Core(sc_core::sc_module_name name, const isa::PlatformConfig& platform);

 private:
  void Compute(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  const isa::PlatformConfig& platform_;
};

class Cna : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Cna> from_command;
  tlm_utils::simple_initiator_socket<Cna> to_core;
  DmaPort<Cna> dma;

  Cna(sc_core::sc_module_name name, const isa::PlatformConfig& platform);

 private:
  void Load(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  void LoadRegcmd(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay, TaskExtension& ext);
  const isa::PlatformConfig& platform_;
  std::vector<uint8_t> cbuf_features_;
  ConvWork work_;  // handed to CORE and DPU; kept so that its accumulators are not reallocated per task
  // The weight chunk resident in the CBUF: the last conv task this CNA loaded and its byte range.
  const isa::Task* resident_task_ = nullptr;
  uint64_t resident_weight_addr_ = 0, resident_weight_bytes_ = 0;
  bool resident_functional_ = false;  // whether the resident chunk's bytes were actually loaded
};

class Ppu : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Ppu> from_command;
  DmaPort<Ppu> dma;

  Ppu(sc_core::sc_module_name name, const isa::PlatformConfig& platform);

 private:
  void Pool(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  const isa::PlatformConfig& platform_;
  ScratchBuffer input_, output_;
};

// The SoC's CPU cluster running fallback ops: reads the node's inputs from DDR, runs the op
// through the runtime's runner, writes the outputs back; time comes from the CPU cost model.
class CpuUnit : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<CpuUnit> from_command;
  DmaPort<CpuUnit> dma;

  CpuUnit(sc_core::sc_module_name name, const isa::PlatformConfig& platform);

 private:
  void Run(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  const isa::PlatformConfig& platform_;
};

// Forwards a transaction carrying `data` and the extension of `from` through `socket`.
template <typename Socket>
void Forward(Socket& socket, tlm::tlm_generic_payload& from, void* data, sc_core::sc_time& delay) {
  TaskExtension* ext = nullptr;
  from.get_extension(ext);
  tlm::tlm_generic_payload trans;
  trans.set_command(tlm::TLM_WRITE_COMMAND);
  trans.set_data_ptr(static_cast<unsigned char*>(data));
  trans.set_data_length(0);
  const ScopedExtension attached(trans, ext);
  socket->b_transport(trans, delay);
  from.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace rknnsim::sim
