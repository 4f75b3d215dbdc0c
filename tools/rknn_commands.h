// Subcommands on Rockchip .rknn files (docs/rknn-format.md): `info`, and the .rknn branches of
// `perf`, `memory` and `run`, which the generic commands hand over to when the file is a .rknn.
#pragma once

#include "tools/commands.h"

namespace rknnsim::tools {

bool IsRknnFile(const std::string& path);  // by signature (RKNN, CYPTRKNN, RKNX, VPMN; not RKNNSIM), or the .rknn suffix
int Info(const CommandOptions& o);
int RknnPerf(const CommandOptions& o);
int RknnMemory(const CommandOptions& o);
int RknnRun(const CommandOptions& o);
int RknnDisasm(const CommandOptions& o);

}  // namespace rknnsim::tools
