// ONNX → ir::Graph: parses the protobuf with libonnx's generated classes, validates versions,
// initializers and shapes, and builds a shape-inferred float graph that keeps every node name.
#pragma once

#include <string>

#include "compiler/ir/graph.h"

namespace rknnsim::frontend {

ir::Graph ImportOnnxFile(const std::string& path);
ir::Graph ImportOnnxBytes(const std::string& bytes, const std::string& what);

}  // namespace rknnsim::frontend
