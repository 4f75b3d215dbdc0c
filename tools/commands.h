// The CLI subcommands, each a function over parsed options.
#pragma once

#include <string>
#include <vector>

namespace rknnsim::tools {

struct CommandOptions {
  std::string model;
  std::string target;
  std::string dataset;
  bool no_quant = false;
  std::string output;
  std::vector<std::string> inputs;
  std::string reference;
  std::string json;
};

int Convert(const CommandOptions& o);
int Run(const CommandOptions& o);
int Perf(const CommandOptions& o);
int Memory(const CommandOptions& o);

}  // namespace rknnsim::tools
