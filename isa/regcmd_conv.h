// What a conv task of Rockchip's own program (decoded from a .rknn file's register commands,
// docs/rknn-format.md §8) asks of the units beyond our compiler's conv tasks: weights kept in the
// file's native blocks with a per-kernel weight offset, padding taps holding a pad value, and the
// DPU's BS (bias add, per-channel multiply) and EW (second operand) stages before the output
// converter. Both executions (the SystemC platform and the register-level reference) follow
// docs/rknn-format.md §8 from these fields alone.
#pragma once

#include <cstdint>

namespace rknnsim::isa {

struct RegcmdConv {
  bool on = false;  // the task is Rockchip's; the fields below apply
  // Native weight blocks [O1, I1, kh, kw, Ob, Ib] (int8), kernels o >= O1·Ob weigh 0.
  uint32_t weight_o1 = 0, weight_i1 = 0, weight_ob = 0, weight_ib = 0;
  int32_t pad_value = 0;  // the value of padding taps (CNA PAD_CON0 / PAD_CON1)
  // BS operand blob at Task::dpu_table_addr: groups of `bs_group` kernels, each group's int32
  // biases, then int16 weight offsets, then uint16 multipliers.
  uint32_t bs_group = 0;
  bool bs_alu = false;            // v += bias[k]
  bool bs_mul = false;            // v = round(v · mul[k] / 2^bs_mul_shift)
  uint32_t bs_mul_shift = 0;
  bool bs_relu = false;           // v = max(v, 0) after BS
  bool ow_from_blob = false;      // weight offset per kernel from the blob, else ow_value for all
  int32_t ow_value = 0;
  // EW: v += round((operand + ew_offset) · ew_scale / 2^ew_shift), operand from Task::input2.
  bool ew = false, ew_relu = false;
  int32_t ew_offset = 0;
  uint32_t ew_scale = 0, ew_shift = 0;
  // Output converter: q = clamp(round(v · out_scale / 2^out_shift) + out_offset, -128, 127).
  int32_t out_scale = 0;
  uint32_t out_shift = 0;
  int32_t out_offset = 0;

  uint64_t BsBlobBytes(uint32_t kernels) const { return uint64_t{(kernels + bs_group - 1) / bs_group} * bs_group * 8; }
};

}  // namespace rknnsim::isa
