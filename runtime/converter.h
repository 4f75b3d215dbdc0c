// The `convert` pipeline: ONNX → IR → fusion → quantization (or fp16) → lowering for a target.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

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
  // config(dynamic_input=): the input shapes of each set the model is built for (one shape per
  // input). Empty: the one set load.input_size_list or the ONNX model gives.
  std::vector<std::vector<ir::Shape>> dynamic_input;
  // When set and quantizing: filled with the quantized reference's agreement with the float
  // reference over the calibration samples (compiler/quant/quality.h).
  quant::QualityReport* quality = nullptr;
};

// With dynamic_input, every set is compiled from the same ONNX model; an int8 build calibrates on
// the dataset at the first set and quantizes the others with the same ranges, tensor by tensor
// name (runtime/dynamic_shapes.h).
CompiledModel ConvertOnnx(const std::string& onnx_path, const ConvertOptions& options);

}  // namespace rknnsim::runtime
