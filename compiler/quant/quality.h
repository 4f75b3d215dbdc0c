// How far a quantized graph is from its float original (RKNN-Toolkit2's accuracy_analysis idea):
// the quantized reference, dequantized, against the float32 reference, tensor by tensor. Tensors
// are matched by name, so fused graphs compare where names survive (a fused Conv+Relu writes the
// Relu's tensor); tensors without a float counterpart are skipped.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/quant/dataset.h"

namespace rknnsim::quant {

// One tensor of the quantized graph and its float counterpart, for one input sample.
struct TensorPair {
  std::string name;
  int quant_id = -1;  // tensor id in the quantized graph
  int float_id = -1;  // tensor id in the float graph
  int node = -1;      // index of the producing node in the quantized graph
  int output_index = -1;  // position among the quantized graph's outputs, or -1
  std::vector<float> float_values;
  std::vector<float> quant_values;  // dequantized int8 (or fp16 as float)
  // The node alone ("single" error): its int8 kernel fed the float values of its inputs,
  // quantized. Separates a layer's own error from what it inherits. Empty for fp16 graphs or when
  // an input has no float counterpart.
  std::vector<float> local_values;
};

// Runs `sample` through the float reference on `float_graph` and the quantized reference on
// `quant_graph` and pairs every node output of the quantized graph with the float tensor of the
// same name and element count, in node order. The reusable core of the quality report.
std::vector<TensorPair> CompareTensors(const ir::Graph& float_graph, const ir::Graph& quant_graph, const Sample& sample);

// Cosine similarity; 1 when both are all zero, 0 when only one is.
double CosineSimilarity(const std::vector<float>& a, const std::vector<float>& b);

// One tensor's agreement over all samples.
struct TensorQuality {
  std::string name;
  std::string op_type;       // the producing node's OpType, as the perf table prints it
  int node = -1;             // node index in the quantized graph
  int output_index = -1;     // -1 unless a graph output
  double cosine_min = 1.0;   // worst sample
  double cosine_mean = 1.0;  // mean over samples
  double local_cosine_min = 1.0;  // the node alone, worst sample; -2 when not measurable
  double max_abs_error = 0.0;  // largest |quantized - float| over samples
  double float_abs_max = 0.0;  // largest |float|, to read the error against
};

struct QualityReport {
  int samples = 0;
  std::vector<TensorQuality> outputs;  // graph outputs, in output order
  std::vector<TensorQuality> layers;   // every matched node output (outputs too), in node order
};

// The report over `samples` (the calibration set at build time).
QualityReport MeasureQuality(const ir::Graph& float_graph, const ir::Graph& quant_graph,
                             const std::vector<Sample>& samples);

}  // namespace rknnsim::quant
