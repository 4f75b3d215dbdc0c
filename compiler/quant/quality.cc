#include "compiler/quant/quality.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "common/error.h"
#include "compiler/ops/op_def.h"
#include "compiler/quant/arithmetic.h"
#include "compiler/reference/float_executor.h"
#include "compiler/reference/quant_executor.h"

namespace rknnsim::quant {
namespace {

std::vector<float> Dequantize(const std::vector<int8_t>& q, const ir::QuantParams& p) {
  std::vector<float> f(q.size());
  for (size_t i = 0; i < q.size(); ++i) f[i] = DequantizeValue(q[i], p.scale.at(0), p.zero_point.at(0));
  return f;
}

std::vector<int8_t> Quantize(const std::vector<float>& f, const ir::QuantParams& p) {
  std::vector<int8_t> q(f.size());
  for (size_t i = 0; i < f.size(); ++i) q[i] = QuantizeValue(f[i], p.scale.at(0), p.zero_point.at(0));
  return q;
}

bool IsFp16(const ir::Tensor& t) { return t.dtype == ir::DType::kFloat16; }

// The node's int8 output when its non-constant inputs are the float values quantized; empty when
// an input has no float counterpart or is fp16 (the int8 side of a hybrid graph only). `scratch`
// is indexed by tensor id and left empty afterwards.
std::vector<float> RunAlone(const ir::Graph& float_graph, const ir::Graph& quant_graph, const ir::Node& node,
                            const reference::TensorValues& float_values, std::vector<std::vector<int8_t>>& scratch) {
  std::vector<float> result;
  bool complete = true;
  for (int in : node.inputs) {
    if (in < 0 || quant_graph.tensor(in).is_constant) continue;  // kernels read constants from the graph
    const int fid = float_graph.FindTensor(quant_graph.tensor(in).name);
    if (fid < 0 || float_values[fid].size() != static_cast<size_t>(quant_graph.tensor(in).num_elements()) ||
        IsFp16(quant_graph.tensor(in))) {
      complete = false;
      break;
    }
    scratch[in] = Quantize(float_values[fid], quant_graph.tensor(in).quant);
  }
  if (complete) {
    reference::RunNodeInt8(quant_graph, node, scratch);
    result = Dequantize(scratch[node.outputs[0]], quant_graph.tensor(node.outputs[0]).quant);
  }
  for (int in : node.inputs)
    if (in >= 0) scratch[in].clear();
  for (int out : node.outputs) scratch[out].clear();
  return result;
}

}  // namespace

double CosineSimilarity(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0.0, na = 0.0, nb = 0.0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    dot += double(a[i]) * b[i];
    na += double(a[i]) * a[i];
    nb += double(b[i]) * b[i];
  }
  if (na == 0.0 && nb == 0.0) return 1.0;
  if (na == 0.0 || nb == 0.0) return 0.0;
  return dot / (std::sqrt(na) * std::sqrt(nb));
}

std::vector<TensorPair> CompareTensors(const ir::Graph& float_graph, const ir::Graph& quant_graph, const Sample& sample) {
  // An fp16 graph holds fp16 values; an int8 graph int8 codes; a hybrid one both (each tensor in
  // its own dtype, docs/quantization.md §17).
  const bool fp16 = reference::IsFp16Graph(quant_graph);
  const reference::TensorValues float_values = reference::RunFloatAll(float_graph, sample);
  const reference::QuantValues quant_values = reference::RunQuantizedAll(quant_graph, sample);
  const std::vector<int>& outputs = quant_graph.outputs();
  std::vector<TensorPair> pairs;
  std::vector<std::vector<int8_t>> scratch(fp16 ? 0 : quant_graph.tensors().size());
  for (size_t n = 0; n < quant_graph.nodes().size(); ++n) {
    const ir::Node& node = quant_graph.nodes()[n];
    const bool int8_node = !fp16 && node.op != ir::OpKind::kConvert && !IsFp16(quant_graph.tensor(node.outputs[0]));
    const std::vector<float> local =
        int8_node ? RunAlone(float_graph, quant_graph, node, float_values, scratch) : std::vector<float>{};
    for (int id : node.outputs) {
      const ir::Tensor& t = quant_graph.tensor(id);
      const int fid = float_graph.FindTensor(t.name);
      if (fid < 0 || float_values[fid].empty()) continue;
      TensorPair pair;
      pair.name = t.name;
      pair.quant_id = id;
      pair.float_id = fid;
      pair.node = static_cast<int>(n);
      const auto out = std::find(outputs.begin(), outputs.end(), id);
      pair.output_index = out == outputs.end() ? -1 : static_cast<int>(out - outputs.begin());
      pair.quant_values =
          fp16 || IsFp16(t) ? quant_values.fp16[id] : Dequantize(quant_values.int8[id], t.quant);
      if (pair.quant_values.size() != float_values[fid].size()) continue;  // same name, other tensor
      pair.float_values = float_values[fid];
      if (id == node.outputs[0]) pair.local_values = local;
      pairs.push_back(std::move(pair));
    }
  }
  return pairs;
}

QualityReport MeasureQuality(const ir::Graph& float_graph, const ir::Graph& quant_graph,
                             const std::vector<Sample>& samples) {
  if (samples.empty()) throw Error("the quality report needs at least one sample");
  QualityReport report;
  report.samples = static_cast<int>(samples.size());
  std::vector<TensorQuality> by_id(quant_graph.tensors().size());
  std::vector<bool> seen(by_id.size(), false);
  for (const Sample& sample : samples) {
    for (const TensorPair& pair : CompareTensors(float_graph, quant_graph, sample)) {
      TensorQuality& q = by_id[pair.quant_id];
      const double cosine = CosineSimilarity(pair.float_values, pair.quant_values);
      const double local = pair.local_values.empty() ? -2.0 : CosineSimilarity(pair.float_values, pair.local_values);
      if (!seen[pair.quant_id]) {
        seen[pair.quant_id] = true;
        q.name = pair.name;
        q.op_type = ops::ReportOpType(quant_graph.nodes()[pair.node]);
        q.node = pair.node;
        q.output_index = pair.output_index;
        q.cosine_min = cosine;
        q.cosine_mean = 0.0;
        q.local_cosine_min = local;
      }
      q.local_cosine_min = std::min(q.local_cosine_min, local);
      q.cosine_min = std::min(q.cosine_min, cosine);
      q.cosine_mean += cosine / static_cast<double>(samples.size());
      for (size_t i = 0; i < pair.float_values.size(); ++i) {
        q.max_abs_error = std::max(q.max_abs_error, double(std::fabs(pair.quant_values[i] - pair.float_values[i])));
        q.float_abs_max = std::max(q.float_abs_max, double(std::fabs(pair.float_values[i])));
      }
    }
  }
  for (size_t id = 0; id < by_id.size(); ++id)
    if (seen[id]) report.layers.push_back(by_id[id]);
  std::stable_sort(report.layers.begin(), report.layers.end(),
            [](const TensorQuality& a, const TensorQuality& b) { return a.node < b.node; });
  for (int id : quant_graph.outputs())
    if (seen[id]) report.outputs.push_back(by_id[id]);
  return report;
}

}  // namespace rknnsim::quant
