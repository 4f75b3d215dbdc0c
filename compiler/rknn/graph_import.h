// Maps a decoded .rknn graph onto our IR so that placement, lowering/tiling and the SystemC timing
// run on it unchanged. Each fused node of the file (ConvAddRelu, ConvLeakyReluAdd, ...) becomes the
// chain of IR nodes it fuses; `origin` remembers which file node every IR node came from, so the
// reports can show one row per file node under its original name and type.
#pragma once

#include <string>
#include <unordered_map>

#include "compiler/ir/graph.h"
#include "compiler/rknn/model.h"

namespace rknnsim::rknn {

struct ImportedGraph {
  ir::Graph graph;
  std::unordered_map<std::string, int> origin;  // IR node name -> index into RknnModel::nodes
  bool weights_decoded = true;  // false when some weight blob was not plain int8 (zeros stand in)
};

// Throws rknnsim::Error naming the node and its type when a fused type has no mapping yet.
ImportedGraph ImportGraph(const RknnModel& model);

// The int8 codes of a plain (uncompressed) native weight blob in OIHW order, or an empty vector
// when the blob does not have the 6-D block layout docs/rknn-format.md §3 describes.
std::vector<int8_t> DecodeNativeWeights(const RTensor& weight);

}  // namespace rknnsim::rknn
