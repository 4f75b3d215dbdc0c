// Placement: which ops run on the NPU and which fall back to the CPU. The decision is stored on
// each node (ir::Node::on_cpu) so that the reference executor and the lowering, two independent
// implementations, agree on every op's arithmetic (NPU integer kernels or CPU float semantics).
#pragma once

#include <cstdint>

#include "compiler/ir/graph.h"
#include "isa/platform_config.h"

namespace rknnsim::lower {

// Batch-1 4-D and 2-D tensors live in the NPU's NC1HWC2 layout; any other tensor only the CPU
// touches, stored linearly in NCHW order.
bool IsNpuShape(const ir::Shape& shape);

// Depthwise convolution: one input channel per kernel (group = channels).
bool IsDepthwise(const ir::Graph& graph, const ir::Node& node);

// Flatten/Reshape whose NC1HWC2 bytes are unchanged (H = W = 1): a storage alias, no work.
bool IsNpuAlias(const ir::Graph& graph, const ir::Node& node);

// A unary activation the DPU runs as a 256-entry lookup table (int8 graphs).
bool IsLutActivation(const ir::Graph& graph, const ir::Node& node);

// Concat along channels whose inputs start on C2 boundaries: each input is a DPU copy into a
// slice of the output surface (the troubleshooting manual §10 advises 8/16-aligned channels).
bool IsNpuConcat(const ir::Graph& graph, const ir::Node& node, const isa::PlatformConfig& platform);

// Split along channels at C2 boundaries: each output is a DPU copy out of a slice of the input.
bool IsNpuSplit(const ir::Graph& graph, const ir::Node& node, const isa::PlatformConfig& platform);

// Nearest Resize/Upsample that replicates every input pixel into an f_h × f_w block (integer
// factors, the op's own index map equal to o / f): a DPU data-movement task
// (docs/quantization.md §19). Sets the factors when it returns true.
bool IsNpuResize(const ir::Graph& graph, const ir::Node& node, uint32_t* factor_h = nullptr,
                 uint32_t* factor_w = nullptr);

// Mul of two computed tensors of the same shape, or [1, C, H, W] times a per-channel multiplier
// [1, C, 1, 1] in either order: a DPU element-wise task (docs/quantization.md §20).
bool IsNpuMul(const ir::Graph& graph, const ir::Node& node);

// AveragePool whose every window divides by kh·kw: a PPU task (docs/quantization.md §10).
bool IsNpuAveragePool(const ir::Graph& graph, const ir::Node& node);

// An NPU lowering exists for this node's form on this platform.
bool IsNpuPlaceable(const ir::Graph& graph, const ir::Node& node, const isa::PlatformConfig& platform);

// Build settings that move ops between NPU and CPU.
struct PlacementOptions {
  // The troubleshooting manual (§9.14): with config(optimization_level=2) "the Resize op runs on
  // the CPU; precision does not drop, but performance does". Levels below 3 keep every
  // Resize/Upsample on the CPU (**ours** for levels 0 and 1, which the manual does not mention).
  bool resize_on_npu = true;
};
PlacementOptions PlacementOptionsForLevel(int optimization_level);

// Sets on_cpu on every node that has no NPU lowering; returns how many run on the CPU.
int AssignPlacement(ir::Graph& graph, const isa::PlatformConfig& platform, const PlacementOptions& options = {});

}  // namespace rknnsim::lower
