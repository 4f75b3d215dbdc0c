#include "compiler/quant/quantizer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "common/fp16.h"
#include "compiler/ops/nn.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/op_util.h"
#include "compiler/ops/tensor.h"
#include "compiler/quant/arithmetic.h"
#include "compiler/quant/calibration_mmse.h"
#include "compiler/quant/calibration_stats.h"
#include "compiler/quant/parallel.h"

namespace rknnsim::quant {
namespace {

constexpr float kMinRange = 1e-8f;

bool HasWeights(const ir::Node& node) { return node.op == ir::OpKind::kConv || node.op == ir::OpKind::kGemm; }

template <typename T>
void StoreBytes(ir::Tensor& t, const std::vector<T>& values) {
  t.bytes.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
}

// docs/quantization.md §3: the bias may take at most 2^30 of the 32-bit accumulator, so a channel
// whose bias dwarfs its weights (e.g. a dead channel after a BN or Conv+Add fold: weights ~1e-7,
// bias ~0.5) gets a coarser weight scale instead of an int32 bias that overflows.
constexpr double kBiasBudget = 1073741824.0;  // 2^30

float BiasScaleFloor(const ir::Graph& g, const ir::Node& node, float input_scale, int64_t channel) {
  if (node.inputs.size() < 3) return 0.0f;
  const double b = g.tensor(node.inputs[2]).float_data[static_cast<size_t>(channel)];
  if (!std::isfinite(b)) return 0.0f;  // QuantizeBias gives 0 for it
  return static_cast<float>(std::fabs(b) / (double(input_scale) * kBiasBudget));
}

// The clipping threshold of each weight slice (one per output channel, or one for the whole tensor
// with quantized_method='layer'): max|w|, or the mmse search's choice.
std::vector<float> WeightThresholds(const ir::Tensor& w, const WeightQuantOptions& options) {
  const int64_t slices = options.per_layer ? 1 : w.shape[0];
  const size_t per_slice = static_cast<size_t>(w.num_elements() / slices);
  std::vector<float> thresholds(static_cast<size_t>(slices), 0.0f);
  ParallelFor(thresholds.size(), options.mmse_clip ? options.threads : 1, [&](size_t c) {
    const float* src = w.float_data.data() + c * per_slice;
    if (options.mmse_clip) {
      thresholds[c] = MmseWeightThreshold(src, per_slice);
      return;
    }
    for (size_t i = 0; i < per_slice; ++i) thresholds[c] = std::max(thresholds[c], std::fabs(src[i]));
  });
  return thresholds;
}

}  // namespace

// Per-output-channel symmetric int8 (zero point 0, range [-127, 127]); with one threshold for the
// tensor, every channel gets the same scale; `floor` (may be empty) bounds each channel's scale
// from below.
void QuantizeWeights(ir::Tensor& w, const WeightQuantOptions& options, const std::vector<float>& floor) {
  const int64_t channels = w.shape[0];
  const int64_t per_channel = w.num_elements() / channels;
  const std::vector<float> thresholds = WeightThresholds(w, options);
  w.quant = {};
  w.quant.axis = 0;
  std::vector<int8_t> q(w.float_data.size());
  for (int64_t c = 0; c < channels; ++c) {
    const float* src = w.float_data.data() + c * per_channel;
    const float threshold = thresholds[thresholds.size() == 1 ? 0 : static_cast<size_t>(c)];
    float scale = std::max(threshold, kMinRange) / 127.0f;
    if (!floor.empty()) scale = std::max(scale, floor[static_cast<size_t>(c)]);
    w.quant.scale.push_back(scale);
    w.quant.zero_point.push_back(0);
    for (int64_t i = 0; i < per_channel; ++i)
      q[c * per_channel + i] = static_cast<int8_t>(std::clamp(std::round(src[i] / scale), -127.0f, 127.0f));
  }
  w.dtype = ir::DType::kInt8;
  StoreBytes(w, q);
}

void QuantizeBiasTensor(ir::Tensor& b, float input_scale, const ir::QuantParams& wq) {
  std::vector<int32_t> q(b.float_data.size());
  for (size_t c = 0; c < q.size(); ++c) q[c] = QuantizeBias(b.float_data[c], input_scale, wq.scale[c]);
  b.dtype = ir::DType::kInt32;
  b.quant = {};
  for (size_t c = 0; c < q.size(); ++c) b.quant.scale.push_back(input_scale * wq.scale[c]);
  StoreBytes(b, q);
}

// docs/quantization.md: the accumulator is 32-bit. Reject layers whose worst case could overflow.
void CheckAccumulatorBound(const ir::Graph& g, const ir::Node& node) {
  const ir::Tensor& w = g.tensor(node.inputs[1]);
  const int64_t channels = w.shape[0], per_channel = w.num_elements() / channels;
  const auto* q = reinterpret_cast<const int8_t*>(w.bytes.data());
  const int32_t* bias = node.inputs.size() > 2 ? reinterpret_cast<const int32_t*>(g.tensor(node.inputs[2]).bytes.data()) : nullptr;
  for (int64_t c = 0; c < channels; ++c) {
    int64_t bound = bias ? std::llabs(bias[c]) : 0;
    for (int64_t i = 0; i < per_channel; ++i) bound += 255 * std::abs(int{q[c * per_channel + i]});
    if (bound > std::numeric_limits<int32_t>::max())
      throw ops::NodeError(node, "output channel " + std::to_string(c) + " can overflow the 32-bit accumulator",
                           "split the layer into smaller convolutions");
  }
}

ir::QuantParams AsymmetricInt8(float min, float max) {
  min = std::min(min, 0.0f);
  max = std::max(max, 0.0f);
  if (max - min < kMinRange) max = min + kMinRange;
  const double scale = (double(max) - double(min)) / 255.0;
  const double zp = std::clamp(std::round(-128.0 - double(min) / scale), -128.0, 127.0);
  ir::QuantParams q;
  q.scale = {static_cast<float>(scale)};
  q.zero_point = {static_cast<int32_t>(zp)};
  return q;
}

std::vector<TensorRange> CalibrateMinMax(const ir::Graph& graph, const std::vector<Sample>& samples) {
  std::vector<TensorRange> ranges;
  for (const TensorStats& s : CollectStatistics(graph, samples, {})) ranges.push_back({s.min, s.max, s.seen});
  return ranges;
}

void RefuseFloatReferenceOnlyNodes(const ir::Graph& graph) {
  for (const ir::Node& node : graph.nodes()) {
    if (ops::HasRunTimeParameters(node))
      throw ops::NodeError(node, "its parameter '" + graph.tensor(node.inputs[1]).name +
                                     "' is fed at run time, which only the float32 reference runs",
                           "make it a constant (an initializer) to build the model for the NPU");
    if (ops::IsTrainingBatchNorm(node))
      throw ops::NodeError(node, "BatchNormalization in training mode is computed only by the float32 reference",
                           "export the model in eval mode (model.eval())");
    if (node.op == ir::OpKind::kMaxPool && node.outputs.size() > 1)
      throw ops::NodeError(node, "its Indices output is computed only by the float32 reference",
                           "export the pooling without indices (return_indices=False) to build the model for the NPU");
  }
}

void QuantizeInt8(ir::Graph& graph, const std::vector<TensorRange>& ranges, const WeightQuantOptions& weights) {
  RefuseFloatReferenceOnlyNodes(graph);
  for (int id : graph.inputs()) {
    ir::Tensor& t = graph.tensor(id);
    t.quant = AsymmetricInt8(ranges[id].min, ranges[id].max);
    t.dtype = ir::DType::kInt8;
  }
  for (const ir::Node& node : graph.nodes()) {
    // Ops without int8 kernels run on the CPU in float; every output gets its calibrated range.
    const ir::Tensor& in = graph.tensor(node.inputs[0]);
    for (int id : node.outputs) {
      ir::Tensor& out = graph.tensor(id);
      out.quant = ops::GetOpDef(node.op).keeps_input_quant ? in.quant : AsymmetricInt8(ranges[id].min, ranges[id].max);
      out.dtype = ir::DType::kInt8;
    }
    if (!HasWeights(node)) continue;
    ir::Tensor& w = graph.tensor(node.inputs[1]);
    if (!w.is_constant)
      throw ops::NodeError(node,
                           "its weights '" + w.name + "' are computed in the graph (a dynamic convolution, manual §7.10)",
                           "store the weights as a constant initializer, or build with --no-quant to run it on the CPU");
    std::vector<float> floor(static_cast<size_t>(w.shape[0]));
    for (int64_t c = 0; c < w.shape[0]; ++c) floor[static_cast<size_t>(c)] = BiasScaleFloor(graph, node, in.quant.scale[0], c);
    QuantizeWeights(w, weights, floor);
    if (node.inputs.size() > 2) QuantizeBiasTensor(graph.tensor(node.inputs[2]), in.quant.scale[0], w.quant);
    CheckAccumulatorBound(graph, node);
  }
}

void ConvertToFp16(ir::Graph& graph) {
  RefuseFloatReferenceOnlyNodes(graph);
  for (int id : graph.inputs()) graph.tensor(id).dtype = ir::DType::kFloat16;
  for (const ir::Node& node : graph.nodes()) {
    for (int id : node.outputs) graph.tensor(id).dtype = ir::DType::kFloat16;
    if (!HasWeights(node)) continue;
    ir::Tensor& w = graph.tensor(node.inputs[1]);
    // Weights computed in the graph (a dynamic convolution, manual §7.10) are activations: the
    // layer runs on the CPU with them as they arrive.
    if (!w.is_constant) continue;
    std::vector<uint16_t> half(w.float_data.size());
    size_t overflow = 0;
    for (size_t i = 0; i < half.size(); ++i) {
      half[i] = FloatToHalfBits(w.float_data[i]);
      overflow += std::isinf(HalfBitsToFloat(half[i])) && !std::isinf(w.float_data[i]);
    }
    if (overflow)
      spdlog::warn("layer '{}': {} weight(s) exceed the fp16 range and become inf (troubleshooting manual §9.15)",
                   node.name, overflow);
    w.dtype = ir::DType::kFloat16;
    StoreBytes(w, half);
  }
}

}  // namespace rknnsim::quant
