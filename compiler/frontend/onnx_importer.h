// ONNX → ir::Graph: parses the protobuf with libonnx's generated classes, validates versions,
// initializers and shapes, and builds a shape-inferred float graph that keeps every node name.
// Constant subgraphs (including shape arithmetic on static shapes) are folded on the way.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace rknnsim::frontend {

// RKNN-Toolkit2's load_onnx(inputs=, outputs=, input_size_list=).
struct OnnxLoadOptions {
  std::vector<std::string> inputs;         // tensors that become the graph's inputs (cut above them)
  std::vector<std::string> outputs;        // tensors that become the graph's outputs (cut below them)
  std::vector<ir::Shape> input_size_list;  // one shape per input, fixing dynamic dimensions
};

ir::Graph ImportOnnxFile(const std::string& path, const OnnxLoadOptions& options = {});
ir::Graph ImportOnnxBytes(const std::string& bytes, const std::string& what, const OnnxLoadOptions& options = {});

}  // namespace rknnsim::frontend
