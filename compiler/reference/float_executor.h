// The float32 reference executor: runs the IR op by op with the ops' float kernels. It is the
// oracle for the frontend (checked against PyTorch) and the calibration engine for quantization.
#pragma once

#include <functional>
#include <vector>

#include "compiler/ir/graph.h"

namespace rknnsim::reference {

// Values of every tensor (indexed by tensor id) after one run; constants hold their data.
using TensorValues = std::vector<std::vector<float>>;

TensorValues RunFloatAll(const ir::Graph& graph, const std::vector<std::vector<float>>& inputs);
std::vector<std::vector<float>> RunFloat(const ir::Graph& graph, const std::vector<std::vector<float>>& inputs);

// Runs like RunFloatAll (same kernels, same values) but hands each non-constant tensor to `visit`
// as soon as it is computed (graph inputs first) and frees it after its last reader, and reads
// constants in place: calibration walks many samples without holding or copying whole runs.
using TensorVisitor = std::function<void(int tensor_id, const std::vector<float>& values)>;
void RunFloatStreaming(const ir::Graph& graph, const std::vector<std::vector<float>>& inputs,
                       const TensorVisitor& visit);

// Throws Error unless inputs match the graph's inputs in count and element count.
void CheckInputs(const ir::Graph& graph, const std::vector<std::vector<float>>& inputs);

}  // namespace rknnsim::reference
