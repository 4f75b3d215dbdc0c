// How an op without an NPU implementation runs: on the SoC's CPU, in float, as the board's
// runtime does for fallback ops. Quantized inputs are dequantized, the op's float32 kernel runs,
// and each output is quantized with its own parameters (int8) or rounded to fp16. The reference
// executor and the simulated CPU unit both call this, so fallback ops are bit-exact by design.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/ir/graph.h"

namespace rknnsim::reference {

// `in[i]` holds the int8 values of input i; constant inputs are read from the graph instead.
void RunCpuOpInt8(const ir::Graph& graph, const ir::Node& node, const std::vector<const std::vector<int8_t>*>& in,
                  const std::vector<std::vector<int8_t>*>& out);

// The int8 results of an element-wise unary op (ops::IsElementwiseUnary) for every input code:
// entry q + 128 is what the op gives for input q, computed by the op's own int8 kernel or, without
// one, by the CPU semantics above. The DPU's lookup tables are these.
std::vector<int8_t> Int8LookupTable(const ir::Graph& graph, const ir::Node& node);

// fp16 graphs: values are fp16 numbers held as float.
void RunCpuOpFp16(const ir::Graph& graph, const ir::Node& node, const std::vector<const std::vector<float>*>& in,
                  const std::vector<std::vector<float>*>& out);

}  // namespace rknnsim::reference
