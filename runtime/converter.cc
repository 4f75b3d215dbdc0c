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

namespace rknnsim::runtime {

CompiledModel ConvertOnnx(const std::string& onnx_path, const ConvertOptions& options) {
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
    // Tensors the file leaves without parameters are calibrated on the dataset when one is given.
    const std::vector<quant::Sample> samples =
        options.dataset.empty() ? std::vector<quant::Sample>{}
                                : quant::LoadDataset(options.dataset, model.graph, config.quant_img_rgb2bgr);
    const std::vector<quant::TensorRange> ranges = quant::CalibrateMinMax(model.graph, samples);
    quant::QuantizeFromQdq(model.graph, samples.empty() ? nullptr : &ranges);
  } else if (options.do_quantization) {
    samples = quant::LoadDataset(options.dataset, model.graph, config.quant_img_rgb2bgr);
    spdlog::info("calibrating with {} sample(s) ({}, per-{} int8 weights)", samples.size(),
                 config.quantized_algorithm, config.quantized_method);
    const auto calibration_start = std::chrono::steady_clock::now();
    const std::vector<quant::TensorRange> ranges = quant::Calibrate(model.graph, samples, config);
    quant::QuantizeInt8(model.graph, ranges, quant::WeightOptionsFor(config));
    spdlog::info("calibrated and quantized in {:.2f} s",
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - calibration_start).count());
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

}  // namespace rknnsim::runtime
