// The `convert` pipeline: ONNX → IR → fusion → quantization (or fp16) → lowering for a target.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/frontend/onnx_importer.h"
#include "compiler/quant/hybrid.h"
#include "compiler/quant/quality.h"
#include "compiler/quant/quant_config.h"
#include "runtime/model_file.h"

namespace rknnsim::runtime {

struct ConvertOptions {
  std::string target;   // rk3566, rk3568, rk3588, rv1103, rv1106
  std::string dataset;  // dataset.txt for int8; empty with do_quantization = false
  bool do_quantization = true;
  frontend::OnnxLoadOptions load;  // inputs=, outputs=, input_size_list= of load_onnx
  quant::QuantConfig config;       // the quantization settings of config()
  quant::HybridOptions hybrid;     // hybrid_quantization_step1 / step2 (compiler/quant/hybrid.h)
  uint32_t batch_size = 1;         // build(rknn_batch_size=)
  // When set and quantizing: filled with the quantized reference's agreement with the float
  // reference over the calibration samples (compiler/quant/quality.h).
  quant::QualityReport* quality = nullptr;
};

CompiledModel ConvertOnnx(const std::string& onnx_path, const ConvertOptions& options);

}  // namespace rknnsim::runtime
