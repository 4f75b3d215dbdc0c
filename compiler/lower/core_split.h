// Multi-core placement (RK3588: three NPU cores, used alone, in pairs or all three; RK3588 TRM ch.36).
// The board's runtime takes one compiled model and a core mask (rknn_set_core_mask /
// init_runtime(core_mask=...), RKNN_API.md); layers it can divide (DDR-bound element-wise Add
// and the DPU copies of Concat/Split) are split into one sub-task per enabled core, everything
// else runs on the first enabled core, as the published perf_debug logs show convolutions at
// WorkLoad 100%/0%/0%. AssignCores does this on a compiled single-core program before it is
// simulated, so one model file serves every mask, as on the board.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "isa/platform_config.h"
#include "isa/program.h"

namespace rknnsim::lower {

// rknn_core_mask values (RKNN_API.md): AUTO 0, CORE_0 1, CORE_1 2, CORE_2 4, CORE_0_1 3,
// CORE_0_1_2 7, ALL 0xffff (every core the platform has).
constexpr uint32_t kCoreMaskAuto = 0;
constexpr uint32_t kCoreMaskAll = 0xffff;

// Parses the CLI spelling: auto, 0, 1, 2, 0_1, 0_1_2. Throws Error naming the accepted values.
uint32_t ParseCoreMask(const std::string& text);
std::string CoreMaskName(uint32_t mask);

// The cores a mask enables on this platform, in order; ALL enables each of them. AUTO runs a lone model on core 0 (the
// board's AUTO picks one idle core, never several). Throws Error when the mask names a core the
// platform lacks: single-core NPUs accept only auto and 0, as the toolkit allows core_mask only
// on RK3588/RK3576.
std::vector<uint32_t> EnabledCores(uint32_t mask, const isa::PlatformConfig& platform);

// Whether a task of this kind is divided across the enabled cores (see the file comment).
bool IsCoreSplittable(const isa::Task& task);

// A copy of `program` with every task placed on cores[0] and each splittable task divided into
// one sub-task per core in `cores`. Sub-task j covers a contiguous run of lines of the C1 x H
// stacked planes of its surfaces (all of a splittable task's surfaces have the same layout and
// its kernel works element by element, so any line split computes the same bytes); the lines
// are shared as evenly as possible and a core gets none when there are fewer lines than cores.
isa::Program AssignCores(const isa::Program& program, const std::vector<uint32_t>& cores);

// AssignCores on the cores `mask` enables (EnabledCores): how the CLI's --core-mask, Python's
// init_runtime(core_mask=) and C's rknn_set_core_mask place a compiled program.
isa::Program PlaceOnCores(const isa::Program& program, uint32_t mask, const isa::PlatformConfig& platform);

}  // namespace rknnsim::lower
