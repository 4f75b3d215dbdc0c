#include "compiler/reference/float_executor.h"

#include "common/error.h"
#include "compiler/ops/op_def.h"

namespace rknnsim::reference {

void CheckInputs(const ir::Graph& graph, const std::vector<std::vector<float>>& inputs) {
  if (inputs.size() != graph.inputs().size())
    throw Error("the model has " + std::to_string(graph.inputs().size()) + " input(s), got " +
                std::to_string(inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ir::Tensor& t = graph.tensor(graph.inputs()[i]);
    if (static_cast<int64_t>(inputs[i].size()) != t.num_elements())
      throw Error("input " + std::to_string(i) + " ('" + t.name + "') has " + std::to_string(inputs[i].size()) +
                      " elements, the model expects shape " + ir::ShapeToString(t.shape),
                  "pass an NCHW float array of that shape");
  }
}

TensorValues RunFloatAll(const ir::Graph& graph, const std::vector<std::vector<float>>& inputs) {
  CheckInputs(graph, inputs);
  TensorValues values(graph.tensors().size());
  for (size_t i = 0; i < inputs.size(); ++i) values[graph.inputs()[i]] = inputs[i];
  for (size_t t = 0; t < graph.tensors().size(); ++t)
    if (graph.tensors()[t].is_constant) values[t] = graph.tensors()[t].float_data;
  for (const ir::Node& node : graph.nodes()) {
    ops::FloatArgs args{graph, node, {}, values[node.outputs[0]], {}};
    for (int in : node.inputs) args.in.push_back(&values[in]);
    for (int out : node.outputs) args.outputs.push_back(&values[out]);
    ops::GetOpDef(node.op).run_float(args);
  }
  return values;
}

void RunFloatStreaming(const ir::Graph& graph, const std::vector<std::vector<float>>& inputs,
                       const TensorVisitor& visit) {
  CheckInputs(graph, inputs);
  const auto& tensors = graph.tensors();
  // Index of the last node reading each tensor; graph outputs are never read after the walk ends.
  std::vector<int> last_reader(tensors.size(), -1);
  for (size_t n = 0; n < graph.nodes().size(); ++n)
    for (int in : graph.nodes()[n].inputs)
      if (in >= 0) last_reader[in] = static_cast<int>(n);
  TensorValues values(tensors.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    values[graph.inputs()[i]] = inputs[i];
    visit(graph.inputs()[i], values[graph.inputs()[i]]);
  }
  for (size_t n = 0; n < graph.nodes().size(); ++n) {
    const ir::Node& node = graph.nodes()[n];
    ops::FloatArgs args{graph, node, {}, values[node.outputs[0]], {}};
    for (int in : node.inputs)
      args.in.push_back(in < 0 ? nullptr : tensors[in].is_constant ? &tensors[in].float_data : &values[in]);
    for (int out : node.outputs) args.outputs.push_back(&values[out]);
    ops::GetOpDef(node.op).run_float(args);
    for (int out : node.outputs)
      if (!values[out].empty()) visit(out, values[out]);
    // Free what no later node reads (inputs read for the last time, outputs nobody reads).
    for (int id : node.inputs)
      if (id >= 0 && last_reader[id] == static_cast<int>(n) && !tensors[id].is_constant) TensorValues::value_type().swap(values[id]);
    for (int out : node.outputs)
      if (last_reader[out] <= static_cast<int>(n)) TensorValues::value_type().swap(values[out]);
  }
}

// Streaming: each intermediate is freed after its last reader and constants are read in place,
// so a run touches a network's live tensors only, not all of them plus a copy of its weights.
std::vector<std::vector<float>> RunFloat(const ir::Graph& graph, const std::vector<std::vector<float>>& inputs) {
  const std::vector<int>& ids = graph.outputs();
  std::vector<std::vector<float>> outputs(ids.size());
  RunFloatStreaming(graph, inputs, [&](int id, const std::vector<float>& values) {
    for (size_t k = 0; k < ids.size(); ++k)
      if (ids[k] == id) outputs[k] = values;
  });
  for (size_t k = 0; k < ids.size(); ++k)  // an output that is a constant is never visited
    if (graph.tensor(ids[k]).is_constant) outputs[k] = graph.tensor(ids[k]).float_data;
  return outputs;
}

}  // namespace rknnsim::reference
