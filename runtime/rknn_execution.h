// Running a Rockchip .rknn file's own program (docs/rknn-format.md §8), the one path every front
// door takes: load and decode once, then run samples on the SystemC platform or on the
// register-level reference. Inputs are what RKNN-Toolkit2's inference(data_format='nchw') takes:
// float32 (or any numeric .npy) NCHW arrays in the source model's layout, before the model's own
// mean/std, which the runtime applies as the file records them; outputs are float32, dequantized.
#pragma once

#include <string>
#include <vector>

#include "compiler/quant/dataset.h"
#include "compiler/rknn/model.h"
#include "compiler/rknn/regcmd_program.h"
#include "isa/platform_config.h"

namespace rknnsim::runtime {

struct RknnExecutable {
  rknn::RknnModel model;
  rknn::RegcmdProgram regcmd;
  std::vector<rknn::InputNorm> norms;
  isa::PlatformConfig platform;
};

// Throws rknnsim::Error with one line when the file's program cannot be executed.
RknnExecutable LoadRknnExecutable(const std::string& path);

// The file's graph inputs as ir tensors (name, NCHW shape), to read -i files against.
std::vector<ir::Tensor> RknnInputTensors(const RknnExecutable& exe);

struct RknnRun {
  std::vector<std::vector<float>> outputs;  // per graph output, NCHW, dequantized
  double total_time_us = 0;                 // 0 for the reference
};
// `raw_inputs`: one float NCHW array per graph input, before mean/std.
RknnRun RunRknn(const RknnExecutable& exe, const quant::Sample& raw_inputs, bool reference);

}  // namespace rknnsim::runtime
