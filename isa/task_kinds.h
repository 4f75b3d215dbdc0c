// The one table that describes each kind of NPU task (isa::TaskOp): its name, the unit that runs
// it, and which of the task's DDR operands beyond input and output it reads. Everything that only
// needs these facts (names in disassembly, traces and JSON; the command processor's dispatch;
// address relocation; the program invariants; the model file's enum) reads them here.
//
// Adding a kind: its TaskOp value and a row here (in TaskOp order; a static_assert checks the
// count), its value in runtime/model_file.fbs if compiled programs store it (checked against
// `file_name` by runtime/model_file_schema.h's test), the unit's kernel, its cost rule
// (sim/cost/cost_model.cc) and its disassembly operands (isa/disasm.cc).
#pragma once

#include <cstddef>
#include <cstdint>

#include "isa/program.h"

namespace rknnsim::isa {

// The unit the command processor hands a task to. A conv task starts at CNA and flows on to
// CORE and the DPU; the DPU and PPU kinds read their input through their own RDMA.
enum class TaskUnit : uint8_t { kCna, kDpu, kPpu, kCpu };

struct TaskKind {
  TaskOp op;
  const char* name;       // disassembly, traces, perf JSON ("conv", "ew_add", ...)
  TaskUnit unit;
  bool reads_input2;      // a second feature map (Task::input2); a conv's fused add reads one too
  bool reads_weights;     // Task::weight_addr (kernel groups in the CBUF layout)
  bool reads_dpu_table;   // Task::dpu_table_addr (per-channel requantization entries, or a LUT)
  const char* file_name;  // its name in runtime/model_file.fbs TaskOp, or nullptr: never stored
};

inline constexpr TaskKind kTaskKinds[] = {
    {TaskOp::kConv, "conv", TaskUnit::kCna, false, true, true, "Conv"},
    {TaskOp::kEltwiseAdd, "ew_add", TaskUnit::kDpu, true, false, false, "EltwiseAdd"},
    {TaskOp::kMaxPool, "maxpool", TaskUnit::kPpu, false, false, false, "MaxPool"},
    {TaskOp::kGlobalAvgPool, "gap", TaskUnit::kPpu, false, false, false, "GlobalAvgPool"},
    {TaskOp::kCpu, "cpu", TaskUnit::kCpu, false, false, false, "Cpu"},
    {TaskOp::kLut, "lut", TaskUnit::kDpu, false, false, true, "Lut"},
    {TaskOp::kCopy, "copy", TaskUnit::kDpu, false, false, false, "Copy"},
    {TaskOp::kConvert, "convert", TaskUnit::kDpu, false, false, false, "Convert"},
    {TaskOp::kUpsample, "upsample", TaskUnit::kDpu, false, false, false, "Upsample"},
    {TaskOp::kEltwiseMul, "ew_mul", TaskUnit::kDpu, true, false, false, "EltwiseMul"},
    {TaskOp::kAvgPool, "avgpool", TaskUnit::kPpu, false, false, false, "AvgPool"},
    {TaskOp::kZeroInsert, "zero_insert", TaskUnit::kDpu, false, false, false, "ZeroInsert"},
    // A Rockchip program's DPU task: decoded from a .rknn's register commands at load, never stored.
    {TaskOp::kRegcmdDpu, "regcmd_dpu", TaskUnit::kDpu, false, false, false, nullptr},
};
inline constexpr size_t kTaskKindCount = sizeof(kTaskKinds) / sizeof(kTaskKinds[0]);

constexpr bool TaskKindsInOrder() {
  for (size_t i = 0; i < kTaskKindCount; ++i)
    if (static_cast<size_t>(kTaskKinds[i].op) != i) return false;
  return true;
}
static_assert(TaskKindsInOrder() && kTaskKindCount == static_cast<size_t>(TaskOp::kRegcmdDpu) + 1,
              "kTaskKinds must hold one row per TaskOp, in TaskOp order");

// The row of `op`, which must be a TaskOp value (the model file reader refuses any other).
constexpr const TaskKind& KindOf(TaskOp op) { return kTaskKinds[static_cast<size_t>(op)]; }

// The task reads a second feature map: its kind's, or a conv's fused residual add.
inline bool ReadsInput2(const Task& t) { return KindOf(t.op).reads_input2 || t.fused_add; }

}  // namespace rknnsim::isa
