// Running a Rockchip .rknn file's own program (docs/rknn-format.md §8), the one path every front
// door takes: load and decode once, then run samples on the SystemC platform or on the
// register-level reference. Inputs are what RKNN-Toolkit2's inference(data_format='nchw') takes:
// float32 (or any numeric .npy) NCHW arrays in the source model's layout, before the model's own
// mean/std, which the runtime applies as the file records them; outputs are float32, dequantized.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/error.h"

#include "compiler/ir/graph.h"
#include "compiler/quant/dataset.h"
#include "compiler/rknn/model.h"
#include "compiler/rknn/host_ops.h"
#include "compiler/rknn/regcmd_program.h"
#include "isa/platform_config.h"
#include "runtime/reports.h"
#include "sim/platform/task_extension.h"

namespace rknnsim::runtime {

struct RknnExecutable {
  std::string what;  // names the file in messages
  rknn::RknnModel model;
  rknn::RegcmdProgram regcmd;
  std::vector<rknn::InputNorm> norms;
  isa::PlatformConfig platform;
};

// Throws rknnsim::Error with one line when the file's program cannot be executed. With
// `until_tensor` (a file tensor index) the program is the prefix that ends with the last task
// writing that tensor and outputs it (rknn::LowerRegcmdProgram).
RknnExecutable MakeRknnExecutable(rknn::RknnModel model, const std::string& what, int32_t until_tensor = -1);
RknnExecutable LoadRknnExecutable(const std::string& path);

// RKNN-Toolkit2's config() preprocessing as the file records it: channel order (rgb2bgr), then
// (x - mean) / std per channel, on one float NCHW input. Throws when the sizes do not fit.
void NormalizeInput(std::vector<float>& nchw, const rknn::InputNorm& norm, const std::string& name);

// A .rknn as every front door loads it (CLI perf/run, Python load_rknn, C rknn_init): the file, the
// program that times it (the file's own tasks when they decode, else our lowering of its graph,
// compiler/rknn/simulation.h), the executable when the program decodes, or why it does not.
struct LoadedRknn {
  rknn::RknnModel file;
  isa::Program timing_program;
  bool own_tasks = false;  // timing_program is the file's own program
  ir::Graph graph;         // our import of the file's graph (empty when it does not import)
  std::shared_ptr<const RknnExecutable> exe;
  Error refusal{""};       // why exe is null
  MemoryReport memory;     // what the file records (FileMemoryReport)
};
// The memory a .rknn records (what the board's eval_memory reports), laid out as our own reports.
MemoryReport FileMemoryReport(const rknn::RknnModel& file);

// Throws only when neither the file's own program nor our lowering of its graph can be simulated.
LoadedRknn LoadRknn(rknn::RknnModel file, const std::string& what);

// One .npy or image per graph input, read and checked as `rknn-sim run -i` reads them (raw values,
// before mean/std).
quant::Sample LoadRknnInputs(const RknnExecutable& exe, const std::vector<std::string>& paths);

// The native surface images of `program`'s inputs (the executable's program or a prefix of it)
// from raw inputs: the file's mean/std applied, then quantized.
std::vector<std::vector<uint8_t>> PackRknnInputs(const RknnExecutable& exe, const isa::Program& program,
                                                 const quant::Sample& raw_inputs);

struct RknnOutput {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> values;  // dequantized; indices (ArgMax) as exact small integers
  bool is_int64 = false;      // the file declares int64 (ArgMax indices)
};
// The platform's CPU runner for the host ops of `regcmd`.
sim::CpuOpRunner HostOpRunner(const rknn::RegcmdProgram& regcmd);
struct RknnRun {
  std::vector<RknnOutput> outputs;  // per graph output, in the file's order
  double total_time_us = 0;         // 0 for the reference
};
// `raw_inputs`: one float NCHW array per graph input, before mean/std.
RknnRun RunRknn(const RknnExecutable& exe, const quant::Sample& raw_inputs, bool reference);

// Intermediate tensor `tensor` of the file (its index) as the platform (or the register-level
// reference) leaves it right after the last task that writes it: the prefix program of
// rknn::LowerRegcmdProgram, lowered from exe.model, so exe may itself be a prefix. Dequantized:
// what a board's per-layer dump holds.
RknnOutput RunRknnTensor(const RknnExecutable& exe, const quant::Sample& raw_inputs, int32_t tensor,
                         bool reference = false);

}  // namespace rknnsim::runtime
