// Rewrites per-channel affine ops on 4-D feature maps as 1×1 depthwise convolutions, which the
// NPU runs natively (RKNN converts standalone BatchNormalization the same way; the manual's §10
// advice to turn Mul+Add into BN relies on it):
//   BatchNormalization (constant statistics)      w = scale / sqrt(var + eps), b = B - mean · w
//   Mul / Div by a constant per-channel or scalar  w = k or 1 / k,              b = 0
//   Add / Sub of a constant per-channel or scalar  w = 1 (or -1 for k - x),     b = ±k
// Without it each of these falls back to the CPU. Run it after the passes that fold such ops into
// a neighbouring convolution, so only the standalone ones become convolutions of their own. The
// float result changes only by rounding (x · w + b instead of the op's own expression).
#pragma once

#include "compiler/ir/graph.h"

namespace rknnsim::passes {

// Returns the number of nodes rewritten.
int ChannelAffineToDepthwise(ir::Graph& graph);

}  // namespace rknnsim::passes
