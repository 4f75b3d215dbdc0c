#include "isa/program.h"

#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "isa/task_kinds.h"

namespace rknnsim::isa {

const char* TaskOpName(TaskOp op) {
  return static_cast<size_t>(op) < kTaskKindCount ? KindOf(op).name : "?";
}

namespace {

// Products of 32-bit task fields, saturated so that a corrupted file cannot make them wrap.
uint64_t SaturatingProduct(std::initializer_list<uint64_t> factors) {
  unsigned __int128 p = 1;
  for (uint64_t f : factors) {
    p *= f;
    if (p > UINT64_MAX) return UINT64_MAX;
  }
  return static_cast<uint64_t>(p);
}

}  // namespace

void ShiftTaskAddresses(Task& t, uint64_t from, uint64_t delta) {
  auto shift = [&](uint64_t& addr) {
    if (addr >= from) addr += delta;
  };
  shift(t.input.addr);
  shift(t.output.addr);
  const TaskKind& kind = KindOf(t.op);
  if (ReadsInput2(t)) shift(t.input2.addr);
  if (kind.reads_weights) shift(t.weight_addr);
  if (kind.reads_dpu_table) shift(t.dpu_table_addr);
  if (t.fused_lut) shift(t.lut_addr);
  for (Surface& s : t.cpu_inputs)
    if (s.channels != 0) shift(s.addr);  // channels 0: a constant from the graph, not in DDR
  for (Surface& s : t.cpu_outputs) shift(s.addr);
}

uint64_t WeightGroupBytes(const Task& t) {
  const uint64_t channels = t.conv_mode == ConvMode::kDepthwise ? 1 : uint64_t{t.input.c1()} * t.input.c2;
  return SaturatingProduct({t.kernel_h, t.kernel_w, channels, t.weight_kernel_atom, ElemBytes(t.input.type)});
}

uint64_t PackedWeightBytes(const Task& t) {
  if (t.weight_kernel_atom == 0) return 0;
  const uint64_t groups = (uint64_t{t.output.channels} + t.weight_kernel_atom - 1) / t.weight_kernel_atom;
  return SaturatingProduct({groups, WeightGroupBytes(t)});
}

}  // namespace rknnsim::isa
