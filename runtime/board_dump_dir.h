// The directories of `rknn-sim compare` and what the simulator puts beside them.
//
// Inputs dir: model input k is `input_<k>.npy` or `<input name>.npy` (names sanitized as `run`
// names its outputs: characters other than letters, digits, '-' and '.' become '_').
// Board dir: model output k is `output_<k>.npy`, `<k>_<output name>.npy` (what `rknn-sim run -o`
// writes) or `<output name>.npy`; exactly one of them must exist. Any other `<tensor name>.npy`
// naming an internal tensor of the compiled graph (an int8 or fp16 activation) is a per-layer
// dump and is compared with that tensor; .npy files naming no tensor are listed as ignored.
// The simulator's internal tensors come from the int8/fp16 reference executor, which the SystemC
// platform equals byte for byte (e2e.bit_exact.*); batched models stack them like the outputs.
#pragma once

#include <string>
#include <vector>

#include "compiler/quant/dataset.h"
#include "runtime/board_compare.h"
#include "runtime/model_file.h"

namespace rknnsim::runtime {

std::string TensorFileStem(const std::string& tensor_name);

// One path per model input, in input order. Throws Error when one is missing or ambiguous.
std::vector<std::string> FindInputFiles(const std::string& inputs_dir, const CompiledModel& model);
// The same for inputs named `names`, in order (a Rockchip .rknn's graph inputs).
std::vector<std::string> FindInputFiles(const std::string& inputs_dir, const std::vector<std::string>& names);

// The model's outputs as the board holds them, without values: fill `values` with the simulated
// outputs (float NCHW, stacked over the batch, as UnpackModelOutputs returns them).
std::vector<SimTensor> ModelOutputs(const CompiledModel& model);

// The dump file of each output in `board_dir`. Throws Error when one is missing or ambiguous.
std::vector<std::string> OutputDumpPaths(const std::string& board_dir, const std::vector<SimTensor>& outputs);

// Finds and validates (dtype, shape) every output's dump before the simulation runs, so a bad
// invocation fails at once. Throws Error naming the file.
void CheckOutputDumps(const std::string& board_dir, const std::vector<SimTensor>& outputs);

// Compares every output (its dump must exist) and every per-layer dump of `board_dir`.
// `inputs` are the inputs the outputs were simulated from; they feed the per-layer run.
CompareReport CompareBoardDir(const CompiledModel& model, const quant::Sample& inputs,
                              const std::vector<SimTensor>& outputs, const std::string& board_dir,
                              const CompareThresholds& thresholds);
// Outputs only (a Rockchip .rknn: its intermediate tensors are not read back yet); every other
// .npy of `board_dir` is listed in ignored_files.
CompareReport CompareBoardOutputs(const std::vector<SimTensor>& outputs, const std::string& board_dir,
                                  const CompareThresholds& thresholds);

}  // namespace rknnsim::runtime
