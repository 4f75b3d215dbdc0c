#include "compiler/reference/quant_executor.h"

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

std::vector<std::vector<float>> RunFp16All(const ir::Graph& graph, const std::vector<std::vector<float>>& float_inputs) {
  CheckInputs(graph, float_inputs);
  TensorValues values(graph.tensors().size());
  for (size_t i = 0; i < float_inputs.size(); ++i) {
    std::vector<float>& v = values[graph.inputs()[i]] = float_inputs[i];
    for (float& x : v) x = RoundToHalf(x);
  }
  for (size_t t = 0; t < graph.tensors().size(); ++t)
    if (graph.tensors()[t].is_constant) values[t] = graph.tensors()[t].float_data;
  for (const ir::Node& node : graph.nodes()) {
    ops::Fp16Args args{graph, node, {}, values[node.outputs[0]], {}};
    for (int in : node.inputs) args.in.push_back(&values[in]);
    for (int out : node.outputs) args.outputs.push_back(&values[out]);
    const auto kernel = ops::GetOpDef(node.op).run_fp16;
    if (kernel && !node.on_cpu)
      kernel(args);
    else
      RunCpuOpFp16(graph, node, args.in, args.outputs);
  }
  return values;
}

std::vector<std::vector<int8_t>> RunInt8All(const ir::Graph& graph, const std::vector<std::vector<float>>& float_inputs) {
  CheckInputs(graph, float_inputs);
  std::vector<std::vector<int8_t>> values(graph.tensors().size());
  for (size_t i = 0; i < float_inputs.size(); ++i) {
    const ir::Tensor& t = graph.tensor(graph.inputs()[i]);
    std::vector<int8_t>& q = values[graph.inputs()[i]];
    q.resize(float_inputs[i].size());
    for (size_t k = 0; k < q.size(); ++k)
      q[k] = quant::QuantizeValue(float_inputs[i][k], t.quant.scale[0], t.quant.zero_point[0]);
  }
  for (const ir::Node& node : graph.nodes()) RunNodeInt8(graph, node, values);
  return values;
}

QuantOutputs RunQuantized(const ir::Graph& graph, const std::vector<std::vector<float>>& float_inputs) {
  QuantOutputs result;
  if (IsFp16Graph(graph)) {
    const TensorValues values = RunFp16All(graph, float_inputs);
    for (int id : graph.outputs()) result.fp16.push_back(values[id]);
    return result;
  }
  const std::vector<std::vector<int8_t>> values = RunInt8All(graph, float_inputs);
  for (int id : graph.outputs()) result.int8.push_back(values[id]);
  return result;
}

std::vector<std::vector<float>> DequantizeOutputs(const ir::Graph& graph, const QuantOutputs& raw) {
  if (!raw.fp16.empty()) return raw.fp16;
  std::vector<std::vector<float>> out;
  for (size_t i = 0; i < raw.int8.size(); ++i) {
    const ir::Tensor& t = graph.tensor(graph.outputs()[i]);
    std::vector<float>& f = out.emplace_back(raw.int8[i].size());
    for (size_t k = 0; k < f.size(); ++k) f[k] = quant::DequantizeValue(raw.int8[i][k], t.quant.scale[0], t.quant.zero_point[0]);
  }
  return out;
}

}  // namespace rknnsim::reference
