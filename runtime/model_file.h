// The compiled model file (our counterpart of a .rknn): the NPU program for one target plus the
// quantized reference graph it was lowered from, so `run --reference int8` and the SystemC
// platform execute the very same compiled model. Versioned, checksummed, validated on load.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/graph.h"
#include "isa/program.h"

namespace rknnsim::runtime {

// The graph and program of one input-shape set of a model built with dynamic_input.
struct ShapeVariant {
  ir::Graph graph;
  isa::Program program;
};

struct CompiledModel {
  std::string source_name;  // the model file it was compiled from (for `info`)
  ir::Graph graph;          // quantized (int8) or fp16 reference graph
  isa::Program program;     // NPU tasks, weights, I/O table and memory plan
  // Built with dynamic_input: the other input-shape sets (graph and program above are the first),
  // in the order config(dynamic_input=) lists them. Empty for a model of one shape.
  std::vector<ShapeVariant> dynamic_shapes;
};

void SaveModelFile(const std::string& path, const CompiledModel& model);
std::vector<uint8_t> SerializeModel(const CompiledModel& model);

// Throws Error (one line: what is wrong and at which offset) for a missing, truncated, corrupted,
// foreign or future-version file.
CompiledModel LoadModelFile(const std::string& path);
CompiledModel DeserializeModel(const std::vector<uint8_t>& bytes, const std::string& what);

}  // namespace rknnsim::runtime
