// Helpers shared by the data-movement and shape ops (compiler/ops/tensor_*.cc): reading constant
// parameter inputs, axis normalization and the two copy kernels every op of the group reduces to
// (a gather by per-axis index maps, and a transpose).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace rknnsim::ops::tensor {

// Float → int64 for integer parameters held as float32 (INT64_MAX / INT64_MIN slice ends arrive as
// ±9.2e18f): truncates and saturates at ±2^62 so that index arithmetic never overflows.
int64_t ToInt(float v);

// Whether optional input `i` is present (the importer marks left-out inputs with -1).
bool HasInput(const ir::Node& node, size_t i);

// The values of parameter input `i`, which must be a constant; otherwise NodeError
// "<op> with a computed <what> makes the model dynamic" with the constant-folding hint.
const std::vector<float>& ConstInput(const ir::Graph& g, const ir::Node& node, size_t i, const std::string& op,
                                     const std::string& what);
std::vector<int64_t> ConstInts(const ir::Graph& g, const ir::Node& node, size_t i, const std::string& op,
                               const std::string& what);

// Maps a possibly negative axis into [0, rank); NodeError naming `what` when out of range.
int64_t NormalizeAxis(const ir::Node& node, int64_t axis, int64_t rank, const std::string& what);
// An opset-18 `axes` list of `op` (Pad, Resize) normalized into [0, rank); NodeError on an entry out
// of range or an axis named twice.
std::vector<int64_t> NormalizeDistinctAxes(const ir::Node& node, std::vector<int64_t> axes, int64_t rank,
                                           const std::string& op);

// NodeError unless every dimension is >= 0 and the shape holds at most 2^31 elements (a guard
// against absurd scales, repeats or shapes before any allocation).
void CheckOutputSize(const ir::Node& node, const ir::Shape& shape);

// Row-major element strides of a shape.
std::vector<int64_t> Strides(const ir::Shape& shape);

// out[o_0, ..., o_{r-1}] = in[maps[0][o_0], ..., maps[r-1][o_{r-1}]], or `fill` where any map entry
// is negative. The output shape is (maps[0].size(), ...). Contiguous runs of the last axis are
// copied with memcpy. Slice, Pad, Tile, Expand and nearest Resize are all such gathers.
void CopyByAxisMaps(const float* in, const ir::Shape& in_shape, const std::vector<std::vector<int64_t>>& maps,
                    float fill, float* out);

// out = transpose(in, perm): output axis i is input axis perm[i]. Size-1 axes are dropped and
// axes that stay adjacent are merged first, so that inner rows are memcpy'd when possible.
void TransposeData(const float* in, const ir::Shape& in_shape, const std::vector<int64_t>& perm, float* out);

}  // namespace rknnsim::ops::tensor
