// The quantized reference executor: runs a quantized IR graph (int8, or fp16 when built without
// quantization) op by op with the ops' straightforward integer/fp16 kernels. It defines what
// "bit-exact" means: the SystemC platform must produce the same bytes.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/ir/graph.h"

namespace rknnsim::reference {

// Raw outputs in the graph's output order: int8 values, or fp16 values held as float. In a hybrid
// graph with outputs of both types, both lists have an entry per output, empty in the list of
// the other type.
struct QuantOutputs {
  std::vector<std::vector<int8_t>> int8;
  std::vector<std::vector<float>> fp16;
};

// One node of an int8 graph: its integer kernel, or CPU fallback semantics when it has none or is
// placed on the CPU. `values` is indexed by tensor id.
void RunNodeInt8(const ir::Graph& graph, const ir::Node& node, std::vector<std::vector<int8_t>>& values);

// One node of an fp16 graph (or of the fp16 side of a hybrid one): its fp16 kernel, or CPU fallback
// semantics when it has none or is placed on the CPU. `values` holds fp16 values as float and the
// constants' float values, indexed by tensor id.
void RunNodeFp16(const ir::Graph& graph, const ir::Node& node, std::vector<std::vector<float>>& values);

// Every tensor (indexed by tensor id) after one run, in its own precision: int8 tensors in `int8`,
// fp16 tensors (held as float) in `fp16`; constants hold their float values in `fp16`. A hybrid
// graph fills both; RunInt8All / RunFp16All return one side.
struct QuantValues {
  std::vector<std::vector<int8_t>> int8;
  std::vector<std::vector<float>> fp16;
};
QuantValues RunQuantizedAll(const ir::Graph& graph, const std::vector<std::vector<float>>& float_inputs);
std::vector<std::vector<int8_t>> RunInt8All(const ir::Graph& graph, const std::vector<std::vector<float>>& float_inputs);
std::vector<std::vector<float>> RunFp16All(const ir::Graph& graph, const std::vector<std::vector<float>>& float_inputs);

QuantOutputs RunQuantized(const ir::Graph& graph, const std::vector<std::vector<float>>& float_inputs);

// Dequantized float32 outputs, as `rknn-sim run --reference int8` writes them.
std::vector<std::vector<float>> DequantizeOutputs(const ir::Graph& graph, const QuantOutputs& raw);

// One int8 <-> fp16 Convert node of a hybrid graph (docs/quantization.md §17).
void RunConvert(const ir::Graph& graph, const ir::Node& node, std::vector<std::vector<int8_t>>& int8_values,
                std::vector<std::vector<float>>& fp16_values);

// True when the graph's inputs are fp16 rather than int8 (a model built without quantization).
bool IsFp16Graph(const ir::Graph& graph);

}  // namespace rknnsim::reference
