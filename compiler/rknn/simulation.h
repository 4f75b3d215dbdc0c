// A .rknn model as something the simulator and the reports accept: the imported IR graph lowered
// for the file's target with our placement and tiling, its layers relabelled with the file's node
// names and fused types, and the memory figures the file itself records.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/ir/graph.h"
#include "compiler/rknn/model.h"
#include "isa/platform_config.h"
#include "isa/program.h"

namespace rknnsim::rknn {

struct SimModel {
  ir::Graph graph;
  isa::Program program;
  bool weights_decoded = false;
};

// Throws rknnsim::Error for an unknown target or an unmapped node type.
SimModel CompileForSimulation(const RknnModel& model);

// Memory as the file records it (docs/rknn-format.md "Memory figures"): constant blobs, the
// internal (activation) region the compiler planned, and the register-command and task buffers.
struct FileMemory {
  uint64_t weight_bytes = 0, internal_bytes = 0, other_bytes = 0;
};
FileMemory MemoryOf(const RknnModel& model);

// One row per file node: the IR layers that came from the same node are merged (tasks renumbered)
// and carry the node's original name ("Conv:Conv.0") and fused type ("ConvAddRelu").
void RelabelLayers(const RknnModel& model, const std::unordered_map<std::string, int>& origin, isa::Program& program);

}  // namespace rknnsim::rknn
