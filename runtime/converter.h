// The `convert` pipeline: ONNX → IR → fusion → quantization (or fp16) → lowering for a target.
#pragma once

#include <string>

#include "runtime/model_file.h"

namespace rknnsim::runtime {

struct ConvertOptions {
  std::string target;   // rk3566, rk3568, rk3588, rv1103, rv1106
  std::string dataset;  // dataset.txt for int8; empty with do_quantization = false
  bool do_quantization = true;
};

CompiledModel ConvertOnnx(const std::string& onnx_path, const ConvertOptions& options);

}  // namespace rknnsim::runtime
