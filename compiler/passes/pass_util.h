// Pattern helpers shared by the fusion passes: who reads a tensor, which operand of a binary op is
// a constant, whether a constant is one value per channel, and the weight edits that fold a
// per-channel affine into a convolution-like op.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace rknnsim::passes {

// Producers and consumer counts of a graph, computed once per pass run.
struct GraphUse {
  explicit GraphUse(const ir::Graph& g);
  std::vector<int> producer;   // node index per tensor, -1 for inputs and constants
  std::vector<int> consumers;  // node inputs and graph outputs reading each tensor
  std::vector<bool> is_output;

  // True when `tensor` is read by exactly one node and is not a graph output: the node producing
  // it can be rewritten to produce its reader's result instead.
  bool SoleInternalUse(int tensor) const;
};

// For a two-input node with exactly one constant operand, the index (0 or 1) of that operand.
std::optional<int> ConstantOperand(const ir::Graph& g, const ir::Node& node);

// The values of constant `c` when it holds one value per channel (axis 1) of a tensor of shape
// `data`, expanded to one value per channel: scalars, (C), (C,1,1), (1,C,1,1), ... Nullopt when
// the constant varies along another axis, has a higher rank than `data`, or would broadcast `data`
// to a larger shape (so the binary op's result has the shape of `data`).
std::optional<std::vector<float>> PerChannelValues(const ir::Graph& g, int c, const ir::Shape& data);

// Conv, ConvTranspose or Gemm (canonical [N, K] weights) with constant weights and bias and no
// fused activation: its output channels are an affine function of its weights and bias.
bool IsAffineHost(const ir::Graph& g, const ir::Node& node);

// Number of output channels of an affine host.
int64_t OutputChannels(const ir::Graph& g, const ir::Node& node);

// Output channel m of an affine host becomes scale[m] * y[m] + shift[m]: weights of channel m are
// scaled, the bias (created when absent) becomes scale * bias + shift. Weight and bias tensors
// shared with other nodes are copied first.
void ScaleOutputChannels(ir::Graph& g, ir::Node& node, const std::vector<float>& scale,
                         const std::vector<float>& shift);

// A constant that `node` alone may modify: input `index` itself when nothing else reads it,
// otherwise a copy (with a fresh name) that replaces it in `node`. Returns the tensor id.
int OwnConstant(ir::Graph& g, ir::Node& node, size_t index);

// Attributes of a 1x1, stride-1, unpadded depthwise Conv over `channels` channels: the NPU form of
// a per-channel affine x · w[c] + b[c] (Mul+Add, BatchNormalization, mean/std, ...).
ir::Attributes Depthwise1x1(int64_t channels);

// Adds a float constant named after `base` (made unique) and returns its id.
int AddConstant(ir::Graph& g, const std::string& base, const ir::Shape& shape, std::vector<float> values);

}  // namespace rknnsim::passes
