// RKNN-Toolkit2's config(mean_values=, std_values=): the compiled model takes raw inputs and
// computes (x - mean[c]) / std[c] per channel itself (manual §4.6-4.7). This pass validates the
// values against the graph's inputs and makes that normalization an explicit node of the IR, so
// calibration, the float/int8/fp16 reference executors and the SystemC platform all see it as an
// ordinary op and stay bit-exact with no special case anywhere.
#pragma once

#include <vector>

#include "compiler/ir/graph.h"

namespace rknnsim::passes {

using PerInputValues = std::vector<std::vector<float>>;  // [input][channel]; empty = unset

// Throws Error (with the toolkit's wording and the manual's advice) when the lists do not match
// the inputs: one list per input, one value per channel (dimension 1 of the input), finite
// values, std never 0. Either list may be empty (mean 0 / std 1 for every input).
void ValidateMeanStd(const ir::Graph& graph, const PerInputValues& mean, const PerInputValues& std_values);

// Validates, then inserts before the first consumer of every input whose values are not the
// identity (mean 0, std 1 on every channel) a depthwise 1x1 Conv with weight 1/std[c] and bias
// -mean[c]/std[c]. Returns the number of inputs normalized.
int NormalizeInputs(ir::Graph& graph, const PerInputValues& mean, const PerInputValues& std_values);

}  // namespace rknnsim::passes
