#include "sim/platform/command_processor.h"

#include <algorithm>
#include <cmath>

#include "isa/task_kinds.h"

namespace rknnsim::sim {

CommandProcessor::CommandProcessor(sc_core::sc_module_name name, const isa::PlatformConfig& platform,
                                   uint32_t core_index)
    : sc_module(name),
      to_cna("to_cna"),
      to_dpu("to_dpu"),
      to_ppu("to_ppu"),
      to_cpu("to_cpu"),
      platform_(platform),
      core_index_(core_index) {
  SC_HAS_PROCESS(CommandProcessor);
  SC_THREAD(Run);
  // Every unit's kernels (and the CPU's fallback ops, e.g. Eigen GEMMs with stack-allocated
  // blocks) run on this thread's coroutine stack; SystemC's default of 64 KiB is far too small.
  set_stack_size(64 << 20);
}

void CommandProcessor::Submit(ProgramRun* run, std::vector<uint32_t> tasks) {
  jobs_.push_back({run, std::move(tasks)});
  submitted_.notify(sc_core::SC_ZERO_TIME);
}

void CommandProcessor::Run() {
  while (true) {
    if (jobs_.empty()) sc_core::wait(submitted_);  // the queue may be filled before the first wait
    while (!jobs_.empty()) {
      const Job job = jobs_.front();
      jobs_.pop_front();
      for (uint32_t task : job.tasks) {
        if (!job.run->WaitForTurn(task)) break;
        try {
          job.run->Done(Execute(*job.run, task));
        } catch (const std::exception& e) {
          job.run->Fail(e.what());
          break;
        }
      }
    }
  }
}

// Hands the task to the unit that starts it (isa/task_kinds.h).
void CommandProcessor::Dispatch(isa::TaskOp op, tlm::tlm_generic_payload& trans, TaskExtension* ext,
                                sc_core::sc_time& delay) {
  const ScopedExtension attached(trans, ext);
  switch (isa::KindOf(op).unit) {
    case isa::TaskUnit::kCna: return to_cna->b_transport(trans, delay);
    case isa::TaskUnit::kDpu: return to_dpu->b_transport(trans, delay);
    case isa::TaskUnit::kPpu: return to_ppu->b_transport(trans, delay);
    case isa::TaskUnit::kCpu: return to_cpu->b_transport(trans, delay);
  }
}

TaskRecord CommandProcessor::Execute(const ProgramRun& run, uint32_t index) {
  const isa::Task& task = run.program().tasks[index];
  TaskRecord record;
  record.task = index;
  record.core = core_index_;
  record.start = sc_core::sc_time_stamp();
  TaskExtension ext;
  ext.task = &task;
  ext.timing = &record.timing;
  ext.functional = run.functional();
  ext.cpu_runner = run.cpu_runner();

  tlm::tlm_generic_payload trans;
  trans.set_command(tlm::TLM_WRITE_COMMAND);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  Dispatch(task.op, trans, &ext, delay);

  const double cycle_ns = 1e3 / platform_.clock_mhz;
  const TaskTiming& t = record.timing;
  record.compute_cycles = std::max({t.core_cycles, t.dpu_cycles, t.ppu_cycles});
  record.dma_cycles = static_cast<uint64_t>(std::ceil(t.dma.to_seconds() * 1e9 / cycle_ns));
  if (task.op == isa::TaskOp::kCpu) {
    // The NPU idles while the CPU runs the op; its memory traffic overlaps its compute.
    sc_core::wait(std::max(t.cpu, t.dma));
  } else {
    const uint64_t cycles = platform_.task_overhead_cycles + std::max(record.compute_cycles, record.dma_cycles);
    sc_core::wait(sc_core::sc_time(static_cast<double>(cycles) * cycle_ns, sc_core::SC_NS));
  }
  record.end = sc_core::sc_time_stamp();
  return record;
}

}  // namespace rknnsim::sim
