// PC: the command processor. Walks the program's task chain, hands each task to the unit that
// starts it (CNA for conv, DPU for element-wise, PPU for pooling), and advances time by the
// task's cost: units of one task stream concurrently, so a task takes the longer of its DMA time
// and its busiest unit, plus the per-task setup the ping-pong registers do not hide.
#pragma once

#include <string>
#include <vector>

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "isa/platform_config.h"
#include "isa/program.h"
#include "sim/platform/task_extension.h"

namespace rknnsim::sim {

struct TaskRecord {
  uint32_t task = 0;
  sc_core::sc_time start;
  sc_core::sc_time end;
  TaskTiming timing;
  uint64_t compute_cycles = 0;  // busiest unit
  uint64_t dma_cycles = 0;
};

class CommandProcessor : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<CommandProcessor> to_cna;
  tlm_utils::simple_initiator_socket<CommandProcessor> to_dpu;
  tlm_utils::simple_initiator_socket<CommandProcessor> to_ppu;
  tlm_utils::simple_initiator_socket<CommandProcessor> to_cpu;

  CommandProcessor(sc_core::sc_module_name name, const isa::PlatformConfig& platform);

  // Arms the next run; sc_start() then executes it.
  void Submit(const isa::Program* program, bool functional, const CpuOpRunner* cpu_runner);
  const std::vector<TaskRecord>& records() const { return records_; }
  // Set when a unit rejected a task; the run stops there (exceptions must not cross SystemC).
  const std::string& error() const { return error_; }

 private:
  void Run();
  void Execute(uint32_t index);
  void Dispatch(isa::TaskOp op, tlm::tlm_generic_payload& trans, TaskExtension* ext, sc_core::sc_time& delay);

  const isa::PlatformConfig& platform_;
  const isa::Program* program_ = nullptr;
  bool functional_ = true;
  const CpuOpRunner* cpu_runner_ = nullptr;
  bool pending_ = false;
  sc_core::sc_event submitted_;
  std::vector<TaskRecord> records_;
  std::string error_;
};

}  // namespace rknnsim::sim
