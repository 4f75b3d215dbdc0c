// What a task of Rockchip's own program (decoded from a .rknn file's register commands,
// docs/rknn-format.md §8) asks of the units beyond our compiler's tasks: weights kept in the
// file's native blocks with a per-kernel weight offset, padding taps holding a pad value, the
// DPU's BS, BN and EW stages before the output converter, and the strides its DMAs walk. Both
// executions (the SystemC platform and the register-level reference) follow docs/rknn-format.md
// §8 from these fields alone.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

namespace rknnsim::isa {

// A cube in DDR as a DMA of the DPU walks it: element (c, y, x) lies at byte
// addr + (c / c2) · surface + y · line + x · pixel + (c % c2) · elem_bytes (strides in bytes;
// elements of 1 byte, int8, or 2, float16).
struct StridedCube {
  uint64_t addr = 0;
  uint64_t surface = 0, line = 0, pixel = 0;
  uint32_t c2 = 0;
  uint32_t elem_bytes = 1;

  uint64_t Offset(uint32_t c, uint32_t y, uint32_t x) const {
    return (c / c2) * surface + uint64_t{y} * line + uint64_t{x} * pixel + uint64_t{c % c2} * elem_bytes;
  }
  // One past the last byte a cube of `channels` × `rows` × `width` touches, from addr.
  uint64_t Span(uint32_t channels, uint32_t rows, uint32_t width) const {
    return Offset(channels - 1, rows - 1, width - 1) + elem_bytes;
  }
};

// Where the BS stage's per-channel operands come from (DPU_RDMA BRDMA_CFG BRDMA_DATA_USE).
enum class BsOperands : uint8_t {
  kRegisters,  // BS_ALU_CFG / BS_MUL_CFG operands for every channel
  kBias,       // an int32 bias per channel in memory (data use 1)
  kGrouped,    // groups of bs_group channels: int32 biases, int16 weight offsets, uint16 multipliers (data use 7)
  kBiasMultiplier,  // groups of bs_group channels: int32 biases, uint16 multipliers (data use 5, RV110x depthwise)
};

struct RegcmdTask {
  bool on = false;  // the task is Rockchip's; the fields below apply
  // A float16 convolution (CNA, CORE and DPU precision 2): input, weights and output are IEEE
  // halves, the cubes' elem_bytes 2. Each output is the float32 sum of its window's products in
  // the order (ky, kx, c), each product exact in float32, converted to half rounding to nearest,
  // ties to even (the DPU's FP32TOFP16). BS, BN and EW are bypassed and the output converter is
  // the identity (the decoder refuses anything else); pad_value is a half's bits.
  bool fp16 = false;
  // Conv tasks (CNA + CORE). Weights of weight_kernels kernels × weight_channels (padded) input
  // channels in blocks of weight_ob kernels × weight_ib channels, the last block of each smaller
  // when the count is not a multiple: block (o1, i1) after all blocks before it, laid out
  // [kh][kw][kernels of the block][channels of the block]. Kernels past weight_kernels weigh 0.
  // Depthwise: blocks of weight_ib channels, each [kh][kw][weight_ib] (one block of all channels
  // in RK356x/RK3588 files, blocks of 32 in RV110x files), kernel k reading channel k; with
  // weight_pairs (RV110x) each weight is two bytes, the int8 code and its zero point negated
  // mod 256, and weighs code - zero point (0x80 standing for zero point -128; WeightIndex then
  // counts pairs). Padding taps hold pad_value.
  bool depthwise = false, weight_pairs = false;
  uint32_t weight_kernels = 0, weight_channels = 0, weight_ob = 0, weight_ib = 0;
  // Depthwise: the task's channels that lie in whole blocks of weight_ib; the rest lie in one
  // tail block of weight_tail_ib channels after them (RV110x: 8 channels in a block of 16).
  uint32_t weight_block_channels = 0, weight_tail_ib = 0;
  int32_t pad_value = 0;
  // CNA's input converter (RV110x files convert uint8 pixels of the first layer): the byte u of
  // channel c (read unsigned when cvt_unsigned) becomes clamp(R(u·cvt_scale[c] + cvt_offset[c],
  // cvt_truncate[c]), −128, 127) before it enters the window; padding taps hold pad_value as is.
  bool cvt = false, cvt_unsigned = false;
  int32_t cvt_scale[4] = {};
  int64_t cvt_offset[4] = {};
  uint32_t cvt_truncate[4] = {};


  // Packed rows (RV1126B's first convolution on pixels, CONV_MODE 6): one block of weight_ob
  // kernels and weight_ib lanes, each kernel row weight_row_taps pixels (the last ones zero), the
  // rows of all kernels in turn: [kh][weight_ob][weight_row_taps][weight_ib]. 0: native blocks.
  uint32_t weight_row_taps = 0;

