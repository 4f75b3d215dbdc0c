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
  std::string trace;
  std::vector<std::string> cut_inputs;   // --inputs
  std::vector<std::string> cut_outputs;  // --outputs
  std::string input_size_list;           // --input-size-list, JSON like [[1,3,224,224]]
};

int Convert(const CommandOptions& o);
int Run(const CommandOptions& o);
int Perf(const CommandOptions& o);
int Memory(const CommandOptions& o);
int Disasm(const CommandOptions& o);

}  // namespace rknnsim::tools
