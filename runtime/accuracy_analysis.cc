#include "runtime/accuracy_analysis.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include <spdlog/fmt/fmt.h>

#include "common/error.h"
#include "common/fp16.h"
#include "common/npy.h"
#include "compiler/frontend/onnx_importer.h"
#include "compiler/ops/op_def.h"
#include "compiler/passes/normalize_inputs.h"
#include "compiler/passes/pipeline.h"
#include "compiler/quant/arithmetic.h"
#include "compiler/quant/quality.h"
#include "compiler/reference/float_executor.h"
#include "compiler/reference/quant_executor.h"

namespace rknnsim::runtime {
namespace {

// The float model's value of the quantized graph's tensor `id`, or null when it has no twin.
const std::vector<float>* GoldenOf(const ir::Graph& float_graph, const reference::TensorValues& golden,
                                   const ir::Graph& quant_graph, int id) {
  const int f = float_graph.FindTensor(quant_graph.tensor(id).name);
  if (f < 0 || golden[static_cast<size_t>(f)].size() != static_cast<size_t>(quant_graph.tensor(id).num_elements()))
    return nullptr;
  return &golden[static_cast<size_t>(f)];
}

bool IsActivationInt8(const ir::Tensor& t) { return t.dtype == ir::DType::kInt8 && !t.quant.empty() && !t.quant.per_channel(); }

std::vector<int8_t> Quantize(const std::vector<float>& x, const ir::Tensor& t) {
  std::vector<int8_t> q(x.size());
  for (size_t i = 0; i < x.size(); ++i) q[i] = quant::QuantizeValue(x[i], t.quant.scale[0], t.quant.zero_point[0]);
  return q;
}

std::vector<float> Dequantize(const std::vector<int8_t>& q, const ir::Tensor& t) {
  std::vector<float> x(q.size());
  for (size_t i = 0; i < q.size(); ++i) x[i] = quant::DequantizeValue(q[i], t.quant.scale[0], t.quant.zero_point[0]);
  return x;
}

std::vector<float> RoundedToHalf(std::vector<float> x) {
  for (float& v : x) v = RoundToHalf(v);
  return x;
}

// Which values a tensor of the quantized graph holds: int8 codes or fp16 values (as float). An
// int8 or fp16 graph has one kind; a hybrid graph (docs/quantization.md §17, Convert nodes where
// the two meet) has both, each tensor of its own dtype, as the reference executor runs it.
class Precision {
 public:
  explicit Precision(const ir::Graph& graph)
      : fp16_graph_(reference::IsFp16Graph(graph)), converted_from_(graph.tensors().size(), -1) {
    for (const ir::Node& n : graph.nodes()) {
      if (n.op != ir::OpKind::kConvert) continue;
      converted_from_[n.outputs[0]] = n.inputs[0];
      hybrid_ = true;
    }
  }
  bool Fp16(const ir::Tensor& t) const { return hybrid_ ? t.dtype == ir::DType::kFloat16 : fp16_graph_; }
  // fp16 kernels read constants (fp16 weights, fp32 biases) as float values; int8 kernels read
  // them from the graph.
  bool ConstantsAsFloat() const { return fp16_graph_ || hybrid_; }
  // The node in its own precision, that of its first output.
  void Run(const ir::Graph& graph, const ir::Node& node, reference::QuantValues& v) const {
    if (node.op == ir::OpKind::kConvert)
      reference::RunConvert(graph, node, v.int8, v.fp16);
    else if (Fp16(graph.tensor(node.outputs[0])))
      reference::RunNodeFp16(graph, node, v.fp16);
    else
      reference::RunNodeInt8(graph, node, v.int8);
  }
  // The float model's value of tensor `id`, when it is comparable: int8 tensors need one
  // per-tensor scale (weights and other per-channel tensors are not layers).
  const std::vector<float>* GoldenOf(const ir::Graph& float_graph, const reference::TensorValues& golden,
                                     const ir::Graph& graph, int id) const {
    const ir::Tensor& t = graph.tensor(id);
    if (!Fp16(t) && !IsActivationInt8(t)) return nullptr;
    // A Convert's output is its input in the other precision: the float model has the input.
    return runtime::GoldenOf(float_graph, golden, graph, converted_from_[id] >= 0 ? converted_from_[id] : id);
  }
  std::vector<float> AsFloat(const reference::QuantValues& v, const ir::Tensor& t, int id) const {
    return Fp16(t) ? v.fp16[id] : Dequantize(v.int8[id], t);
  }
  // Tensor `id` set to the float value `x` in its own precision.
  void Set(reference::QuantValues& v, const ir::Tensor& t, int id, const std::vector<float>& x) const {
    if (Fp16(t))
      v.fp16[id] = RoundedToHalf(x);
    else
      v.int8[id] = Quantize(x, t);
  }
  // Tensor `id` copied from `from`, in its own precision.
  void Copy(const reference::QuantValues& from, reference::QuantValues& to, const ir::Tensor& t, int id) const {
    if (Fp16(t))
      to.fp16[id] = from.fp16[id];
    else
      to.int8[id] = from.int8[id];
  }

