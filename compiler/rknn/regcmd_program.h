// Rockchip's own program as an isa::Program that the SystemC platform and the register-level
// reference both execute (docs/rknn-format.md §8): the file's single-core schedule, each task's
// register state decoded into an isa::Task, every address bound to the file's tensors (and checked
// against the relocation list), and the DDR image (constants, then the internal memory at the
// offsets the file planned).
#pragma once

#include <string>
#include <vector>

#include "compiler/rknn/model.h"
#include "isa/platform_config.h"
#include "isa/program.h"
#include "isa/regcmd.h"

namespace rknnsim::rknn {

struct RegcmdProgram {
  isa::Program program;
  std::vector<uint32_t> file_task;  // the file task each program task comes from
  std::vector<uint32_t> skipped;    // file tasks of the schedule not executed (I/O operators' layout tasks)
};

// The tasks of the first schedule: the PC chain that starts at task 0 (files for several cores
// hold one schedule per core count, one chain per core, one after the other).
std::vector<uint32_t> FirstSchedule(const std::vector<isa::NpuTask>& tasks, const std::string& what);

// Throws rknnsim::Error with one line naming the task, its node and the register for anything the
// decoder cannot execute faithfully or that points outside the model's memory.
RegcmdProgram LowerRegcmdProgram(const RknnModel& model, const std::vector<isa::NpuTask>& tasks,
                                 const isa::PlatformConfig& platform, const std::string& what);

// Per-input preprocessing the file records (Model attrs: mean, std, rgb2bgr), applied by the
// runtime before quantization, as RKNN-Toolkit2's inference() does.
struct InputNorm {
  std::vector<float> mean, std;
  bool rgb2bgr = false;
};
std::vector<InputNorm> InputNorms(const RknnModel& model, const std::string& what);

}  // namespace rknnsim::rknn
