// `rknn-sim report FILE -o report.html`: the timing simulation of `perf` and the memory of
// `memory` as one self-contained HTML page (runtime/html_report.h), for rknn-sim's model files
// and Rockchip .rknn files alike.
#pragma once

#include "tools/commands.h"

namespace rknnsim::tools {

int Report(const CommandOptions& o);

}  // namespace rknnsim::tools
