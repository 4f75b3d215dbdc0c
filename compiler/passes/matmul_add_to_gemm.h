// Rewrites MatMul(x, W) + c into one Gemm (manual §10 "MatMul+Add → Gemm") when x is 2-D [M, K],
// W a constant [K, N] and c a constant with one value per output column ((N), (1, N) or a
// scalar): Gemm runs on the NPU with the bias in its accumulator, while MatMul and Add would be
// two ops. W is stored transposed ([N, K], transB = 1), the canonical Gemm form the kernels use.
// The float result changes only by rounding.
#pragma once

#include "compiler/ir/graph.h"

namespace rknnsim::passes {

// Returns the number of Gemm nodes created.
int FuseMatMulAdd(ir::Graph& graph);

}  // namespace rknnsim::passes
