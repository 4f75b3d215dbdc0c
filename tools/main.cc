// rknn-sim: the command-line front door. Subcommands and their flags are a contract that users'
// scripts rely on (README.md): extend them, never change them silently.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <new>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <systemc>

#include "common/error.h"
#include "isa/platform_config.h"
#include "tools/commands.h"
#include "tools/compare_command.h"
#include "tools/report_command.h"
#include "tools/rknn_commands.h"

namespace {

void SetUpLogging(bool verbose, bool quiet) {
  auto logger = spdlog::stderr_color_mt("rknn-sim");
  logger->set_pattern("%L %v");
  logger->set_level(quiet ? spdlog::level::warn : verbose ? spdlog::level::debug : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

// Without -c these were always required (same message, exit code 2); with -c model.yml supplies them.
void RequireWithoutConfig(const CLI::App* cmd, const std::string& config, std::initializer_list<const char*> names) {
  if (!config.empty()) return;
  for (const char* name : names)
    if (cmd->get_option(name)->count() == 0) throw CLI::RequiredError(cmd->get_option(name)->get_name());
}

}  // namespace

// SystemC's own main() prints a banner before anything else runs; ours silences it first.
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int argc, char* argv[]) {
  using rknnsim::tools::CommandOptions;
  CLI::App app{"rknn-sim: simulate Rockchip NPUs (RK3566/RK3568, RK3588, RV1103/RV1106, RK3562, RK3576, RV1126B) on x86"};
  app.require_subcommand(1);
  // Where the platform descriptions come from: an installation's share/rknn_sim/models, the source
  // tree's models/ or $RKNN_SIM_MODELS_DIR (isa::ModelsDirectory).
  app.set_version_flag("--version", [] {
    return std::string("rknn-sim ") + RKNN_SIM_VERSION + "\nplatform descriptions: " + rknnsim::isa::ModelsDirectory();
  });
  bool verbose = false, quiet = false;
  app.add_flag("-v,--verbose", verbose, "Debug logging");
  app.add_flag("-q,--quiet", quiet, "Only warnings and errors");
  CommandOptions o;

  // The build settings of convert, shared with accuracy (which builds the model the same way).
  auto add_build_options = [&o](CLI::App* cmd) {
    cmd->add_option("model", o.model, "ONNX model file (required without -c)");
    cmd->add_option("-c,--config", o.config_file,
                    "rknn_convert's model.yml (models: name, platform, model_file_path, quantize, dataset, subgraphs, "
                    "configs); flags may add settings it leaves out, not contradict it");
    cmd->add_option("-t,--target", o.target, "Target as RKNN-Toolkit2 names it, e.g. rk3588; models/*/platform.yaml list the simulated ones (required without -c)");
    cmd->add_option("-d,--dataset", o.dataset, "dataset.txt listing calibration .npy or image files, one per input on each line (int8)");
    cmd->add_flag("--no-quant", o.no_quant, "Build an fp16 model without quantization");
    cmd->add_option("--mean-values", o.mean_values, "Per-input, per-channel means as JSON, e.g. '[[123.675,116.28,103.53]]'");
    cmd->add_option("--std-values", o.std_values, "Per-input, per-channel stds as JSON, e.g. '[[58.395,57.12,57.375]]'");
    cmd->add_flag("--quant-img-rgb2bgr", o.quant_img_rgb2bgr, "Swap RGB/BGR of calibration images (not of .npy)");
    cmd->add_option("--quantized-algorithm", o.quantized_algorithm, "normal, kl_divergence or mmse")
        ->check(CLI::IsMember({"normal", "kl_divergence", "mmse"}));
    cmd->add_option("--quantized-method", o.quantized_method, "channel or layer")
        ->check(CLI::IsMember({"channel", "layer"}));
    cmd->add_option("--optimization-level", o.optimization_level, "0 to 3, as config(optimization_level=)")
        ->check(CLI::Range(0, 3));
    cmd->add_option("--hybrid-cfg", o.hybrid_cfg,
                    "Build with an edited hybrid quantization config: its custom_quantize_layers run in float16");
  };

  CLI::App* convert = app.add_subcommand("convert", "Compile an ONNX model for a target platform");
  add_build_options(convert);
  convert->add_option("-o,--output", o.output,
                      "Compiled model file to write (required without -c; with -c only FILE.rknnsim is a file, any other "
                      "path a directory, created, that takes <name>.rknnsim, as rknn_convert's -o)");
  convert->add_option("--hybrid-step1", o.hybrid_step1,
                      "Also write the hybrid quantization config (YAML, hybrid_quantization_step1) to this file");
  convert->add_option("--dynamic-input", o.dynamic_input,
                      "Input shape sets as JSON, one list of input shapes per set, e.g. "
                      "'[[[1,3,224,224]],[[1,3,320,320]]]' (config(dynamic_input=)): one model holding a program per "
                      "set; run picks by the inputs' shapes, perf and memory report every set");
  convert->add_option("--batch-size", o.batch_size,
                      "Images per inference, stacked on the batch dim (build(rknn_batch_size=)); the model has batch 1")
      ->check(CLI::Range(1, 4096));
  convert->add_option("--quant-report", o.quant_report,
                      "Write the quantization quality report (int8 vs float cosine per output and layer) as JSON");
  convert->callback([&] { RequireWithoutConfig(convert, o.config_file, {"model", "--target", "--output"}); });

  auto add_load_options = [&o](CLI::App* cmd) {
    cmd->add_option("--inputs", o.cut_inputs, "Tensor names that become the model's inputs (load_onnx inputs=)")
        ->delimiter(',');
    cmd->add_option("--outputs", o.cut_outputs, "Tensor names that become the model's outputs (load_onnx outputs=); "
                    "of a .rknn: its tensors as the file's program leaves them after their last writer")
        ->delimiter(',');
    cmd->add_option("--input-size-list", o.input_size_list,
                    "Input shapes as JSON, e.g. '[[1,3,224,224]]' (load_onnx input_size_list=)");
  };
  add_load_options(convert);

  CLI::App* accuracy = app.add_subcommand(
      "accuracy", "accuracy_analysis: build as convert does, then per-layer float vs simulated error (error_analysis.txt)");
  add_build_options(accuracy);
  add_load_options(accuracy);
  accuracy->add_option("-i,--input", o.inputs, "Input .npy (NCHW) or image (raw RGB), one per model input, in order")
      ->required();
  accuracy->add_option("-o,--output-dir", o.output, "Directory for golden/, simulator/ and error_analysis.txt")
      ->required();
  accuracy->callback([&] { RequireWithoutConfig(accuracy, o.config_file, {"model", "--target"}); });

  CLI::App* run = app.add_subcommand("run", "Run inference on the simulated NPU or a reference executor");
  run->add_option("model", o.model, "Compiled model file (or ONNX with --reference float)")->required();
  run->add_option("-i,--input", o.inputs, "Input .npy (NCHW) or .jpg/.png/.bmp image (raw RGB), one per model input, in order")->required();
  run->add_option("-o,--output-dir", o.output, "Directory for the output .npy files")->required();
  run->add_option("--reference", o.reference, "Run a reference executor instead: int8 or float")
      ->check(CLI::IsMember({"int8", "float"}));
  add_load_options(run);
  run->add_option("--core-mask", o.core_mask, "NPU cores: auto, 0, 1, 2, 0_1 or 0_1_2 (multi-core NPUs: RK3588, RK3576; others auto or 0)");

  CLI::App* perf = app.add_subcommand("perf", "Per-layer timing table (eval_perf) from a timing-only simulation");
  std::vector<std::string> perf_models;
  perf->add_option("model", perf_models,
                   "Compiled model file; several run at the same time on the cores of --core-mask, sharing DDR")
      ->required();
  perf->add_option("--core-mask", o.core_mask,
                   "NPU cores: auto, 0, 1, 2, 0_1 or 0_1_2 (multi-core NPUs: RK3588, RK3576; others auto or 0); with several models one mask "
                   "per model, comma-separated, e.g. 0,1");
  perf->add_option("--json", o.json, "Also write the report as JSON");
  perf->add_option("--trace", o.trace, "Write a Chrome/Perfetto timeline (one track per unit)");
  perf->add_option("--csv", o.csv, "Also write the per-layer table as CSV (one row per layer, same columns)");

  CLI::App* memory = app.add_subcommand("memory", "Memory usage (eval_memory) of a compiled model");
  memory->add_option("model", o.model, "Compiled model file")->required();
  memory->add_option("--json", o.json, "Also write the report as JSON");

  CLI::App* info = app.add_subcommand("info", "Describe a Rockchip .rknn file: target, versions, I/O, nodes, constants");
  info->add_option("model", o.model, ".rknn file")->required();

  CLI::App* disasm = app.add_subcommand(
      "disasm", "List a compiled model's NPU tasks, one line per task; for a Rockchip .rknn, every task and "
                "register write it holds, decoded");
  disasm->add_option("model", o.model, "Compiled model file or .rknn file")->required();

  CLI::App* report = app.add_subcommand(
      "report", "One self-contained HTML page of a model's timing (per layer, by op type, unit timeline) and memory");
  report->add_option("model", o.model, "Compiled model file or .rknn file")->required();
  report->add_option("-o,--output", o.output, "HTML file to write")->required();
  report->add_option("--core-mask", o.core_mask, "NPU cores, as for perf (rknn-sim model files)");

  rknnsim::tools::CompareOptions compare_options;
  rknnsim::tools::AddCompareCommand(app, compare_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "E rknn-sim: %s (see --help)\n", e.what());
    return 2;
  }
  if (!perf_models.empty()) {
    o.model = perf_models.front();
    o.more_models.assign(perf_models.begin() + 1, perf_models.end());
  }
  SetUpLogging(verbose, quiet);
  const std::string name = app.get_subcommands().front()->get_name();
  for (const CLI::Option* opt : app.get_subcommands().front()->get_options())
    if (opt->count() > 0) o.given_flags.push_back(opt->get_name());
  try {
    // Output files are checked before any work: a bad path is one line at once, not an error after
    // a long simulation (which, thrown past SystemC's coroutines, also trips AddressSanitizer).
    std::vector<std::string> output_files = {o.json, o.trace, o.csv, o.quant_report};
    if (name == "report") output_files.push_back(o.output);
    for (const std::string& path : output_files)
      if (!path.empty()) rknnsim::tools::CheckOutputFile(path);
    if (name == "convert") return rknnsim::tools::Convert(o);
    if (name == "accuracy") return rknnsim::tools::Accuracy(o);
    if (name == "info") return rknnsim::tools::Info(o);
    if (name == "compare") return rknnsim::tools::Compare(compare_options);
    if (name == "report") return rknnsim::tools::Report(o);
    // Rockchip .rknn files take their own path through run, perf and memory.
    if ((name == "run" || name == "perf" || name == "memory" || name == "disasm") &&
        rknnsim::tools::IsRknnFile(o.model)) {
      if (name == "run") return rknnsim::tools::RknnRun(o);
      if (name == "disasm") return rknnsim::tools::RknnDisasm(o);
      return name == "perf" ? rknnsim::tools::RknnPerf(o) : rknnsim::tools::RknnMemory(o);
    }
    if (name == "run") return rknnsim::tools::Run(o);
    if (name == "perf") return rknnsim::tools::Perf(o);
    if (name == "disasm") return rknnsim::tools::Disasm(o);
    return rknnsim::tools::Memory(o);
  } catch (const rknnsim::Error& e) {
    std::fprintf(stderr, "E %s: %s\n", name.c_str(), e.what());
  } catch (const std::bad_alloc&) {
    // A model that fits the board can still need more host memory than this machine has (the float
    // reference of calibration holds float32 feature maps).
    std::fprintf(stderr, "E %s: this machine ran out of memory (hint: reduce the input size or the number of "
                         "calibration samples, or use a machine with more RAM)\n", name.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "E %s: internal error: %s\n", name.c_str(), e.what());
  }
  return 1;
}
