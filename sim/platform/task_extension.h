// What travels with a task through the units: the task itself, whether to compute results
// (timing-only runs skip the kernels), and the timing each unit adds.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include <systemc>
#include <tlm>

#include "isa/program.h"

namespace rknnsim::sim {

struct TaskTiming {
  sc_core::sc_time dma;         // time the task's DMA transfers occupy (queueing + transfer + latency)
  uint64_t core_cycles = 0;     // MAC array
  uint64_t dpu_cycles = 0;
  uint64_t ppu_cycles = 0;
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  sc_core::sc_time cpu;         // CPU fallback compute time
};

// Runs a CPU fallback task's node on native surface images (one per node input, empty for
// constants), filling one image per node output. Provided by the runtime, which owns the
// reference graph.
using CpuOpRunner = std::function<void(const isa::Task& task, const std::vector<std::vector<uint8_t>>& inputs,
                                       std::vector<std::vector<uint8_t>>& outputs)>;

// Payload of a unit-to-unit transaction: the generic payload's data pointer carries the work
// (CBUF tile, accumulators), this extension the task and its timing record.
struct TaskExtension : tlm::tlm_extension<TaskExtension> {
  const isa::Task* task = nullptr;
  TaskTiming* timing = nullptr;
  bool functional = true;
  const CpuOpRunner* cpu_runner = nullptr;

  tlm::tlm_extension_base* clone() const override { return new TaskExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const TaskExtension&>(other);
  }
};

// Attaches a stack-owned extension to a payload for one call and detaches it even when a unit
// throws (a payload deletes attached extensions when it is destroyed).
class ScopedExtension {
 public:
  ScopedExtension(tlm::tlm_generic_payload& trans, TaskExtension* ext) : trans_(trans), ext_(ext) {
    trans_.set_extension(ext_);
  }
  ~ScopedExtension() { trans_.clear_extension(ext_); }
  ScopedExtension(const ScopedExtension&) = delete;
  ScopedExtension& operator=(const ScopedExtension&) = delete;

 private:
  tlm::tlm_generic_payload& trans_;
  TaskExtension* ext_;
};

}  // namespace rknnsim::sim