 private:
  bool fp16_graph_, hybrid_ = false;
  std::vector<int> converted_from_;  // by tensor id: the input of the Convert node writing it, or -1
};

reference::QuantValues EmptyValues(const ir::Graph& graph) {
  reference::QuantValues v;
  v.int8.resize(graph.tensors().size());
  v.fp16.resize(graph.tensors().size());
  return v;
}

// Layers of a quantized graph: each node runs on the compiled model's values ("entire") and on the
// float model's values of its inputs ("single"). Constants are read by int8 kernels from the graph
// and by fp16 kernels as float values.
void AnalyzeQuantized(const ir::Graph& float_graph, const reference::TensorValues& golden, const ir::Graph& graph,
                      const quant::Sample& inputs, AccuracyReport& report) {
  const Precision precision(graph);
  reference::QuantValues values = EmptyValues(graph);
  for (size_t t = 0; t < graph.tensors().size(); ++t)
    if (graph.tensors()[t].is_constant && precision.ConstantsAsFloat()) values.fp16[t] = graph.tensors()[t].float_data;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const int id = graph.inputs()[i];
    const ir::Tensor& t = graph.tensor(id);
    precision.Set(values, t, id, inputs[i]);
    const std::vector<float>* g = GoldenOf(float_graph, golden, graph, id);
    if (!g) continue;
    LayerAccuracy row{"Input", "", t.name, t.shape, {}, {}, *g, precision.AsFloat(values, t, id)};
    row.entire = row.single = CompareTensors(row.golden, row.simulator);
    report.layers.push_back(std::move(row));
  }
  for (const ir::Node& node : graph.nodes()) {
    precision.Run(graph, node, values);
    // single: the same node on the float model's inputs.
    reference::QuantValues local = EmptyValues(graph);
    for (int in : node.inputs) {
      const ir::Tensor& t = graph.tensor(in);
      if (t.is_constant) {
        if (precision.ConstantsAsFloat()) local.fp16[in] = values.fp16[in];
        continue;
      }
      const std::vector<float>* g = precision.GoldenOf(float_graph, golden, graph, in);
      if (g)
        precision.Set(local, t, in, *g);
      else
        precision.Copy(values, local, t, in);
    }
    precision.Run(graph, node, local);
    for (int out : node.outputs) {
      const ir::Tensor& t = graph.tensor(out);
      const std::vector<float>* g = precision.GoldenOf(float_graph, golden, graph, out);
      if (!g) continue;
      LayerAccuracy row{ops::ReportOpType(node), node.name, t.name, t.shape,
                        {}, {}, *g, precision.AsFloat(values, t, out)};
      row.entire = CompareTensors(row.golden, row.simulator);
      row.single = CompareTensors(row.golden, precision.AsFloat(local, t, out));
      report.layers.push_back(std::move(row));
    }
  }
}

std::string SafeFileName(const std::string& name) {
  std::string safe;
  for (char c : name) safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  return safe.empty() ? "tensor" : safe;
}

std::string Label(const LayerAccuracy& l) { return "[" + l.op_type + "] " + l.tensor; }

}  // namespace

ir::Graph BuildFloatGraph(const std::string& onnx_path, const ConvertOptions& options) {
  // Keep in step with the float steps of ConvertOnnx (runtime/converter.cc). A dynamic_input
  // model is analysed at its first input shape set, the one its graph and program hold.
  frontend::OnnxLoadOptions load = options.load;
  if (load.input_size_list.empty() && !options.dynamic_input.empty()) load.input_size_list = options.dynamic_input[0];
  ir::Graph graph = frontend::ImportOnnxFile(onnx_path, load);
  passes::RunGraphPasses(graph);
  passes::NormalizeInputs(graph, options.config.mean_values, options.config.std_values);
  return graph;
}

