// Rockchip's own program as an isa::Program that the SystemC platform and the register-level
// reference both execute (docs/rknn-format.md §8): the file's single-core schedule, each task's
// register state decoded into an isa::Task, every address bound to the file's tensors (and checked
// against the relocation list), and the DDR image (constants, then the internal memory at the
// offsets the file planned).
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/rknn/model.h"
#include "isa/platform_config.h"
#include "isa/program.h"
#include "isa/regcmd.h"

namespace rknnsim::rknn {

// A node the file runs on the CPU after its NPU program (executor 0, no tasks): ArgMax over the
// channels (indices as int8 codes), Reshape, and custom operators. Each is a kCpu task of the
// program (Task::cpu_node indexes host_ops). ArgMax and Reshape write an int8 array in NCHW order
// past the file's internal memory; a custom operator reads and writes its tensors where the file
// keeps them.
struct HostOp {
  std::string type;  // "ArgMax", "Reshape", or a custom operator's op_type
  int32_t input = 0, output = 0;  // ArgMax and Reshape: tensor indices
  // A custom operator (a node with attributes, RNode::custom_attrs): the node as its registered
  // kernel sees it (compiler/ops/custom_op.h: op_type in attrs.mode, attributes in
  // attrs.custom_attrs), and its tensors, which it takes and gives as float32 NCHW arrays.
  bool custom = false;
  ir::Node node;
  std::vector<isa::IoTensor> custom_inputs, custom_outputs;
};

struct RegcmdProgram {
  isa::Program program;  // outputs: the file's graph outputs, in order
  std::vector<uint32_t> file_task;  // the file task each NPU task of the program comes from
  std::vector<uint32_t> skipped;    // file tasks of the schedule not executed (I/O operators' layout tasks)
  std::vector<HostOp> host_ops;
  std::vector<bool> int64_outputs;  // per program output: the file declares int64 (ArgMax indices)
  std::vector<int64_t> tensor_addr;  // per file tensor: its DDR address, -1 when it has none
  std::vector<int32_t> layer_node;   // per program layer: the file node it stands for
};


// The tasks of the first schedule: the PC chain that starts at task 0 (files for several cores
// hold one schedule per core count, one chain per core, one after the other).
std::vector<uint32_t> FirstSchedule(const std::vector<isa::NpuTask>& tasks, const std::string& what);

// Throws rknnsim::Error with one line naming the task, its node and the register for anything the
// decoder cannot execute faithfully or that points outside the model's memory.
// With `until_tensor` (a file tensor index), the program stops after the last task of a node that
// outputs that tensor and outputs it (its native int8 feature map) instead of the graph outputs:
// later tasks are neither decoded nor run, so a board's per-layer dump can be compared before they
// reuse its memory, and the tensors before a task rknn-sim cannot execute yet can be read.
RegcmdProgram LowerRegcmdProgram(const RknnModel& model, const std::vector<isa::NpuTask>& tasks,
                                 const isa::PlatformConfig& platform, const std::string& what,
                                 int32_t until_tensor = -1);

// Per-input preprocessing the file records (Model attrs: mean, std, rgb2bgr), applied by the
// runtime before quantization, as RKNN-Toolkit2's inference() does.
struct InputNorm {
  std::vector<float> mean, std;
  bool rgb2bgr = false;
};
std::vector<InputNorm> InputNorms(const RknnModel& model, const std::string& what);

}  // namespace rknnsim::rknn
