#include "runtime/converter.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "compiler/frontend/onnx_importer.h"
#include "compiler/lower/batch.h"
#include "compiler/lower/board_fit.h"
#include "compiler/lower/lowering.h"
#include "compiler/lower/register_limits.h"
#include "compiler/lower/placement.h"
#include "compiler/passes/fold_qdq.h"
#include "compiler/passes/normalize_inputs.h"
#include "compiler/passes/pipeline.h"
#include "compiler/quant/hybrid.h"
#include "compiler/quant/qdq_quantizer.h"
#include "compiler/quant/calibration.h"
#include "compiler/quant/quantizer.h"
#include "runtime/dynamic_shapes.h"

namespace rknnsim::runtime {
namespace {

// Activation ranges by tensor name: what the first shape set of a dynamic_input build calibrated,
// for the other sets to quantize with.
using RangesByName = std::map<std::string, quant::TensorRange>;

// The first set's ranges for `graph`'s tensors: constants need none, every other tensor must have
// one (a tensor only this shape set has cannot be quantized like the others).
std::vector<quant::TensorRange> RangesFor(const ir::Graph& graph, const RangesByName& known, const std::string& set) {
  std::vector<quant::TensorRange> ranges(graph.tensors().size());
  for (size_t i = 0; i < ranges.size(); ++i) {
    const ir::Tensor& t = graph.tensors()[i];
    const auto it = known.find(t.name);
    if (it != known.end()) {
      ranges[i] = it->second;
    } else if (!t.is_constant) {
      throw Error("dynamic_input: tensor '" + t.name + "' of the input shapes " + set +
                      " is not in the graph of the first shapes, whose calibration the other sets share",
                  "list input shapes that give the model the same graph, or build each shape as a model of its own");
    }
  }
  return ranges;
}

CompiledModel ConvertOneShapeSet(const std::string& onnx_path, const ConvertOptions& options,
                                 RangesByName* calibrated, const RangesByName* shared) {
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(options.target);
  const quant::QuantConfig& config = options.config;
  quant::CheckAlgorithmAndMethod(config);
  // Until each setting has its implementation, refuse it rather than silently ignore it.
  const quant::HybridConfig hybrid = quant::PrepareHybrid(options.hybrid, options.do_quantization);
  const auto start = std::chrono::steady_clock::now();
  CompiledModel model;
  model.source_name = onnx_path;
  model.graph = frontend::ImportOnnxFile(onnx_path, options.load);
  // A QDQ model brings its own parameters (docs/quantization.md §18): int8 with or without a dataset.
  const int qdq = passes::FoldQdq(model.graph);
  if (!qdq && options.do_quantization && options.dataset.empty())
    throw Error("quantization needs a calibration dataset", "pass -d dataset.txt, or --no-quant for an fp16 model");
  spdlog::info("loaded {}: {} nodes, {} inputs, {} outputs", onnx_path, model.graph.nodes().size(),
               model.graph.inputs().size(), model.graph.outputs().size());
  lower::CheckBatchable(model.graph, options.batch_size);  // before calibration: fail fast
  isa::CheckFitsBoardMemory(lower::MinimumDdrBytes(model.graph, platform), platform, "model '" + onnx_path + "'");
  // The imported graph, before fusion and quantization, is the float side of the quality report.
  const bool measure_quality = options.do_quantization && !qdq && options.quality;
  ir::Graph float_graph = measure_quality ? model.graph : ir::Graph{};
  if (qdq) spdlog::info("QDQ model: {} QuantizeLinear/DequantizeLinear pair(s) folded, using the model's parameters", qdq);
  std::string rewrites;
  for (const passes::PassRun& run :
       passes::RunGraphPasses(model.graph, qdq ? passes::PassSet::kKeepConstants : passes::PassSet::kAll))
    if (run.rewrites > 0) rewrites += fmt::format("{}{} {}", rewrites.empty() ? "" : ", ", run.name, run.rewrites);
  spdlog::info("graph passes: {} ({} nodes left)", rewrites.empty() ? "nothing to rewrite" : rewrites,
               model.graph.nodes().size());
  if (const int normalized = passes::NormalizeInputs(model.graph, config.mean_values, config.std_values))
    spdlog::info("mean/std: {} input(s) normalized in the model; run it on raw inputs", normalized);
  // The float side takes the same raw samples, so it normalizes its inputs the same way.
  if (measure_quality) passes::NormalizeInputs(float_graph, config.mean_values, config.std_values);
  std::vector<quant::Sample> samples;
  if (qdq) {
    // Tensors the file leaves without parameters are calibrated on the dataset when one is given
    // (the first set's ranges, for the other sets of a dynamic_input build).
    std::vector<quant::TensorRange> ranges;
    const bool calibrate = shared ? !shared->empty() : !options.dataset.empty();
    if (shared && calibrate) {
      ranges = RangesFor(model.graph, *shared, ShapeSetText(options.load.input_size_list));
    } else if (calibrate) {
      ranges = quant::CalibrateMinMax(model.graph,
                                      quant::LoadDataset(options.dataset, model.graph, config.quant_img_rgb2bgr));
      if (calibrated)
        for (size_t i = 0; i < ranges.size(); ++i) (*calibrated)[model.graph.tensors()[i].name] = ranges[i];
    }
    quant::QuantizeFromQdq(model.graph, calibrate ? &ranges : nullptr);
  } else if (options.do_quantization) {
    std::vector<quant::TensorRange> ranges;
    if (shared) {
      ranges = RangesFor(model.graph, *shared, ShapeSetText(options.load.input_size_list));
    } else {
      samples = quant::LoadDataset(options.dataset, model.graph, config.quant_img_rgb2bgr);
      spdlog::info("calibrating with {} sample(s) ({}, per-{} int8 weights)", samples.size(),
                   config.quantized_algorithm, config.quantized_method);
      const auto calibration_start = std::chrono::steady_clock::now();
      ranges = quant::Calibrate(model.graph, samples, config);
      spdlog::info("calibrated in {:.2f} s",
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - calibration_start).count());
    }
    if (calibrated)
      for (size_t i = 0; i < ranges.size(); ++i) (*calibrated)[model.graph.tensors()[i].name] = ranges[i];
    quant::QuantizeInt8(model.graph, ranges, quant::WeightOptionsFor(config));
    quant::ApplyHybrid(model.graph, ranges, options.hybrid, hybrid, onnx_path);
  } else {
    quant::ConvertToFp16(model.graph);
  }
  const int on_cpu =
      lower::AssignPlacement(model.graph, platform, lower::PlacementOptionsForLevel(config.optimization_level));
  // The troubleshooting manual (§5.5.3, §10) advises against ops on tensors of more than 4
  // dimensions: say which ones fall back to the CPU for that reason.
  for (const ir::Node& node : model.graph.nodes())
    for (int id : node.outputs)
      if (node.on_cpu && model.graph.tensor(id).shape.size() > 4) {
        spdlog::warn("node '{}': {}-D tensor {} runs on the CPU; the NPU handles up to 4-D (reshape to 4-D to keep it on "
                     "the NPU)",
                     node.name, model.graph.tensor(id).shape.size(), ir::ShapeToString(model.graph.tensor(id).shape));
        break;
      }
  spdlog::info("placement: {} op(s) on the NPU, {} on the CPU", model.graph.nodes().size() - on_cpu, on_cpu);
  lower::LowerOptions lower_options;
  lower_options.batch = options.batch_size;
  model.program = lower::Lower(model.graph, platform, options.target, lower_options);
  lower::CheckRegisterLimits(model.program);
  isa::CheckFitsBoardMemory(model.program.DdrBytes(), platform, "model '" + onnx_path + "'");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("compiled for {} ({}): {} layers, {} NPU tasks in {:.2f} s", options.target, platform.platform,
               model.program.layers.size(), model.program.tasks.size(), seconds);
  // After placement: CPU-placed ops run with CPU fallback semantics, as on the board.
  if (measure_quality) {
    const auto quality_start = std::chrono::steady_clock::now();
    *options.quality = quant::MeasureQuality(float_graph, model.graph, samples);
    spdlog::info("quality report over {} sample(s) in {:.2f} s", samples.size(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - quality_start).count());
  }
  return model;
}

}  // namespace

