// The runtime's side of CPU fallback: runs a task's graph node on surface images with the same
// semantics as the reference executor (compiler/reference/cpu_op.h).
#pragma once

#include "runtime/model_file.h"
#include "sim/simulator.h"

namespace rknnsim::runtime {

// The runner keeps a reference to `model`, which must outlive it.
sim::CpuOpRunner MakeCpuRunner(const CompiledModel& model);

}  // namespace rknnsim::runtime
