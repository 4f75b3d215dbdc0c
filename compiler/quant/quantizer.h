// Post-training quantization (RKNN-Toolkit2's quantized_algorithm='normal'): the float reference
// runs over the calibration samples, per-tensor min/max become asymmetric int8 activation
// parameters, weights become per-channel symmetric int8, biases int32. Without quantization the
// graph is converted to fp16 instead (do_quantization=False).
#pragma once

#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/quant/dataset.h"

namespace rknnsim::quant {

// Observed float range of every activation tensor over the calibration set.
struct TensorRange {
  float min = 0.0f;
  float max = 0.0f;
  bool seen = false;
};
std::vector<TensorRange> CalibrateMinMax(const ir::Graph& graph, const std::vector<Sample>& samples);

// Throws for nodes only the float32 reference runs: parameters fed at run time (a Resize's scales,
// a Pad's value) would be quantized like activations and lose their exact values; MaxPool's Indices
// are positions, not values; BatchNormalization in training mode uses the batch's statistics.
// Every build for the NPU (int8, fp16, QDQ) calls it first.
void RefuseFloatReferenceOnlyNodes(const ir::Graph& graph);

// Asymmetric int8 parameters for a float range (widened to include 0).
ir::QuantParams AsymmetricInt8(float min, float max);

// How weights are quantized (docs/quantization.md §3).
struct WeightQuantOptions {
  // quantized_method='layer': one scale for the whole weight tensor, stored replicated per output
  // channel so that everything downstream stays per-channel. Default 'channel'.
  bool per_layer = false;
  // quantized_algorithm='mmse': clip each channel's (or the tensor's) weights at the threshold
  // minimizing the squared error (calibration_mmse.h) instead of at max|w|.
  bool mmse_clip = false;
  int threads = 0;  // for the mmse search; 0 = hardware concurrency; results do not depend on it
};

// Quantizes `graph` in place to int8 from calibration ranges.
void QuantizeInt8(ir::Graph& graph, const std::vector<TensorRange>& ranges, const WeightQuantOptions& weights = {});

// Building blocks, shared with the QDQ importer (qdq_quantizer.h), docs/quantization.md §3-5:
// per-output-channel symmetric int8 weights from float_data; an int32 bias for input scale
// `input_scale` and the weights' scales; the 32-bit accumulator bound of a Conv/Gemm node.
void QuantizeWeights(ir::Tensor& w, const WeightQuantOptions& options = {}, const std::vector<float>& floor = {});
void QuantizeBiasTensor(ir::Tensor& b, float input_scale, const ir::QuantParams& wq);
void CheckAccumulatorBound(const ir::Graph& g, const ir::Node& node);

// Converts `graph` in place to fp16 activations and weights (biases stay fp32).
void ConvertToFp16(ir::Graph& graph);

}  // namespace rknnsim::quant
