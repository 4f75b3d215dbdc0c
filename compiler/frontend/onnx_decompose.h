// ONNX nodes whose general form the compiler has no single op for, rewritten into ops it has,
// one node at a time while importing (unlike onnx_windows_1d, the choice depends on what the
// importer has already learned: which inputs are constant after folding, and their shapes).
//
//   Gemm with a non-constant B, transA = 1 or a C that is not per-column
//       -> [Transpose A] -> MatMul or canonical Gemm -> [Mul alpha] -> [Add beta * C]
//   Clip whose min/max are not constant scalars      -> Max(x, min) -> Min(., max)
//   PRelu of opset < 7 with one slope per channel    -> Reshape slope to (C, 1, ...) -> PRelu
//
// The decomposed nodes keep the original node's name as a prefix and its output names, so
// reports and cut points (outputs=) still find them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "compiler/ir/graph.h"

namespace rknnsim::frontend {

// What the importer knows about one tensor by name at the point a node is imported.
struct TensorFacts {
  bool known = false;     // produced by an earlier node, an initializer or a graph input
  bool constant = false;  // its values are known at compile time (initializer or folded)
  ir::Shape shape;
};
using TensorLookup = std::function<TensorFacts(const std::string& name)>;

// The nodes that compute `node` (named `name`; `source_opset` is the model's opset before any
// upgrade by ONNX's version converter) with ops the importer implements in their simple form, or
// an empty list when `node` is imported as it is.
std::vector<onnx::NodeProto> Decompose(const onnx::NodeProto& node, const std::string& name, int64_t source_opset,
                                       const TensorLookup& lookup);

}  // namespace rknnsim::frontend
