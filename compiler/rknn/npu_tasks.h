// The board's own program inside a .rknn file: its task records and register commands
// (docs/rknn-format.md §7), split and validated by isa/regcmd.h, and listed by `rknn-sim disasm`.
#pragma once

#include <string>
#include <vector>

#include "compiler/rknn/model.h"
#include "isa/regcmd.h"
#include "isa/register_db.h"

namespace rknnsim::rknn {

// The file's NPU tasks in execution order. Empty for files without a task array (toolkit <= 1.5
// keeps per-op register blobs instead). Throws rknnsim::Error naming the task on a bad record.
std::vector<isa::NpuTask> NpuTasksOf(const RknnModel& model, const std::string& what);

// How many of the file's register writes the database names (known register in a known block).
struct DecodeCoverage {
  uint64_t writes = 0, known = 0;
};

// The `rknn-sim disasm FILE.rknn` listing: a header, then per task its record (node, units,
// interrupt, amount) and every register write as `BLOCK.REGISTER field=value ...`, then the
// coverage line and the unknown registers by count.
std::string DisassembleRknn(const RknnModel& model, const std::vector<isa::NpuTask>& tasks,
                            const isa::RegisterDb& db, DecodeCoverage* coverage = nullptr);

}  // namespace rknnsim::rknn
