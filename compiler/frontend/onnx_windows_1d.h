// 1-D convolutions and pools as the 2-D ones the importer implements: ONNX's Conv, ConvTranspose,
// MaxPool and AveragePool on (N, C, L) become Unsqueeze to (N, C, 1, L), the 2-D op with a 1 x k
// window, and Squeeze back, rewritten in the ONNX model before import.
#pragma once

#include <cstdint>

#include <onnx/onnx_pb.h>

namespace rknnsim::frontend {

// Rewrites every 1-D Conv/ConvTranspose/MaxPool/AveragePool of `model` (opset `opset`) in place.
void LiftOneDimensionalWindows(onnx::ModelProto& model, int64_t opset);

}  // namespace rknnsim::frontend
