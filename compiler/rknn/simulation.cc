#include "compiler/rknn/simulation.h"

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "compiler/lower/lowering.h"
#include "compiler/lower/placement.h"
#include "compiler/rknn/graph_import.h"

namespace rknnsim::rknn {

void RelabelLayers(const RknnModel& model, const std::unordered_map<std::string, int>& origin, isa::Program& program) {
  std::vector<isa::Layer> merged;
  std::unordered_map<int, uint32_t> row_of;  // file node -> merged layer
  std::vector<uint32_t> new_index(program.layers.size());
  for (size_t i = 0; i < program.layers.size(); ++i) {
    const isa::Layer& layer = program.layers[i];
    // Lowering names layers "<op>:<IR node name>"; op names never contain ':'.
    const size_t colon = layer.name.find(':');
    const auto it = origin.find(colon == std::string::npos ? layer.name : layer.name.substr(colon + 1));
    if (it == origin.end()) throw std::logic_error("layer '" + layer.name + "' has no file node");
    const auto [row, added] = row_of.emplace(it->second, static_cast<uint32_t>(merged.size()));
    if (added) {
      const RNode& node = model.nodes[static_cast<size_t>(it->second)];
      isa::Layer out = layer;
      out.name = node.name, out.op_type = node.type, out.macs = 0;
      out.input_shapes.clear(), out.output_shapes.clear();
      for (int32_t id : node.inputs) {
        const RTensor& t = model.tensors[static_cast<size_t>(id)];
        if (t.kind >= 1 && t.kind <= 4 && !t.shape.empty())
          out.input_shapes.emplace_back(t.shape.begin(), t.shape.end());
      }
      for (int32_t id : node.outputs)
        out.output_shapes.emplace_back(model.tensors[id].shape.begin(), model.tensors[id].shape.end());
      merged.push_back(std::move(out));
    }
    isa::Layer& m = merged[row->second];
    m.macs += layer.macs;
    if (layer.target == "NPU") m.target = "NPU";  // a fused node with any NPU part runs on the NPU
    new_index[i] = row->second;
  }
  for (isa::Task& t : program.tasks) t.layer = new_index[t.layer];
  program.layers = std::move(merged);
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
