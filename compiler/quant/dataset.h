// RKNN-Toolkit2's dataset.txt: one sample per line, one file per model input separated by spaces,
// paths relative to the dataset file's directory (troubleshooting manual §4.4). .npy for now.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace rknnsim::quant {

using Sample = std::vector<std::vector<float>>;  // one float NCHW array per model input

// Loads and validates every sample against the graph's inputs (count and element count).
std::vector<Sample> LoadDataset(const std::string& dataset_txt, const ir::Graph& graph);

// Loads one .npy per model input for inference, validated the same way.
Sample LoadInputs(const std::vector<std::string>& npy_paths, const ir::Graph& graph);

}  // namespace rknnsim::quant
