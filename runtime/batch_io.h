// The I/O of a compiled model as users see it: float32 NCHW arrays of the program's input and
// output shapes, which carry batch N for rknn_batch_size models (Program::batch, manual §9.8:
// N images stacked on the batch dimension). The reference executors run the batch-1 graph the
// model was compiled from, so a batch runs through them image by image.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/quant/dataset.h"
#include "isa/platform_config.h"
#include "runtime/model_file.h"

namespace rknnsim::runtime {

// One .npy per program input, each of the input's shape (batch included); flat NCHW data.
quant::Sample LoadModelInputs(const std::vector<std::string>& npy_paths, const CompiledModel& model);

// Native surface images for sim::Simulate: the batch's images back to back, per input.
std::vector<std::vector<uint8_t>> PackModelInputs(const quant::Sample& inputs, const isa::Program& program);
std::vector<std::vector<float>> UnpackModelOutputs(const std::vector<std::vector<uint8_t>>& surfaces,
                                                   const isa::Program& program);

// The int8 (or fp16) reference executor on every image of the batch; outputs stacked like the
// program's outputs, dequantized to float32 as `run --reference int8` writes them.
std::vector<std::vector<float>> RunReferenceModel(const CompiledModel& model, const quant::Sample& inputs);

struct SimulatedRun {
  std::vector<std::vector<float>> outputs;  // stacked and dequantized like RunReferenceModel's
  double total_time_us = 0;
};
// One functional run on the SystemC platform, as `rknn-sim run` does it: `placed` is
// model.program or that program placed on cores (lower::PlaceOnCores); inputs are packed and
// outputs unpacked with the surfaces of `placed`.
SimulatedRun SimulateModel(const CompiledModel& model, const isa::Program& placed, const isa::PlatformConfig& platform,
                           const quant::Sample& inputs);

}  // namespace rknnsim::runtime
