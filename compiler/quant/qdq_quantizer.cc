#include "compiler/quant/qdq_quantizer.h"

#include <cmath>
#include <cstring>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/op_util.h"
#include "compiler/quant/quantizer.h"

namespace rknnsim::quant {
namespace {

bool HasWeights(const ir::Node& node) { return node.op == ir::OpKind::kConv || node.op == ir::OpKind::kGemm; }

bool SameParams(const ir::QuantParams& a, const ir::QuantParams& b) {
  return a.scale.size() == b.scale.size() && a.zero_point == b.zero_point &&
         std::memcmp(a.scale.data(), b.scale.data(), a.scale.size() * sizeof(float)) == 0;
}

const char* kMissingHint =
    "put QuantizeLinear/DequantizeLinear after it in the model, or pass -d dataset.txt to calibrate "
    "the tensors the model leaves without parameters";

// Activation parameters of a tensor the model did not quantize: calibrated when a dataset was given.
ir::QuantParams Calibrated(const ir::Graph& g, int id, const std::vector<TensorRange>* ranges, const std::string& what) {
  if (!ranges) throw Error(what + " has no quantization parameters in the model", kMissingHint);
  const TensorRange& r = (*ranges)[static_cast<size_t>(id)];
  spdlog::info("tensor '{}' has no QuantizeLinear in the model: calibrated range [{}, {}]", g.tensor(id).name, r.min, r.max);
  return AsymmetricInt8(r.min, r.max);
}

// The model's integers, when docs/quantization.md §3 holds them as they are: zero point 0 and
// one scale per tensor or per output channel (axis 0). Returns false otherwise.
bool KeepModelWeights(ir::Tensor& w) {
  const ir::QuantParams& m = w.quant;
  if (m.empty() || (m.per_channel() && m.axis != 0)) return false;
  for (int32_t z : m.zero_point)
    if (z != 0) return false;
  const int64_t channels = w.shape[0];
  const int64_t per_channel = w.num_elements() / channels;
  ir::QuantParams q;
  q.axis = 0;
  std::vector<int8_t> values(w.float_data.size());
  for (int64_t c = 0; c < channels; ++c) {
    const float s = m.scale[m.per_channel() ? static_cast<size_t>(c) : 0];
    for (int64_t i = 0; i < per_channel; ++i) {
      // float_data = f32(s · q) with |q| ≤ 128, so the division recovers q exactly (error < 2^-16).
      const float v = std::round(w.float_data[static_cast<size_t>(c * per_channel + i)] / s);
      if (!(v >= -128.0f && v <= 127.0f)) return false;
      values[static_cast<size_t>(c * per_channel + i)] = static_cast<int8_t>(v);
    }
    q.scale.push_back(s);
    q.zero_point.push_back(0);
  }
  w.quant = q;
  w.dtype = ir::DType::kInt8;
  w.bytes.resize(values.size());
  std::memcpy(w.bytes.data(), values.data(), values.size());
  return true;
}

void QuantizeNodeWeights(ir::Graph& g, const ir::Node& node) {
  ir::Tensor& w = g.tensor(node.inputs[1]);
  if (!w.is_constant) throw ops::NodeError(node, "weights must be constant");
  if (w.dtype != ir::DType::kInt8) {  // shared weights are converted once
    const bool from_model = !w.quant.empty();
    if (!KeepModelWeights(w)) {
      if (from_model)
        spdlog::warn("node '{}': the model's weight quantization ({}) is outside the int8 spec; weights re-quantized "
                     "symmetric per output channel (docs/quantization.md §18)",
                     node.name, w.quant.axis > 0 ? "per-axis on axis " + std::to_string(w.quant.axis) : "non-zero zero point");
      else
        spdlog::info("node '{}': weights without DequantizeLinear, quantized per output channel", node.name);
      QuantizeWeights(w);
    }
  }
  const ir::Tensor& in = g.tensor(node.inputs[0]);
  if (node.inputs.size() > 2) QuantizeBiasTensor(g.tensor(node.inputs[2]), in.quant.scale[0], w.quant);
  CheckAccumulatorBound(g, node);
}

}  // namespace

void QuantizeFromQdq(ir::Graph& graph, const std::vector<TensorRange>* ranges) {
  RefuseFloatReferenceOnlyNodes(graph);
  for (int id : graph.inputs()) {
    ir::Tensor& t = graph.tensor(id);
    if (t.quant.empty()) t.quant = Calibrated(graph, id, ranges, "graph input '" + t.name + "'");
    t.dtype = ir::DType::kInt8;
  }
  for (const ir::Node& node : graph.nodes()) {
    const ir::Tensor& in = graph.tensor(node.inputs[0]);
    for (int id : node.outputs) {
      ir::Tensor& out = graph.tensor(id);
      if (ops::GetOpDef(node.op).keeps_input_quant) {
        // These int8 kernels copy or clamp their input's integers: the output has the input's parameters.
        if (!out.quant.empty() && !SameParams(out.quant, in.quant))
          spdlog::warn("node '{}': the model quantizes the output of {} with scale {} zero point {}; it keeps its "
                       "input's scale {} zero point {} (docs/quantization.md §18)",
                       node.name, ops::GetOpDef(node.op).onnx_name, out.quant.scale[0], out.quant.zero_point[0],
                       in.quant.scale[0], in.quant.zero_point[0]);
        out.quant = in.quant;
      } else if (out.quant.empty()) {
        out.quant = Calibrated(graph, id, ranges, "node '" + node.name + "': output '" + out.name + "'");
      }
      out.dtype = ir::DType::kInt8;
    }
    if (HasWeights(node)) QuantizeNodeWeights(graph, node);
  }
  // Other dequantized constants are read as float32 (CPU fallback ops), as in a calibrated graph.
  for (ir::Tensor& t : graph.tensors())
    if (t.is_constant && t.dtype == ir::DType::kFloat32) t.quant = {};
}

}  // namespace rknnsim::quant
