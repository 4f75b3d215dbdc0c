#include "sim/platform/program_run.h"

namespace rknnsim::sim {

ProgramRun::ProgramRun(const isa::Program& program, bool functional, const CpuOpRunner* cpu_runner)
    : program_(program), functional_(functional), cpu_runner_(cpu_runner) {
  for (size_t i = 0; i < program.tasks.size(); ++i) {
    if (i == 0 || program.tasks[i].layer != program.tasks[i - 1].layer) remaining_in_phase_.push_back(0);
    phase_of_task_.push_back(static_cast<uint32_t>(remaining_in_phase_.size() - 1));
    ++remaining_in_phase_.back();
  }
}

bool ProgramRun::WaitForTurn(uint32_t task) {
  while (error_.empty() && open_phase_ < phase_of_task_[task]) sc_core::wait(progress_);
  return error_.empty();
}

void ProgramRun::Done(const TaskRecord& record) {
  records_.push_back(record);
  --remaining_in_phase_[phase_of_task_[record.task]];
  while (open_phase_ < remaining_in_phase_.size() && remaining_in_phase_[open_phase_] == 0) ++open_phase_;
  progress_.notify(sc_core::SC_ZERO_TIME);
}

void ProgramRun::Fail(const std::string& message) {
  if (error_.empty()) error_ = message;
  progress_.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace rknnsim::sim
