#include "compiler/lower/register_limits.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "common/error.h"
#include "isa/register_db.h"
#include "isa/task_kinds.h"

namespace rknnsim::lower {
namespace {

using isa::Task;
using isa::TaskOp;

// One field a task's size goes into. `stored_minus_one`: the field holds the count minus one
// (Mesa programs the DPU's and PPU's cube sizes so; where the database marks a field minus_one,
// as on RK3576, RegField::minus_one says it).
struct FieldUse {
  const char* block;
  const char* reg;
  const char* field;
  bool stored_minus_one;
  uint64_t (*value)(const Task&);
};

// Conv tasks only: CNA and the DPU behind it take the task's cube as it is. Element-wise and
// pooling tasks are not checked: Rockchip's compiler reshapes or splits them (the board's own
// yolov8n perf_debug table runs an Add over a width of 8400, past the DPU's 13-bit cube width).
bool UsesCna(const Task& t) { return isa::KindOf(t.op).unit == isa::TaskUnit::kCna; }

// Input rows a conv task fetches for its output rows: the rows of the input its windows reach,
// without the padding rows (those are not fetched; lower::InputRowsFor counts the same way).
uint64_t TaskInputRows(const Task& t) {
  const int64_t top = int64_t{t.out_row_begin} * t.stride_h - t.pad_top;
  const int64_t bottom = (int64_t{t.out_row_begin} + t.out_rows - 1) * t.stride_h - t.pad_top +
                         (int64_t{t.kernel_h} - 1) * t.dilation_h;
  const int64_t first = std::max<int64_t>(top, 0), last = std::min<int64_t>(bottom, int64_t{t.input.height} - 1);
  return last >= first ? static_cast<uint64_t>(last - first + 1) : 0;
}

const FieldUse kConvFields[] = {
    {"CNA", "DATA_SIZE0", "DATAIN_WIDTH", false, [](const Task& t) { return uint64_t{t.input.width}; }},
    {"CNA", "DATA_SIZE0", "DATAIN_HEIGHT", false, TaskInputRows},
    {"CNA", "DATA_SIZE1", "DATAIN_CHANNEL", false,  // channels as laid out: whole C2 atoms
     [](const Task& t) { return uint64_t{t.input.c1()} * t.input.c2; }},
    {"CNA", "WEIGHT_SIZE2", "WEIGHT_KERNELS", false, [](const Task& t) { return uint64_t{t.kernels}; }},
    {"CNA", "WEIGHT_SIZE2", "WEIGHT_WIDTH", false, [](const Task& t) { return uint64_t{t.kernel_w}; }},
    {"CNA", "WEIGHT_SIZE2", "WEIGHT_HEIGHT", false, [](const Task& t) { return uint64_t{t.kernel_h}; }},
    {"DPU", "DATA_CUBE_WIDTH", "WIDTH", true, [](const Task& t) { return uint64_t{t.output.width}; }},
    {"DPU", "DATA_CUBE_HEIGHT", "HEIGHT", true, [](const Task& t) { return uint64_t{t.out_rows}; }},
    {"DPU", "DATA_CUBE_CHANNEL", "CHANNEL", true, [](const Task& t) { return uint64_t{t.kernels}; }},
};

// The field `use` names in the target's map, or nullptr when the database does not list it.
const isa::RegField* Find(const isa::RegisterDb& db, const FieldUse& use, const std::string& target) {
  for (const isa::RegBlock& block : db.blocks()) {
    if (block.name != use.block) continue;
    if (!block.targets.empty() && std::find(block.targets.begin(), block.targets.end(), target) == block.targets.end())
      continue;
    for (const isa::RegDef& reg : block.registers) {
      if (reg.name != use.reg || !reg.AppliesTo(target)) continue;
      for (const isa::RegField& field : reg.fields)
        if (field.name == use.field) return &field;
    }
  }
  return nullptr;
}

// The largest count `use`'s field holds on `target`; 0 when the database does not list it.
uint64_t Limit(const FieldUse& use, const std::string& target, uint32_t* bits = nullptr) {
  const isa::RegField* field = Find(isa::RegisterDb::Builtin(), use, target);
  if (field == nullptr) return 0;
  const uint32_t width = field->hi - field->lo + 1;
  if (bits) *bits = width;
  return ((uint64_t{1} << width) - 1) + (use.stored_minus_one || field->minus_one ? 1 : 0);
}

void Check(const isa::Program& program, const Task& t, const FieldUse& use) {
  uint32_t bits = 0;
  const uint64_t max = Limit(use, program.target, &bits);
  const uint64_t value = use.value(t);
  if (max == 0 || value <= max) return;
  const isa::Layer& layer = program.layers.at(t.layer);
  throw Error("layer '" + layer.name + "' (" + layer.op_type + ") needs " + use.block + "." + use.reg + "." + use.field +
                  " = " + std::to_string(value) + ", but that " + std::to_string(bits) + "-bit register field holds at most " +
                  std::to_string(max) + " on " + program.target,
              "no " + program.target + " program can express this size; split the tensor in the model (Slice into "
              "parts below the limit, then Concat) or resize it");
}

}  // namespace

uint64_t ConvTaskInputRowLimit(const std::string& target) {
  const uint64_t max = Limit(kConvFields[1], target);
  return max == 0 ? UINT64_MAX : max;
}

void CheckRegisterLimits(const isa::Program& program) {
  for (const Task& t : program.tasks)
    if (UsesCna(t))
      for (const FieldUse& use : kConvFields) Check(program, t, use);
}

}  // namespace rknnsim::lower
