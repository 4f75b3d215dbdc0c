// Hybrid quantization, RKNN-Toolkit2's hybrid_quantization_step1/step2 as two convert runs:
// step 1 writes `{name}.quantization.cfg`, a YAML file listing every quantized tensor with its int8
// parameters under `quantize_parameters:` and an empty `custom_quantize_layers:`; the user adds
// `layer_output_name: float16` entries, and step 2 builds the model with those layers in fp16 and
// the rest in int8, with Convert nodes wherever the two meet (docs/quantization.md §17).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "compiler/ir/graph.h"
#include "compiler/quant/quantizer.h"

namespace rknnsim::quant {

// One `quantize_parameters` entry as written in the file.
struct HybridTensorParams {
  std::string qtype, qmethod, dtype;
  std::vector<float> min, max, scale;
  std::vector<int32_t> zero_point;
  int line = 0;  // 1-based, for error messages
};

// A parsed .quantization.cfg; names are checked against a graph by Float16Nodes.
struct HybridConfig {
  std::string source;  // the file, for messages
  struct Layer {
    std::string name;
    std::string dtype;  // as written: "float16" or "int8"
    int line = 0;
  };
  std::vector<Layer> custom_layers;  // in file order
  std::vector<std::pair<std::string, HybridTensorParams>> parameters;
  bool has_parameters = false;
};

// Step 1: the file's text for an int8-quantized graph (`ranges` from calibration).
std::string HybridConfigText(const ir::Graph& graph, const std::vector<TensorRange>& ranges,
                             const std::string& model_name);

// Parses the YAML text (`what` names it in errors). Malformed YAML, unknown sections, wrong
// shapes of entries and unsupported dtypes are errors.
HybridConfig ParseHybridConfig(const std::string& text, const std::string& what);
HybridConfig LoadHybridConfig(const std::string& path);

// The nodes that run in fp16 (indexed like graph.nodes()). A custom layer is named by its output
// tensor (the toolkit's convention) or by its node name. Unknown names, model inputs, constants,
// and a quantize_parameters section that no longer matches the graph's parameters are errors.
std::vector<bool> Float16Nodes(const ir::Graph& graph, const std::vector<TensorRange>& ranges,
                               const HybridConfig& config);

// Rewrites an int8-quantized graph in place: the marked nodes and their weights become fp16
// (biases stay fp32), and a Convert node is inserted before every read of an int8 tensor by an
// fp16 node and of an fp16 tensor by an int8 node. Returns the number of Convert nodes.
int MakeHybrid(ir::Graph& graph, const std::vector<bool>& fp16_nodes);

// The convert command's two steps.
struct HybridOptions {
  std::string step1_path;  // --hybrid-step1: write the config of this int8 build
  std::string cfg_path;    // --hybrid-cfg: build with an edited config
};
// Checks the flags before any work and parses the config (so a bad file fails fast).
HybridConfig PrepareHybrid(const HybridOptions& options, bool do_quantization);
// After QuantizeInt8: writes the step-1 file, or applies the parsed config.
void ApplyHybrid(ir::Graph& graph, const std::vector<TensorRange>& ranges, const HybridOptions& options,
                 const HybridConfig& config, const std::string& model_name);

}  // namespace rknnsim::quant
