#include "compiler/reference/quant_executor.h"

#include "common/error.h"
#include "common/fp16.h"
#include "compiler/ops/op_def.h"
#include "compiler/quant/arithmetic.h"
#include "compiler/reference/cpu_op.h"
#include "compiler/reference/float_executor.h"

namespace rknnsim::reference {

bool IsFp16Graph(const ir::Graph& graph) { return graph.tensor(graph.inputs().at(0)).dtype == ir::DType::kFloat16; }

void RunNodeInt8(const ir::Graph& graph, const ir::Node& node, std::vector<std::vector<int8_t>>& values) {
  ops::Int8Args args{graph, node, {}, values[node.outputs[0]], {}};
  for (int in : node.inputs) args.in.push_back(&values[in]);
  for (int out : node.outputs) args.outputs.push_back(&values[out]);
  const auto kernel = ops::GetOpDef(node.op).run_int8;
  if (kernel && !node.on_cpu) return kernel(args);
  RunCpuOpInt8(graph, node, args.in, args.outputs);
}

void RunNodeFp16(const ir::Graph& graph, const ir::Node& node, TensorValues& values) {
  ops::Fp16Args args{graph, node, {}, values[node.outputs[0]], {}};
  for (int in : node.inputs) args.in.push_back(&values[in]);
  for (int out : node.outputs) args.outputs.push_back(&values[out]);
  const auto kernel = ops::GetOpDef(node.op).run_fp16;
  if (kernel && !node.on_cpu) return kernel(args);
  RunCpuOpFp16(graph, node, args.in, args.outputs);
}

namespace {
bool IsFp16Tensor(const ir::Tensor& t) { return t.dtype == ir::DType::kFloat16; }
}  // namespace

void RunConvert(const ir::Graph& graph, const ir::Node& node, std::vector<std::vector<int8_t>>& int8_values,
                TensorValues& fp16_values) {
  const ir::Tensor& in = graph.tensor(node.inputs[0]);
  const ir::Tensor& out = graph.tensor(node.outputs[0]);
  if (!IsFp16Tensor(in) && IsFp16Tensor(out)) {
    const std::vector<int8_t>& q = int8_values[node.inputs[0]];
    std::vector<float>& y = fp16_values[node.outputs[0]];
    y.resize(q.size());
    for (size_t k = 0; k < q.size(); ++k) y[k] = quant::DequantizeToHalf(q[k], in.quant.scale[0], in.quant.zero_point[0]);
  } else if (IsFp16Tensor(in) && !IsFp16Tensor(out)) {
    const std::vector<float>& x = fp16_values[node.inputs[0]];
    std::vector<int8_t>& q = int8_values[node.outputs[0]];
    q.resize(x.size());
    for (size_t k = 0; k < x.size(); ++k) q[k] = quant::QuantizeHalf(x[k], out.quant.scale[0], out.quant.zero_point[0]);
  } else {
    throw Error("node '" + node.name + "': Convert must go between an int8 and a float16 tensor");
  }
}

// Each node runs in its own precision, that of its first output: int8 kernels (or CPU semantics)
// on int8 values, fp16 kernels on fp16 values. An int8-only or fp16-only graph is the special
// case without Convert nodes; hybrid graphs have a Convert wherever the two meet.
namespace {

// keep_all = false frees each intermediate after its last reader (graph outputs stay), so that a
// run touches the live tensors only.
QuantValues RunQuantizedValues(const ir::Graph& graph, const std::vector<std::vector<float>>& float_inputs,
                               bool keep_all) {
  CheckInputs(graph, float_inputs);
  QuantValues all;
  std::vector<std::vector<int8_t>>& int8_values = all.int8;
  TensorValues& fp16_values = all.fp16;
  int8_values.resize(graph.tensors().size());
  fp16_values.resize(graph.tensors().size());
  for (size_t i = 0; i < float_inputs.size(); ++i) {
    const int id = graph.inputs()[i];
    const ir::Tensor& t = graph.tensor(id);
    if (IsFp16Tensor(t)) {
      std::vector<float>& v = fp16_values[id] = float_inputs[i];
      for (float& x : v) x = RoundToHalf(x);
      continue;
    }
    std::vector<int8_t>& q = int8_values[id];
    q.resize(float_inputs[i].size());
    for (size_t k = 0; k < q.size(); ++k)
      q[k] = quant::QuantizeValue(float_inputs[i][k], t.quant.scale[0], t.quant.zero_point[0]);
  }
  // fp16 kernels read constants as float values (weights from `bytes` where they need fp16 bits);
  // int8 kernels read constants from the graph. keep_all hands every constant back as well.
  for (const ir::Node& node : graph.nodes()) {
    if (!keep_all && node.op != ir::OpKind::kConvert && !IsFp16Tensor(graph.tensor(node.outputs[0]))) continue;
    for (int in : node.inputs)
      if (in >= 0 && graph.tensor(in).is_constant && fp16_values[in].empty()) fp16_values[in] = graph.tensor(in).float_data;
  }
  std::vector<int> last_reader(graph.tensors().size(), -1);
  for (size_t n = 0; n < graph.nodes().size(); ++n)
    for (int in : graph.nodes()[n].inputs)
      if (in >= 0) last_reader[in] = static_cast<int>(n);
  for (int id : graph.outputs()) last_reader[id] = static_cast<int>(graph.nodes().size());
  for (size_t n = 0; n < graph.nodes().size(); ++n) {
    const ir::Node& node = graph.nodes()[n];
    if (node.op == ir::OpKind::kConvert)
      RunConvert(graph, node, int8_values, fp16_values);
    else if (IsFp16Tensor(graph.tensor(node.outputs[0])))
      RunNodeFp16(graph, node, fp16_values);
    else
      RunNodeInt8(graph, node, int8_values);
    if (keep_all) continue;
    for (int id : node.inputs)
      if (id >= 0 && last_reader[id] == static_cast<int>(n) && !graph.tensor(id).is_constant) {
        std::vector<int8_t>().swap(int8_values[id]);
        std::vector<float>().swap(fp16_values[id]);
      }
  }
  return all;
}

}  // namespace

QuantValues RunQuantizedAll(const ir::Graph& graph, const std::vector<std::vector<float>>& float_inputs) {
  return RunQuantizedValues(graph, float_inputs, /*keep_all=*/true);
}

std::vector<std::vector<int8_t>> RunInt8All(const ir::Graph& graph, const std::vector<std::vector<float>>& float_inputs) {
  return RunQuantizedAll(graph, float_inputs).int8;
}

std::vector<std::vector<float>> RunFp16All(const ir::Graph& graph, const std::vector<std::vector<float>>& float_inputs) {
  return RunQuantizedAll(graph, float_inputs).fp16;
}

QuantOutputs RunQuantized(const ir::Graph& graph, const std::vector<std::vector<float>>& float_inputs) {
  const QuantValues all = RunQuantizedValues(graph, float_inputs, /*keep_all=*/false);
  const std::vector<std::vector<int8_t>>& int8_values = all.int8;
  const TensorValues& fp16_values = all.fp16;
  // One entry per output in its own type's list; the other list keeps an empty placeholder only
  // when the graph mixes both types, so int8-only and fp16-only results look as they always did.
  QuantOutputs result;
  bool any_int8 = false, any_fp16 = false;
  for (int id : graph.outputs()) (IsFp16Tensor(graph.tensor(id)) ? any_fp16 : any_int8) = true;
  for (int id : graph.outputs()) {
    const bool fp16 = IsFp16Tensor(graph.tensor(id));
    if (any_int8) result.int8.push_back(fp16 ? std::vector<int8_t>{} : int8_values[id]);
    if (any_fp16) result.fp16.push_back(fp16 ? fp16_values[id] : std::vector<float>{});
  }
  return result;
}

std::vector<std::vector<float>> DequantizeOutputs(const ir::Graph& graph, const QuantOutputs& raw) {
  std::vector<std::vector<float>> out;
  for (size_t i = 0; i < graph.outputs().size(); ++i) {
    const ir::Tensor& t = graph.tensor(graph.outputs()[i]);
    if (IsFp16Tensor(t)) {
      out.push_back(raw.fp16.at(i));
      continue;
    }
    std::vector<float>& f = out.emplace_back(raw.int8.at(i).size());
    for (size_t k = 0; k < f.size(); ++k) f[k] = quant::DequantizeValue(raw.int8[i][k], t.quant.scale[0], t.quant.zero_point[0]);
  }
  return out;
}

}  // namespace rknnsim::reference
