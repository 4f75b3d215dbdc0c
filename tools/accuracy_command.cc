// `rknn-sim accuracy`: RKNN-Toolkit2's accuracy_analysis() on the command line. It builds the ONNX
// model exactly as `convert` does with the same flags (or -c model.yml), then runs the analysis of
// runtime/accuracy_analysis.h as the Python API's accuracy_analysis does (python/session.cc), so
// both write the same error_analysis.txt for the same model, settings and inputs.
#include <cstdio>

#include <spdlog/spdlog.h>

#include "common/error.h"
#include "compiler/quant/dataset.h"
#include "runtime/accuracy_analysis.h"
#include "runtime/converter.h"
#include "tools/commands.h"
#include "tools/convert_config.h"
#include "tools/rknn_commands.h"

namespace rknnsim::tools {

int Accuracy(const CommandOptions& flags) {
  const CommandOptions o = WithConvertConfig(flags, /*names_output=*/false);
  const bool compiled = o.model.size() > 8 && o.model.compare(o.model.size() - 8, 8, ".rknnsim") == 0;
  if (compiled || IsRknnFile(o.model))
    throw Error("'" + o.model + "' is a compiled model; accuracy needs the float model it came from",
                "pass the ONNX model with the convert flags it was built with (or -c model.yml)");
  const runtime::ConvertOptions options = ToConvertOptions(o);
  const runtime::CompiledModel model = runtime::ConvertOnnx(o.model, options);
  const ir::Graph float_graph = runtime::BuildFloatGraph(o.model, options);
  const quant::Sample inputs = quant::LoadInputs(o.inputs, model.graph);
  const runtime::AccuracyReport report = runtime::AnalyzeAccuracy(float_graph, model.graph, inputs);
  runtime::WriteAccuracyReport(o.output, report);
  spdlog::info("wrote {} (golden/, simulator/, error_analysis.txt)", o.output);
  std::fputs(runtime::FormatWorstLayers(report, 10).c_str(), stdout);
  return 0;
}

}  // namespace rknnsim::tools
