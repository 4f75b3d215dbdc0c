// The CLI subcommands, each a function over parsed options.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "isa/platform_config.h"
#include "isa/program.h"
#include "runtime/converter.h"

namespace rknnsim::tools {

struct CommandOptions {
  std::string model;
  std::string config_file;               // convert/accuracy -c: rknn_convert's model.yml (tools/convert_config.h)
  std::vector<std::string> given_flags;  // the flags given on the command line, as CLI11 names them ("--dataset")
  std::string target;
  std::string dataset;
  bool no_quant = false;
  std::string output;
  std::vector<std::string> inputs;
  std::string reference;
  std::string json;
  std::string trace;
  std::string csv;
  std::vector<std::string> cut_inputs;   // --inputs
  std::vector<std::string> cut_outputs;  // --outputs
  std::string input_size_list;           // --input-size-list, JSON like [[1,3,224,224]]
  // config() settings of convert
  std::string mean_values;               // --mean-values, JSON like [[123.675,116.28,103.53]]
  std::string std_values;                // --std-values, same shape
  bool quant_img_rgb2bgr = false;        // --quant-img-rgb2bgr
  std::string quantized_algorithm = "normal";
  std::string quantized_method = "channel";
  int optimization_level = 3;
  std::string hybrid_step1;              // --hybrid-step1 FILE.quantization.cfg
  std::string hybrid_cfg;                // --hybrid-cfg FILE.quantization.cfg
  uint32_t batch_size = 1;               // --batch-size (build's rknn_batch_size)
  std::string dynamic_input;             // --dynamic-input, JSON like [[[1,3,224,224]],[[1,3,320,320]]]
  std::string core_mask = "auto";        // --core-mask of run/perf; perf: one per model, comma-separated
  std::vector<std::string> more_models;  // perf: models simulated together with `model`
  std::string quant_report;              // --quant-report FILE.json
};

// Output files are named by output index and tensor name, e.g. "0_output.npy"; `compare` finds
// board dumps by the same name (runtime/board_dump_dir.h).
std::string OutputFileName(size_t index, const std::string& tensor_name);

// Throws Error (one line, with the fix) when `path` cannot be created or written: its directory is
// missing or not writable, or it is a directory itself.
void CheckOutputFile(const std::string& path);

// The program placed on the cores of a --core-mask value (compiler/lower/core_split.h).
isa::Program OnCores(const isa::Program& program, const isa::PlatformConfig& platform, const std::string& mask);

int Convert(const CommandOptions& o);
// accuracy_analysis() on the command line: build as convert does, then per-layer errors (accuracy_command.cc).
int Accuracy(const CommandOptions& o);
// The build settings of convert's flags, shared by convert and accuracy.
runtime::ConvertOptions ToConvertOptions(const CommandOptions& o);
int Run(const CommandOptions& o);
int Perf(const CommandOptions& o);
int Memory(const CommandOptions& o);
int Disasm(const CommandOptions& o);

}  // namespace rknnsim::tools