  // Index of weight (o, i, ky, kx) from Task::weight_addr, in bytes (in pairs with weight_pairs).
  uint64_t WeightIndex(uint32_t o, uint32_t i, uint32_t ky, uint32_t kx, uint32_t kh, uint32_t kw) const {
    if (weight_row_taps)
      return ((uint64_t{ky} * weight_ob + o) * weight_row_taps + kx) * weight_ib + i;
    if (depthwise) {  // blocks of weight_ib channels, each [kh][kw][weight_ib], then the tail block
      if (o >= weight_block_channels)
        return uint64_t{weight_block_channels} * kh * kw + (uint64_t{ky} * kw + kx) * weight_tail_ib +
               (o - weight_block_channels);
      const uint64_t block = o / weight_ib, lane = o % weight_ib;
      return ((block * kh + ky) * kw + kx) * weight_ib + lane;
    }
    const uint32_t o1 = o / weight_ob, i1 = i / weight_ib;
    const uint64_t bo = std::min(weight_ob, weight_kernels - o1 * weight_ob);
    const uint64_t bi = std::min(weight_ib, weight_channels - i1 * weight_ib);
    const uint64_t taps = uint64_t{kh} * kw;
    const uint64_t block = uint64_t{o1} * weight_ob * weight_channels * taps + uint64_t{i1} * bo * weight_ib * taps;
    return block + ((uint64_t{ky} * kw + kx) * bo + o % weight_ob) * bi + i % weight_ib;
  }
  // BS operands at Task::dpu_table_addr.
  BsOperands bs_operands = BsOperands::kRegisters;
  uint32_t bs_group = 0;
  // Each stage's ReLU clamps v to [min, max]: max(v, 0) in RK356x/RK3588 files; RV110x files give
  // both bounds (0 and a Clip's maximum, or no bound at all under LeakyReLU).
  static constexpr int64_t kNoMin = std::numeric_limits<int32_t>::min(), kNoMax = std::numeric_limits<int32_t>::max();
  // A DPU-only task's input value is its int8 code plus in_offset (RV110x DPU IN_OFFSET).
  int32_t in_offset = 0;
  // BS: v += alu operand; v = R(v · mul operand, bs_mul_shift); ReLU. Register operands apply
  // when the operands are not in memory.
  bool bs_alu = false, bs_mul = false, bs_relu = false;
  int64_t bs_relu_min = 0, bs_relu_max = kNoMax;
  int32_t bs_alu_operand = 0;
  uint32_t bs_mul_operand = 0, bs_mul_shift = 0;
  // The weight offset added to every weight of kernel k: the grouped blob's, or ow_value.
  bool ow_from_blob = false;
  int32_t ow_value = 0;
  // BN with register operands: v += bn_alu_operand; v = R(v · bn_mul_operand, bn_mul_shift); ReLU.
  // bn_prelu (LeakyReLU, RV110x): negative v becomes R(R(v, 14) · bn_mul_operand, bn_prelu_neg_shift),
  // other v become R(v, bn_mul_shift) (both shifts 0 in most files: v stays).
  static constexpr uint32_t kPreluShift = 14;
  bool bn_alu = false, bn_mul = false, bn_relu = false, bn_prelu = false;
  int64_t bn_relu_min = 0, bn_relu_max = kNoMax;
  int32_t bn_alu_operand = 0;
  uint32_t bn_mul_operand = 0, bn_mul_shift = 0, bn_prelu_neg_shift = 0;
  // EW: v += R((operand + ew_offset) · ew_scale, ew_shift), operand from `ew_source`; then ReLU.
  bool ew = false, ew_relu = false;
  int64_t ew_relu_min = 0, ew_relu_max = kNoMax;
  int32_t ew_offset = 0;
  uint32_t ew_scale = 0, ew_shift = 0;
  // Output converter: q = clamp(R(v · out_scale, out_shift) + out_offset, -128, 127).
  int32_t out_scale = 0;
  uint32_t out_shift = 0;
  int32_t out_offset = 0;
  // The DPU's cube: Task::kernels channels × Task::out_rows rows × Task::output.width pixels, read
  // from `source` (DPU-only tasks) or the MAC array (conv), written to `destination`.
  StridedCube source, ew_source, destination;
  // A DPU-only task that moves data unchanged (an RV110x Transpose's two passes): every element
  // (c, y, x) of the cube, source.elem_bytes bytes of it, is copied from `source` to
  // `destination` (both read before either is written); no stage applies.
  bool move = false;

  uint64_t BsOperandBytes(uint32_t channels) const {
    if (bs_operands == BsOperands::kBias) return uint64_t{channels} * 4;
    if (bs_operands == BsOperands::kRegisters || bs_group == 0) return 0;
    const uint64_t groups = (channels + bs_group - 1) / bs_group;
    if (bs_operands == BsOperands::kGrouped) return groups * bs_group * 8;
    if (bs_operands == BsOperands::kBiasMultiplier) return groups * bs_group * 6;
    return 0;
  }
};

}  // namespace rknnsim::isa