CompiledModel ConvertOnnx(const std::string& onnx_path, const ConvertOptions& options) {
  const std::vector<std::vector<ir::Shape>>& sets = options.dynamic_input;
  if (sets.empty()) return ConvertOneShapeSet(onnx_path, options, nullptr, nullptr);
  if (!options.load.input_size_list.empty())
    throw Error("dynamic_input and input_size_list both fix the input shapes", "give the shapes in dynamic_input only");
  if (options.batch_size > 1) throw Error("dynamic_input with rknn_batch_size > 1 is not supported", "build batch 1");
  if (!options.hybrid.step1_path.empty() || !options.hybrid.cfg_path.empty())
    throw Error("dynamic_input with hybrid quantization is not supported", "build the shape sets as separate models");
  for (size_t k = 0; k < sets.size(); ++k)
    for (size_t j = 0; j < k; ++j)
      if (sets[j] == sets[k])
        throw Error("dynamic_input lists the input shapes " + ShapeSetText(sets[k]) + " twice (sets " +
                    std::to_string(j) + " and " + std::to_string(k) + ")");
  RangesByName ranges;
  CompiledModel model;
  for (size_t k = 0; k < sets.size(); ++k) {
    ConvertOptions one = options;
    one.dynamic_input.clear();
    one.load.input_size_list = sets[k];
    if (k > 0) one.quality = nullptr;  // measured on the calibrated set
    spdlog::info("dynamic_input: building input shapes {} ({} of {})", ShapeSetText(sets[k]), k + 1, sets.size());
    CompiledModel built = ConvertOneShapeSet(onnx_path, one, k == 0 ? &ranges : nullptr, k == 0 ? nullptr : &ranges);
    if (k == 0) {
      model = std::move(built);
    } else {
      model.dynamic_shapes.push_back({std::move(built.graph), std::move(built.program)});
    }
  }
  return model;
}

}  // namespace rknnsim::runtime
