// RKNN-Toolkit2's accuracy_analysis(): per-layer error of the compiled (int8 or fp16) model
// against the float model, in the toolkit's two flavours:
//   entire: the quantized model runs from the input on; errors accumulate layer by layer;
//   single: every layer gets the float model's values of its inputs (quantized to the layer's
//           input parameters), so the error is that layer's own.
// The quantized side is the int8/fp16 reference executor, which the SystemC platform equals byte
// for byte (e2e.bit_exact.*), so its per-layer tensors are the simulator's per-layer tensors.
// Layers are matched by output tensor name: the float graph comes from the same ONNX through the
// same graph passes as the compiled one, and a tensor without a float twin gets no row.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/quant/dataset.h"
#include "runtime/converter.h"

namespace rknnsim::runtime {

struct LayerError {
  double cosine = 1.0;
  double euclidean = 0.0;
};

struct LayerAccuracy {
  std::string op_type;  // the perf table's OpType ("ConvRelu"), "Input" for model inputs
  std::string node;     // the source node name ("" for inputs)
  std::string tensor;   // the output tensor compared
  ir::Shape shape;
  LayerError entire, single;
  std::vector<float> golden;     // float model's values
  std::vector<float> simulator;  // quantized model's values (entire run), dequantized
};

struct AccuracyReport {
  std::vector<LayerAccuracy> layers;  // model inputs first, then nodes in execution order
};

// The float32 graph the compiled model was quantized from: the ONNX import, the graph passes and
// the in-model mean/std normalization of ConvertOnnx, without quantization or lowering.
ir::Graph BuildFloatGraph(const std::string& onnx_path, const ConvertOptions& options);

// Cosine similarity (1 when both are all zero) and Euclidean distance, in double precision.
LayerError CompareTensors(const std::vector<float>& golden, const std::vector<float>& actual);

// `inputs` are raw model inputs (NCHW float), as inference takes them.
AccuracyReport AnalyzeAccuracy(const ir::Graph& float_graph, const ir::Graph& quant_graph, const quant::Sample& inputs);

// error_analysis.txt: one line per layer with entire and single cosine / Euclidean distance.
std::string FormatErrorAnalysis(const AccuracyReport& report);
// The `count` layers whose single error is worst (lowest cosine), worst first.
std::string FormatWorstLayers(const AccuracyReport& report, size_t count);

// Writes the toolkit's layout under `dir`: golden/ and simulator/ with one float32 .npy per
// layer output (named after the tensor), and error_analysis.txt (table, then the worst layers).
void WriteAccuracyReport(const std::string& dir, const AccuracyReport& report);

}  // namespace rknnsim::runtime
