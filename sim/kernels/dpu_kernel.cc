// DPU: the output converter of convolutions and the element-wise unit. Integer steps follow
// docs/quantization.md: bias add, 16-bit scale multiply, shift with round-half-up, zero point,
// clamp (the fused activation's range, within int8).
#include <algorithm>
#include <cstring>
#include <vector>

#include "common/fp16.h"
#include "common/int8_table.h"
#include "common/parallel.h"
#include "sim/kernels/dpu_requant.h"
#include "sim/kernels/npu_kernels.h"

namespace rknnsim::sim {
namespace {

int64_t ShiftRoundHalfUp(int64_t v, int32_t shift) {
  if (shift <= 0) return v;
  return (v + (int64_t{1} << (shift - 1))) >> shift;
}

int8_t Clamp(int64_t v, const isa::Task& t) {
  return static_cast<int8_t>(std::clamp<int64_t>(v, t.clamp_lo, t.clamp_hi));
}

float ActivateFloat(const isa::Task& t, float v) {
  if (t.act == isa::ActKind::kRelu) return std::max(v, 0.0f);
  if (t.act == isa::ActKind::kClip) return std::min(std::max(v, t.clip_min), t.clip_max);
  return v;
}

// Where kernel k's value of the task's output row r, column 0, goes: its C1 surface, then
// [rows][W][C2] elements of `elem_bytes`.
uint8_t* OutputAt(const isa::Task& t, const OutputTile& out, uint32_t k, uint32_t r, size_t elem_bytes) {
  const uint32_t c2 = t.output.c2;
  return out.data + size_t{k / c2} * out.surface_bytes + (size_t{r} * t.output.width * c2 + k % c2) * elem_bytes;
}

// A conv task's fused Add (Task::fused_add) over `count` int8 values: `row` holds the conv's
// values and receives the sums, `operand` the same elements of input2; the element-wise add's
// arithmetic (EltwiseAdd) with the conv's zero point for its input.
void AddOperand(const isa::Task& t, const int8_t* operand, int8_t* row, size_t count) {
  const size_t done = AddInt8Lanes(row, t.output_zp, t.scale_a, operand, t.input2_zp, t.scale_b, t.shift, t.add_zp,
                                   t.add_clamp_lo, t.add_clamp_hi, row, count);
  for (size_t i = done; i < count; ++i) {
    const int64_t sum = (int64_t{row[i]} - t.output_zp) * t.scale_a + (int64_t{operand[i]} - t.input2_zp) * t.scale_b;
    row[i] = static_cast<int8_t>(
        std::clamp<int64_t>(ShiftRoundHalfUp(sum, t.shift) + t.add_zp, t.add_clamp_lo, t.add_clamp_hi));
  }
}

}  // namespace

void ConvOutputInt8(const isa::Task& t, const ConvRowsInt8& sums, const uint8_t* dpu_table, const uint8_t* lut,
                    const uint8_t* operand, const OutputTile& out) {
  const uint32_t c2 = t.output.c2, width = t.output.width;
  std::vector<int32_t> entries(size_t{t.kernels} * 3);  // {bias, scale, shift} per kernel
  std::memcpy(entries.data(), dpu_table + size_t{t.kernel_begin} * 3 * sizeof(int32_t), entries.size() * sizeof(int32_t));
  RequantLanes lanes_constants;
  const bool simd = PrepareRequantLanes(entries.data(), t.kernels, t.output_zp, t.clamp_lo, t.clamp_hi, lanes_constants);
  // Rows split across the host's threads (each writes its own rows of the tile), each chunk taken
  // from CORE in blocks that stay in cache; within a block one C2 atom of kernels at a time, so
  // that both the sums (pixel-major) and the tile ([C1][rows][W][C2]) are read and written in order.
  const size_t row_outputs = size_t{width} * t.kernels;
  const uint32_t block_rows = static_cast<uint32_t>(std::max<size_t>(kRowBlockSums / row_outputs, 1));
  const size_t macs_per_sum = size_t{t.kernel_h} * t.kernel_w *
                              (t.conv_mode == isa::ConvMode::kDepthwise ? 1 : t.input.channels);
  ParallelChunks(t.out_rows, MinChunkRows(row_outputs, macs_per_sum), [&](size_t chunk_begin, size_t chunk_end) {
    thread_local std::vector<int32_t> block;  // growing only: no zero-fill per block
    for (uint32_t r0 = uint32_t(chunk_begin); r0 < chunk_end; r0 += block_rows) {
      const uint32_t rows = std::min<uint32_t>(block_rows, uint32_t(chunk_end) - r0);
      block.resize(std::max(block.size(), rows * row_outputs));
      sums.Rows(r0, rows, block.data());
      for (uint32_t k0 = 0; k0 < t.kernels; k0 += c2) {
        const uint32_t lanes = std::min(c2, t.kernels - k0);
        for (uint32_t r = 0; r < rows; ++r) {
          uint8_t* row = OutputAt(t, out, k0, r0 + r, 1);
          const int32_t* row_acc = block.data() + r * row_outputs + k0;
          const size_t done = simd ? RequantizePixels(lanes_constants, k0, lanes, row_acc, t.kernels, width,
                                                      reinterpret_cast<int8_t*>(row), c2)
                                   : 0;
          for (uint32_t x = 0; x < width; ++x)
            for (uint32_t lane = static_cast<uint32_t>(done); lane < lanes; ++lane) {
              const int32_t* e = entries.data() + size_t{k0 + lane} * 3;
              const int64_t sum = int64_t{row_acc[size_t{x} * t.kernels + lane]} + e[0];
              row[size_t{x} * c2 + lane] =
                  static_cast<uint8_t>(Clamp(ShiftRoundHalfUp(sum * e[1], e[2]) + t.output_zp, t));
            }
          if (lut && lanes == c2)  // the row's atoms are still in cache, whole: one run
            ApplyInt8Table(lut, row, row, size_t{width} * c2);
          else if (lut)  // a partial atom: its padding lanes keep their zeros
            for (uint32_t x = 0; x < width; ++x) ApplyInt8Table(lut, row + size_t{x} * c2, row + size_t{x} * c2, lanes);
          if (operand)  // the same place in input2's surfaces as in the output's
            AddOperand(t, reinterpret_cast<const int8_t*>(operand + (row - out.data)), reinterpret_cast<int8_t*>(row),
                       size_t{width} * c2);
        }
      }
    }
  });
}

void ConvOutputFp16(const isa::Task& t, const float* acc, const uint8_t* dpu_table, const OutputTile& out) {
  const uint32_t c2 = t.output.c2;
  for (uint32_t k = 0; k < t.kernels; ++k) {
    float bias;
    std::memcpy(&bias, dpu_table + size_t{t.kernel_begin + k} * sizeof(float), sizeof(float));
    for (uint32_t r = 0; r < t.out_rows; ++r) {
      uint8_t* row = OutputAt(t, out, k, r, 2);
      for (uint32_t x = 0; x < t.output.width; ++x) {
        const float v = ActivateFloat(t, acc[(size_t{r} * t.output.width + x) * t.kernels + k] + bias);
        const uint16_t bits = FloatToHalfBits(v);
        std::memcpy(row + size_t{x} * c2 * 2, &bits, 2);
      }
    }
  }
}

// Padding channels of the last C2 atom are computed too; they hold don't-care values that no
// consumer reads, as on the board.
void EltwiseAdd(const isa::Task& t, const uint8_t* a, const uint8_t* b, uint8_t* out, uint64_t bytes) {
  if (t.output.type == isa::ElemType::kInt8) {
    const auto* qa = reinterpret_cast<const int8_t*>(a);
    const auto* qb = reinterpret_cast<const int8_t*>(b);
    const uint64_t done = AddInt8Lanes(qa, t.input_zp, t.scale_a, qb, t.input2_zp, t.scale_b, t.shift, t.output_zp,
                                       t.clamp_lo, t.clamp_hi, reinterpret_cast<int8_t*>(out), bytes);
    for (uint64_t i = done; i < bytes; ++i) {
      const int64_t sum = (int64_t{qa[i]} - t.input_zp) * t.scale_a + (int64_t{qb[i]} - t.input2_zp) * t.scale_b;
      out[i] = static_cast<uint8_t>(Clamp(ShiftRoundHalfUp(sum, t.shift) + t.output_zp, t));
    }
    return;
  }
  for (uint64_t i = 0; i + 1 < bytes; i += 2) {
    uint16_t ha, hb;
    std::memcpy(&ha, a + i, 2);
    std::memcpy(&hb, b + i, 2);
    const uint16_t r = FloatToHalfBits(ActivateFloat(t, HalfBitsToFloat(ha) + HalfBitsToFloat(hb)));
    std::memcpy(out + i, &r, 2);
  }
}

void RescaleCopy(const isa::Task& t, const uint8_t* in, uint8_t* out, uint64_t bytes) {
  if (t.input.type != isa::ElemType::kInt8) {
    std::memcpy(out, in, bytes);
    return;
  }
  // The add's lanes with a second operand scaled by 0: the same rescale, clamped to int8.
  const auto* q = reinterpret_cast<const int8_t*>(in);
  const uint64_t done =
      AddInt8Lanes(q, t.input_zp, t.scale_a, q, 0, 0, t.shift, t.output_zp, -128, 127, reinterpret_cast<int8_t*>(out), bytes);
  for (uint64_t i = done; i < bytes; ++i) {
    const int64_t v = ShiftRoundHalfUp((int64_t{static_cast<int8_t>(in[i])} - t.input_zp) * t.scale_a, t.shift);
    out[i] = static_cast<uint8_t>(static_cast<int8_t>(std::clamp<int64_t>(v + t.output_zp, -128, 127)));
  }
}

}  // namespace rknnsim::sim
