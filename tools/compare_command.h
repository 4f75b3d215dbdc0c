// `rknn-sim compare`: the board regression check (runtime/board_compare.h, board_dump_dir.h).
#pragma once

#include <limits>
#include <string>

#include <CLI/CLI.hpp>

namespace rknnsim::tools {

// Exit code when every file was fine but a tensor crossed a threshold, so CI tells a regression
// from a bad invocation (1: user error, 2: usage error).
constexpr int kCompareThresholdExit = 3;

struct CompareOptions {
  std::string model;
  std::string inputs_dir;
  std::string board_dir;
  std::string json;
  double min_cosine = 0.999;
  // NaN: not given (max abs diff unchecked; atol/rtol take the per-tensor defaults).
  double max_abs_diff = std::numeric_limits<double>::quiet_NaN();
  double atol = std::numeric_limits<double>::quiet_NaN();
  double rtol = std::numeric_limits<double>::quiet_NaN();
  std::string max_mismatch = "0";
};

CLI::App* AddCompareCommand(CLI::App& app, CompareOptions& o);
int Compare(const CompareOptions& o);

}  // namespace rknnsim::tools
