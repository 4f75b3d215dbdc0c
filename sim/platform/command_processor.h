// PC: one NPU core's command processor. Walks the tasks the core was given (from one or more
// programs, in submission order, as the board runs models on one core serially, manual §9.9),
// waits for each task's turn in its program (sim/platform/program_run.h), hands it to the unit
// that starts it (CNA for conv, DPU for element-wise, PPU for pooling), and advances time by the
// task's cost: units of one task stream concurrently, so a task takes the longer of its DMA time
// and its busiest unit, plus the per-task setup the ping-pong registers do not hide.
#pragma once

#include <deque>
#include <vector>

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "isa/platform_config.h"
#include "isa/program.h"
#include "sim/platform/program_run.h"
#include "sim/platform/task_extension.h"

namespace rknnsim::sim {

class CommandProcessor : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<CommandProcessor> to_cna;
  tlm_utils::simple_initiator_socket<CommandProcessor> to_dpu;
  tlm_utils::simple_initiator_socket<CommandProcessor> to_ppu;
  tlm_utils::simple_initiator_socket<CommandProcessor> to_cpu;

  CommandProcessor(sc_core::sc_module_name name, const isa::PlatformConfig& platform, uint32_t core_index);

  // Queues `tasks` (indices into run's program) for this core; sc_start() then executes them.
  void Submit(ProgramRun* run, std::vector<uint32_t> tasks);

 private:
  struct Job {
    ProgramRun* run;
    std::vector<uint32_t> tasks;
  };
  void Run();
  TaskRecord Execute(const ProgramRun& run, uint32_t index);
  void Dispatch(isa::TaskOp op, tlm::tlm_generic_payload& trans, TaskExtension* ext, sc_core::sc_time& delay);

  const isa::PlatformConfig& platform_;
  uint32_t core_index_;
  std::deque<Job> jobs_;
  sc_core::sc_event submitted_;
};

}  // namespace rknnsim::sim
