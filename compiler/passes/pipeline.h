// The graph passes of `convert`, in their order, as one list: the converter runs it, and the
// whole-network checks (tests/zoo/fusion_float_check.cc) run the very same list pass by pass.
#pragma once

#include <functional>
#include <vector>

#include "compiler/ir/graph.h"

namespace rknnsim::passes {

struct PassRun {
  const char* name;
  int rewrites;
};

// Which passes run: all of them, or, for a pre-quantized (QDQ) graph whose constants carry the
// file's quantization, only those that leave constants untouched (activation fusions).
enum class PassSet { kAll, kKeepConstants };

// Runs the passes over `graph` in order; `after_each`, when given, sees the graph after each pass.
std::vector<PassRun> RunGraphPasses(ir::Graph& graph, PassSet set = PassSet::kAll,
                                    const std::function<void(const PassRun&, const ir::Graph&)>& after_each = {});

}  // namespace rknnsim::passes
