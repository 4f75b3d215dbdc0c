#include "compiler/reference/cpu_op.h"

#include "common/fp16.h"
#include "common/int8_table.h"
#include "compiler/ops/op_def.h"
#include "compiler/quant/arithmetic.h"
#include "compiler/reference/quant_executor.h"

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

// Beyond this many elements a 256-entry table is cheaper than evaluating the op per element.
constexpr size_t kTableWorthwhileElements = 1024;

bool ByTable(const ir::Graph& g, const ir::Node& node, const std::vector<const std::vector<int8_t>*>& in) {
  return ops::IsElementwiseUnary(node.op) && node.inputs.size() == 1 && node.outputs.size() == 1 &&
         !g.tensor(node.inputs[0]).is_constant && in[0]->size() > kTableWorthwhileElements;
}

// `node` alone over one input holding each int8 code once, in order; `cpu` picks the CPU semantics
// even where the op has an int8 kernel.
std::vector<int8_t> OverEveryCode(const ir::Graph& g, const ir::Node& n, bool cpu) {
  ir::Graph mini;
  ir::Tensor in = g.tensor(n.inputs[0]), out = g.tensor(n.outputs[0]);
  in.shape = out.shape = {1, 256};
  in.is_constant = out.is_constant = false;
  ir::Node node = n;
  node.inputs = {mini.AddTensor(in)};
  node.outputs = {mini.AddTensor(out)};
  node.on_cpu = cpu;
  std::vector<std::vector<int8_t>> values(2);
  for (int q = -128; q < 128; ++q) values[0].push_back(static_cast<int8_t>(q));
  RunNodeInt8(mini, node, values);
  return values[1];
}

}  // namespace

std::vector<int8_t> Int8LookupTable(const ir::Graph& g, const ir::Node& n) { return OverEveryCode(g, n, false); }

void RunCpuOpInt8(const ir::Graph& g, const ir::Node& node, const std::vector<const std::vector<int8_t>*>& in,
                  const std::vector<std::vector<int8_t>*>& out) {
  if (ByTable(g, node, in)) {
    const std::vector<int8_t> table = OverEveryCode(g, node, true);
    const std::vector<int8_t>& x = *in[0];
    std::vector<int8_t>& y = *out[0];
    y.resize(x.size());
    ApplyInt8Table(reinterpret_cast<const uint8_t*>(table.data()), reinterpret_cast<const uint8_t*>(x.data()),
                   reinterpret_cast<uint8_t*>(y.data()), x.size());
    return;
  }
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
