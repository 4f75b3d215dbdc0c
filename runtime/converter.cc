#include "runtime/converter.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "compiler/frontend/onnx_importer.h"
#include "compiler/lower/lowering.h"
#include "compiler/lower/placement.h"
#include "compiler/passes/pipeline.h"
#include "compiler/quant/quantizer.h"

namespace rknnsim::runtime {

CompiledModel ConvertOnnx(const std::string& onnx_path, const ConvertOptions& options) {
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(options.target);
  if (options.do_quantization && options.dataset.empty())
    throw Error("quantization needs a calibration dataset", "pass -d dataset.txt, or --no-quant for an fp16 model");
  const quant::QuantConfig& config = options.config;
  // Until each setting has its implementation, refuse it rather than silently ignore it.
  if (config.quantized_algorithm != "normal" || config.quantized_method != "channel")
    throw Error("quantized_algorithm='" + config.quantized_algorithm + "', quantized_method='" +
                    config.quantized_method + "' is not supported yet",
                "use quantized_algorithm='normal', quantized_method='channel'");
  if (!config.mean_values.empty() || !config.std_values.empty())
    throw Error("mean_values/std_values are not supported yet", "normalize the inputs before the model");
  const auto start = std::chrono::steady_clock::now();
  CompiledModel model;
  model.source_name = onnx_path;
  model.graph = frontend::ImportOnnxFile(onnx_path, options.load);
  spdlog::info("loaded {}: {} nodes, {} inputs, {} outputs", onnx_path, model.graph.nodes().size(),
               model.graph.inputs().size(), model.graph.outputs().size());
  std::string rewrites;
  for (const passes::PassRun& run : passes::RunGraphPasses(model.graph))
    if (run.rewrites > 0) rewrites += fmt::format("{}{} {}", rewrites.empty() ? "" : ", ", run.name, run.rewrites);
  spdlog::info("graph passes: {} ({} nodes left)", rewrites.empty() ? "nothing to rewrite" : rewrites,
               model.graph.nodes().size());
  if (options.do_quantization) {
    const std::vector<quant::Sample> samples = quant::LoadDataset(options.dataset, model.graph);
    spdlog::info("calibrating with {} sample(s) (normal, per-channel int8)", samples.size());
    quant::QuantizeInt8(model.graph, quant::CalibrateMinMax(model.graph, samples));
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
  model.program = lower::Lower(model.graph, platform, options.target);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("compiled for {} ({}): {} layers, {} NPU tasks in {:.2f} s", options.target, platform.platform,
               model.program.layers.size(), model.program.tasks.size(), seconds);
  return model;
}

}  // namespace rknnsim::runtime
