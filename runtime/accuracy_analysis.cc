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
#include "compiler/reference/cpu_op.h"
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

void RunNodeFp16(const ir::Graph& graph, const ir::Node& node, reference::TensorValues& values) {
  ops::Fp16Args args{graph, node, {}, values[node.outputs[0]], {}};
  for (int in : node.inputs) args.in.push_back(&values[in]);
  for (int out : node.outputs) args.outputs.push_back(&values[out]);
  const auto kernel = ops::GetOpDef(node.op).run_fp16;
  if (kernel && !node.on_cpu)
    kernel(args);
  else
    reference::RunCpuOpFp16(graph, node, args.in, args.outputs);
}

// Layers of an int8 graph. Constants stay empty in `values`: the kernels read them from the graph.
void AnalyzeInt8(const ir::Graph& float_graph, const reference::TensorValues& golden, const ir::Graph& graph,
                 const quant::Sample& inputs, AccuracyReport& report) {
  std::vector<std::vector<int8_t>> values(graph.tensors().size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const int id = graph.inputs()[i];
    values[id] = Quantize(inputs[i], graph.tensor(id));
    const std::vector<float>* g = GoldenOf(float_graph, golden, graph, id);
    if (!g) continue;
    LayerAccuracy row{"Input", "", graph.tensor(id).name, graph.tensor(id).shape, {}, {}, *g, Dequantize(values[id], graph.tensor(id))};
    row.entire = row.single = CompareTensors(row.golden, row.simulator);
    report.layers.push_back(std::move(row));
  }
  for (const ir::Node& node : graph.nodes()) {
    reference::RunNodeInt8(graph, node, values);
    // single: the same node on the float model's inputs.
    std::vector<std::vector<int8_t>> local(graph.tensors().size());
    for (int in : node.inputs) {
      const ir::Tensor& t = graph.tensor(in);
      if (t.is_constant) continue;
      const std::vector<float>* g = IsActivationInt8(t) ? GoldenOf(float_graph, golden, graph, in) : nullptr;
      local[in] = g ? Quantize(*g, t) : values[in];
    }
    reference::RunNodeInt8(graph, node, local);
    for (int out : node.outputs) {
      const ir::Tensor& t = graph.tensor(out);
      const std::vector<float>* g = IsActivationInt8(t) ? GoldenOf(float_graph, golden, graph, out) : nullptr;
      if (!g) continue;
      LayerAccuracy row{ops::ReportOpType(node), node.name, t.name, t.shape, {}, {}, *g, Dequantize(values[out], t)};
      row.entire = CompareTensors(row.golden, row.simulator);
      row.single = CompareTensors(row.golden, Dequantize(local[out], t));
      report.layers.push_back(std::move(row));
    }
  }
}

// Layers of an fp16 graph (build without quantization): values are fp16 held as float.
void AnalyzeFp16(const ir::Graph& float_graph, const reference::TensorValues& golden, const ir::Graph& graph,
                 const quant::Sample& inputs, AccuracyReport& report) {
  reference::TensorValues values(graph.tensors().size());
  for (size_t t = 0; t < graph.tensors().size(); ++t)
    if (graph.tensors()[t].is_constant) values[t] = graph.tensors()[t].float_data;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const int id = graph.inputs()[i];
    values[id] = RoundedToHalf(inputs[i]);
    const std::vector<float>* g = GoldenOf(float_graph, golden, graph, id);
    if (!g) continue;
    LayerAccuracy row{"Input", "", graph.tensor(id).name, graph.tensor(id).shape, {}, {}, *g, values[id]};
    row.entire = row.single = CompareTensors(row.golden, row.simulator);
    report.layers.push_back(std::move(row));
  }
  for (const ir::Node& node : graph.nodes()) {
    RunNodeFp16(graph, node, values);
    reference::TensorValues local(graph.tensors().size());
    for (int in : node.inputs) {
      const std::vector<float>* g = graph.tensor(in).is_constant ? nullptr : GoldenOf(float_graph, golden, graph, in);
      local[in] = g ? RoundedToHalf(*g) : values[in];
    }
    RunNodeFp16(graph, node, local);
    for (int out : node.outputs) {
      const ir::Tensor& t = graph.tensor(out);
      const std::vector<float>* g = GoldenOf(float_graph, golden, graph, out);
      if (!g) continue;
      LayerAccuracy row{ops::ReportOpType(node), node.name, t.name, t.shape, {}, {}, *g, values[out]};
      row.entire = CompareTensors(row.golden, row.simulator);
      row.single = CompareTensors(row.golden, local[out]);
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
  // Keep in step with the float steps of ConvertOnnx (runtime/converter.cc).
  ir::Graph graph = frontend::ImportOnnxFile(onnx_path, options.load);
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
  if (reference::IsFp16Graph(quant_graph))
    AnalyzeFp16(float_graph, golden, quant_graph, inputs, report);
  else
    AnalyzeInt8(float_graph, golden, quant_graph, inputs, report);
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
