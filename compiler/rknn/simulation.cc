#include "compiler/rknn/simulation.h"

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "compiler/lower/lowering.h"
#include "compiler/lower/placement.h"
#include "compiler/rknn/graph_import.h"

namespace rknnsim::rknn {

namespace {

isa::Layer FileLayer(const RknnModel& model, int index) {
  const RNode& node = model.nodes[static_cast<size_t>(index)];
  isa::Layer out;
  out.name = node.name, out.op_type = node.type;
  out.data_type = "INT8", out.target = "NPU";
  for (int32_t id : node.inputs) {
    const RTensor& t = model.tensors[static_cast<size_t>(id)];
    if (t.kind >= 1 && t.kind <= 4 && !t.shape.empty()) out.input_shapes.emplace_back(t.shape.begin(), t.shape.end());
  }
  for (int32_t id : node.outputs)
    out.output_shapes.emplace_back(model.tensors[id].shape.begin(), model.tensors[id].shape.end());
  return out;
}

}  // namespace

void RelabelLayers(const RknnModel& model, const std::unordered_map<std::string, int>& origin, isa::Program& program) {
  // One row per file node other than the I/O operators, in file order (the IR keeps that order);
  // a node that lowered to no task (an NPU alias such as a Reshape of a 1x1 map) keeps a zero row,
  // as the board lists it too.
  std::vector<int> row_of_node(model.nodes.size(), -1);
  std::vector<isa::Layer> rows;
  for (size_t i = 0; i < model.nodes.size(); ++i) {
    const std::string& type = model.nodes[i].type;
    if (type == "InputOperator" || type == "OutputOperator") continue;
    row_of_node[i] = static_cast<int>(rows.size());
    rows.push_back(FileLayer(model, static_cast<int>(i)));
  }
  std::vector<bool> seen(rows.size(), false);
  std::vector<uint32_t> new_index(program.layers.size());
  for (size_t i = 0; i < program.layers.size(); ++i) {
    const isa::Layer& layer = program.layers[i];
    // Lowering names layers "<op>:<IR node name>"; op names never contain ':'.
    const size_t colon = layer.name.find(':');
    const auto it = origin.find(colon == std::string::npos ? layer.name : layer.name.substr(colon + 1));
    if (it == origin.end() || row_of_node[static_cast<size_t>(it->second)] < 0)
      throw std::logic_error("layer '" + layer.name + "' has no file node");
    const size_t row = static_cast<size_t>(row_of_node[static_cast<size_t>(it->second)]);
    isa::Layer& m = rows[row];
    // A fused node with any NPU part runs on the NPU; one made only of CPU parts is a CPU row.
    if (!seen[row]) m.target = layer.target, m.data_type = layer.data_type, seen[row] = true;
    else if (layer.target == "NPU") m.target = "NPU";
    m.macs += layer.macs;
    new_index[i] = static_cast<uint32_t>(row);
  }
  for (isa::Task& t : program.tasks) t.layer = new_index[t.layer];
  program.layers = std::move(rows);
}

SimModel CompileForSimulation(const RknnModel& model) {
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(model.target);
  ImportedGraph imported = ImportGraph(model);
  SimModel sim;
  sim.weights_decoded = imported.weights_decoded;
  sim.graph = std::move(imported.graph);
  const int on_cpu = lower::AssignPlacement(sim.graph, platform);
  spdlog::debug("{} IR nodes from {} file nodes, {} on the CPU", sim.graph.nodes().size(), model.nodes.size(), on_cpu);
  sim.program = lower::Lower(sim.graph, platform, model.target);
  RelabelLayers(model, imported.origin, sim.program);
  return sim;
}

FileMemory MemoryOf(const RknnModel& model) {
  FileMemory m;
  m.weight_bytes = model.ConstantBytes();
  m.internal_bytes = model.internal_bytes;
  m.other_bytes = model.regcmd_bytes + model.task_bytes;
  return m;
}

}  // namespace rknnsim::rknn
