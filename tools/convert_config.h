// RKNN-Toolkit2's rknn_convert model config (`python -m rknn.api.rknn_convert -t rk3588 -i model.yml
// -o out/`) read into the options of `rknn-sim convert -c model.yml`. Every key sets the field of
// CommandOptions that its equivalent flag sets, in the text the flag would carry, so a YAML build
// and a flag build go through the same code (docs: README "The command line", docs/rknn_convert.md).
#pragma once

#include <string>
#include <vector>

#include "tools/commands.h"

namespace rknnsim::tools {

struct ConvertConfig {
  std::string path;  // the YAML file as given; messages name it
  std::string name;  // models.name: rknn_convert writes <name>.rknn; we write <name>.rknnsim
  // The settings of the file as the equivalent flags would set them; fields without a key keep
  // CommandOptions' defaults.
  CommandOptions options;
  struct Key {
    std::string key;   // "models.configs.mean_values"
    std::string flag;  // its equivalent: "--mean-values" (or "model", the positional argument)
  };
  std::vector<Key> keys;  // the keys the file sets, in file order
};

// `path` names the file in messages, and relative paths of the file resolve against its directory.
// Unknown keys, values rknn-sim does not support, wrong types and missing files throw an Error
// whose message starts with "<path>: <key>: ".
ConvertConfig ParseConvertConfig(const std::string& yaml_text, const std::string& path);
ConvertConfig LoadConvertConfig(const std::string& path);

// The options of a build from a config file plus the flags given on the command line (`given`:
// their names as CLI11 reports them, "--dataset", "model"). A flag may supply what the file leaves
// out (-t, --batch-size, --hybrid-cfg, ...); a flag that repeats a key of the file must agree with
// it (same target, same path, same values), else it is a contradiction and an Error.
CommandOptions MergeConvertConfig(const ConvertConfig& config, const CommandOptions& flags,
                                  const std::vector<std::string>& given);

// The model file `convert -c` writes: -o FILE.rknnsim as given; any other -o is a directory, as
// rknn_convert's -o always is (created when missing), and so is no -o (the current directory) →
// DIR/<models.name>.rknnsim, a trailing .rknn of the name dropped as rknn_convert drops it.
std::string ConvertConfigOutput(const ConvertConfig& config, const std::string& output_flag);

// The options of a build: `o` itself without -c; with -c, LoadConvertConfig + MergeConvertConfig
// (and, when `names_output`, the output model file of ConvertConfigOutput).
CommandOptions WithConvertConfig(const CommandOptions& o, bool names_output);

}  // namespace rknnsim::tools
