#include "compiler/passes/matmul_add_to_gemm.h"

#include "compiler/passes/pass_util.h"

namespace rknnsim::passes {

int FuseMatMulAdd(ir::Graph& graph) {
  const GraphUse use(graph);
  std::vector<ir::Node>& nodes = graph.nodes();
  std::vector<bool> removed(nodes.size(), false);
  int fused = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const ir::Node& add = nodes[i];
    if (add.op != ir::OpKind::kAdd) continue;
    const std::optional<int> side = ConstantOperand(graph, add);
    if (!side) continue;
    const int t = add.inputs[static_cast<size_t>(1 - *side)];
    const int p = use.producer[static_cast<size_t>(t)];
    if (p < 0 || removed[static_cast<size_t>(p)] || !use.SoleInternalUse(t)) continue;
    ir::Node& mm = nodes[static_cast<size_t>(p)];
    if (mm.op != ir::OpKind::kMatMul || mm.inputs.size() != 2) continue;
    const ir::Tensor& x = graph.tensor(mm.inputs[0]);
    const ir::Tensor& w = graph.tensor(mm.inputs[1]);
    if (x.is_constant || x.shape.size() != 2 || !w.is_constant || w.shape.size() != 2 ||
        w.dtype != ir::DType::kFloat32)
      continue;
    const int64_t k = w.shape[0], n = w.shape[1];
    const std::optional<std::vector<float>> c = PerChannelValues(graph, add.inputs[static_cast<size_t>(*side)], graph.tensor(t).shape);
    if (!c || static_cast<int64_t>(c->size()) != n) continue;
    std::vector<float> wt(static_cast<size_t>(k * n));
    for (int64_t r = 0; r < k; ++r)
      for (int64_t col = 0; col < n; ++col) wt[static_cast<size_t>(col * k + r)] = w.float_data[static_cast<size_t>(r * n + col)];
    const std::string w_name = w.name;
    const int w_id = AddConstant(graph, w_name + "_t", {n, k}, std::move(wt));
    const int c_id = AddConstant(graph, mm.name + "_bias", {n}, *c);
    mm.op = ir::OpKind::kGemm;
    mm.attrs.trans_a = false;
    mm.attrs.trans_b = true;
    mm.attrs.alpha = mm.attrs.beta = 1.0f;
    mm.inputs = {mm.inputs[0], w_id, c_id};
    mm.outputs[0] = nodes[i].outputs[0];
    removed[i] = true;
    ++fused;
  }
  graph.EraseNodes(removed);
  return fused;
}

}  // namespace rknnsim::passes