LayerError CompareTensors(const std::vector<float>& golden, const std::vector<float>& actual) {
  if (golden.size() != actual.size())
    throw Error("cannot compare tensors of " + std::to_string(golden.size()) + " and " + std::to_string(actual.size()) +
                " elements");
  double dd = 0;
  for (size_t i = 0; i < golden.size(); ++i) {
    const double d = double(golden[i]) - actual[i];
    dd += d * d;
  }
  LayerError e;
  e.euclidean = std::sqrt(dd);
  e.cosine = quant::CosineSimilarity(golden, actual);  // the quality report's definition
  return e;
}

AccuracyReport AnalyzeAccuracy(const ir::Graph& float_graph, const ir::Graph& quant_graph, const quant::Sample& inputs) {
  reference::CheckInputs(quant_graph, inputs);
  const reference::TensorValues golden = reference::RunFloatAll(float_graph, inputs);
  AccuracyReport report;
  AnalyzeQuantized(float_graph, golden, quant_graph, inputs, report);
  return report;
}

std::string FormatErrorAnalysis(const AccuracyReport& report) {
  size_t width = 40;
  for (const LayerAccuracy& l : report.layers) width = std::max(width, Label(l).size() + 2);
  std::string out =
      "# Per-layer error of the compiled model on the simulator ('simulator') against the float model ('golden').\n"
      "#   entire: the compiled model runs from the inputs on, so errors accumulate layer by layer.\n"
      "#   single: each layer gets the float model's values of its inputs, so the error is the layer's own.\n"
      "# cos: cosine similarity (1 is exact); euc: Euclidean distance.\n\n";
  out += fmt::format("{:<{}}{:<23}{}\n", "layer_name", width, "entire", "single");
  out += fmt::format("{:<{}}{:<10}{:<13}{:<10}{}\n", "", width, "cos", "euc", "cos", "euc");
  out += std::string(width + 44, '-') + "\n";
  for (const LayerAccuracy& l : report.layers)
    out += fmt::format("{:<{}}{:.5f} | {:<10.5g} {:.5f} | {:.5g}\n", Label(l), width, l.entire.cosine, l.entire.euclidean,
                       l.single.cosine, l.single.euclidean);
  return out;
}

std::string FormatWorstLayers(const AccuracyReport& report, size_t count) {
  std::vector<const LayerAccuracy*> sorted;
  for (const LayerAccuracy& l : report.layers)
    if (l.op_type != "Input") sorted.push_back(&l);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const LayerAccuracy* a, const LayerAccuracy* b) { return a->single.cosine < b->single.cosine; });
  std::string out = "# The layers that lose the most on their own (lowest single cos first):\n";
  for (size_t i = 0; i < sorted.size() && i < count; ++i)
    out += fmt::format("{:>3}. {}  single cos {:.5f}  entire cos {:.5f}\n", i + 1, Label(*sorted[i]),
                       sorted[i]->single.cosine, sorted[i]->entire.cosine);
  return out;
}

void WriteAccuracyReport(const std::string& dir, const AccuracyReport& report) {
  std::error_code ec;
  for (const char* sub : {"golden", "simulator"}) {
    std::filesystem::create_directories(dir + "/" + sub, ec);
    if (ec) throw Error("cannot create directory '" + dir + "/" + sub + "': " + ec.message());
  }
  std::set<std::string> used;
  for (size_t i = 0; i < report.layers.size(); ++i) {
    const LayerAccuracy& l = report.layers[i];
    std::string name = SafeFileName(l.tensor);
    if (!used.insert(name).second) name += "_" + std::to_string(i);
    WriteNpy(dir + "/golden/" + name + ".npy", l.shape, l.golden);
    WriteNpy(dir + "/simulator/" + name + ".npy", l.shape, l.simulator);
  }
  const std::string path = dir + "/error_analysis.txt";
  std::ofstream out(path);
  if (!out) throw Error("cannot write '" + path + "'");
  out << FormatErrorAnalysis(report) << "\n" << FormatWorstLayers(report, 10);
}

}  // namespace rknnsim::runtime
