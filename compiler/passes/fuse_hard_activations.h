// Fuses the arithmetic spellings of HardSigmoid and HardSwish that exporters such as paddle2onnx
// write into single activation nodes:
//   HardSigmoid:  Clip(Add(x, 3), 0, 6) / 6      (or * 1/6)      → HardSigmoid(1/6, 1/2)
//   HardSwish:    x * HardSigmoid(x)   and   x * Clip(x + 3, 0, 6) / 6 → HardSwish
// On the board these are one activation (ConvHardSwish, a LUT on the NPU); left apart they are
// four element-wise ops, each quantized and, with a broadcast constant, run on the CPU. The float
// result changes only by rounding (x * (c / 6) instead of (x * c) / 6).
#pragma once

#include "compiler/ir/graph.h"

namespace rknnsim::passes {

struct HardActivationCount {
  int hard_sigmoid = 0;
  int hard_swish = 0;
};

HardActivationCount FuseHardActivations(ir::Graph& graph);

}  // namespace rknnsim::passes
