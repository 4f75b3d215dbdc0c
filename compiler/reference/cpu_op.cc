#include "compiler/reference/cpu_op.h"

#include "common/fp16.h"
#include "compiler/ops/op_def.h"
#include "compiler/quant/arithmetic.h"

namespace rknnsim::reference {
namespace {

// Runs the float kernel over already-float inputs, returning every output.
std::vector<std::vector<float>> RunFloatKernel(const ir::Graph& g, const ir::Node& node,
                                               const std::vector<const std::vector<float>*>& in) {
  std::vector<std::vector<float>> outputs(node.outputs.size());
  ops::FloatArgs args{g, node, in, outputs[0], {}};
  for (auto& o : outputs) args.outputs.push_back(&o);
  ops::GetOpDef(node.op).run_float(args);
  return outputs;
}

}  // namespace

void RunCpuOpInt8(const ir::Graph& g, const ir::Node& node, const std::vector<const std::vector<int8_t>*>& in,
                  const std::vector<std::vector<int8_t>*>& out) {
  std::vector<std::vector<float>> dequantized(node.inputs.size());
  std::vector<const std::vector<float>*> float_in;
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const ir::Tensor& t = g.tensor(node.inputs[i]);
    if (t.is_constant) {
      float_in.push_back(&t.float_data);
      continue;
    }
    const std::vector<int8_t>& q = *in[i];
    dequantized[i].resize(q.size());
    for (size_t k = 0; k < q.size(); ++k)
      dequantized[i][k] = quant::DequantizeValue(q[k], t.quant.scale[0], t.quant.zero_point[0]);
    float_in.push_back(&dequantized[i]);
  }
  const std::vector<std::vector<float>> results = RunFloatKernel(g, node, float_in);
  for (size_t o = 0; o < node.outputs.size(); ++o) {
    const ir::Tensor& t = g.tensor(node.outputs[o]);
    std::vector<int8_t>& q = *out[o];
    q.resize(results[o].size());
    for (size_t k = 0; k < q.size(); ++k)
      q[k] = quant::QuantizeValue(results[o][k], t.quant.scale[0], t.quant.zero_point[0]);
  }
}

void RunCpuOpFp16(const ir::Graph& g, const ir::Node& node, const std::vector<const std::vector<float>*>& in,
                  const std::vector<std::vector<float>*>& out) {
  std::vector<const std::vector<float>*> float_in;
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const ir::Tensor& t = g.tensor(node.inputs[i]);
    float_in.push_back(t.is_constant ? &t.float_data : in[i]);
  }
  std::vector<std::vector<float>> results = RunFloatKernel(g, node, float_in);
  for (size_t o = 0; o < node.outputs.size(); ++o) {
    for (float& v : results[o]) v = RoundToHalf(v);
    *out[o] = std::move(results[o]);
  }
}

}  // namespace rknnsim::reference
