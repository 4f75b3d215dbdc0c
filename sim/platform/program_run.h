// One program in flight on the platform, shared by the NPU cores that execute its tasks. Layers
// depend on earlier layers only, so the tasks of a layer may run on several cores at once while
// a task of a later layer waits until every task before its layer has ended: a barrier per
// "phase", a maximal run of consecutive tasks of one layer (the board's runtime likewise waits
// for all cores of a split layer before the next one).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>

#include "isa/program.h"
#include "sim/platform/task_extension.h"

namespace rknnsim::sim {

struct TaskRecord {
  uint32_t task = 0;
  uint32_t core = 0;
  sc_core::sc_time start;
  sc_core::sc_time end;
  TaskTiming timing;
  uint64_t compute_cycles = 0;  // busiest unit
  uint64_t dma_cycles = 0;
};

class ProgramRun {
 public:
  ProgramRun(const isa::Program& program, bool functional, const CpuOpRunner* cpu_runner);

  const isa::Program& program() const { return program_; }
  bool functional() const { return functional_; }
  const CpuOpRunner* cpu_runner() const { return cpu_runner_; }

  // From a core's SC_THREAD: blocks until every task of earlier phases has ended. False when the
  // run failed meanwhile (the caller then abandons its remaining tasks).
  bool WaitForTurn(uint32_t task);
  void Done(const TaskRecord& record);
  // A unit rejected a task: the run stops (exceptions must not cross SystemC) and waiters wake.
  void Fail(const std::string& message);

  const std::string& error() const { return error_; }
  const std::vector<TaskRecord>& records() const { return records_; }  // in completion order

 private:
  const isa::Program& program_;
  bool functional_;
  const CpuOpRunner* cpu_runner_;
  std::vector<uint32_t> phase_of_task_;
  std::vector<uint32_t> remaining_in_phase_;
  uint32_t open_phase_ = 0;  // every phase before it has ended
  sc_core::sc_event progress_;
  std::vector<TaskRecord> records_;
  std::string error_;
};

}  // namespace rknnsim::sim
