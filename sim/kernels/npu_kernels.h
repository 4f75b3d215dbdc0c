// Functional kernels of the NPU units, in plain C++ (Highway SIMD), independent of SystemC and of
// the reference executor: they work on the native layouts the DMA delivers (NC1HWC2 feature
// tiles, packed weight groups) and implement docs/quantization.md on their own.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "common/host_conv.h"
#include "isa/program.h"

namespace rknnsim::sim {

// Input rows of one conv tile, as the CNA reads them where DDR keeps them: C1 surfaces of
// [rows][W][C2] elements, `surface_bytes` apart, rows [first_row, first_row + rows) of the input
// surface, C1 surfaces from first_c1 (a depthwise tile loads only the channels of its kernels; a
// direct one loads all, first_c1 = 0).
struct FeatureTile {
  const uint8_t* data = nullptr;
  uint32_t first_row = 0;
  uint32_t rows = 0;
  uint32_t first_c1 = 0;
  uint64_t surface_bytes = 0;
};

// Where the DPU writes a conv task's output, in DDR: the C1 surfaces of the task's kernels
// (from kernel_begin / c2), `surface_bytes` apart, each from the task's first output row.
struct OutputTile {
  uint8_t* data = nullptr;
  uint64_t surface_bytes = 0;
};

// C1 surfaces [first, first + count) of the input that a conv task reads.
struct InputSurfaces {
  uint32_t first = 0, count = 0;
};
InputSurfaces ConvInputSurfaces(const isa::Task& task);

// CORE, int8: the accumulators of a conv task, produced in blocks of output rows as the DPU takes
// them. The MAC array streams its sums to the DPU; converting a block while its int32 sums are in
// cache costs far less than writing a whole task's sums (4 bytes per output) and reading them back.
// `weights` holds the kernel groups of the task, as packed in DDR; both it and the task must
// outlive the object. Rows may run on several threads at once.
class ConvRowsInt8 {
 public:
  // Unpacks the tile into `nhwc` (the caller's buffer, kept from task to task), or reads it in
  // place when the task's channels are one whole C1 surface (then the tile's bytes must outlive
  // the object and stay unchanged while Rows runs: compiled programs never write a conv's output
  // over its input).
  // `since`: the weights' vouch, when their owner has one (ConvWeights::since).
  ConvRowsInt8(const isa::Task& task, const FeatureTile& in, const uint8_t* weights, StoredEpoch since,
               std::vector<int8_t>& nhwc);
  // acc: rows [first, first + count) of the task's output, [count][out_width][task.kernels].
  void Rows(uint32_t first, uint32_t count, int32_t* acc) const;

 private:
  const isa::Task& task_;
  const int8_t* x_;
  std::unique_ptr<Int8RowConv> conv_;  // null when every row of every window is padding
};

// CORE, fp16: accumulators of a conv task, laid out [out_rows][out_width][task.kernels] in fp32.
void ConvAccumulateFp16(const isa::Task& task, const FeatureTile& in, const uint8_t* weights, float* acc);

// DPU output converter for a conv task: bias, requantization/activation, conversion to the
// output type, written into `out`. The lanes past the last kernel of a partial C2 atom are
// written as zeros. The int8 converter takes its sums from CORE block by block, on the host's
// threads, and maps the requantized values through `lut` (256 entries, value + 128) when the
// task fuses a lookup-table activation (Task::fused_lut; null otherwise), or adds `operand` (the
// same rows and C1 surfaces of Task::input2, laid out as `out`) when it fuses an Add
// (Task::fused_add; null otherwise): whole C2 atoms, padding lanes included, as an element-wise
// add task over the conv's tensor would.
void ConvOutputInt8(const isa::Task& task, const ConvRowsInt8& sums, const uint8_t* dpu_table, const uint8_t* lut,
                    const uint8_t* operand, const OutputTile& out);
void ConvOutputFp16(const isa::Task& task, const float* acc, const uint8_t* dpu_table, const OutputTile& out);

// A cube a DMA fetched for a task of Rockchip's program (Task::regcmd): C1 blocks of `rows`
// rows, each row `line` bytes, pixels `pixel` bytes apart, elements of `elem_bytes`, as they lie
// in DDR.
struct RegcmdTile {
  const uint8_t* data = nullptr;
  uint32_t rows = 0;
  uint64_t line = 0, pixel = 0;
  uint32_t c2 = 0;
  uint32_t elem_bytes = 1;
  uint64_t block() const { return uint64_t{rows} * line; }
  uint64_t Offset(uint32_t c, uint32_t y, uint32_t x) const {
    return (c / c2) * block() + uint64_t{y} * line + uint64_t{x} * pixel + uint64_t{c % c2} * elem_bytes;
  }
};

// CORE for a conv task of Rockchip's program: acc laid out [out_rows][width][task.kernels], and
// each output pixel's window sum of inputs (padding taps count the pad value; per kernel for
// depthwise), through which the DPU applies the per-kernel weight offset.
void RegcmdConvAccumulate(const isa::Task& task, const RegcmdTile& in, const uint8_t* weights, int32_t* acc,
                          int32_t* window_sums);
// The same for a float16 task (RegcmdTask::fp16): each output the float32 sum of its window's
// products in the order (ky, kx, c), acc laid out [out_rows][width][task.kernels].
void RegcmdConvAccumulateFp16(const isa::Task& task, const RegcmdTile& in, const uint8_t* weights, float* acc);

// The DPU's per-channel operands of such a task: from the BS stream `blob` (nullptr when the
// task reads none) or the registers.
struct RegcmdOperands {
  std::vector<int64_t> alu, mul, ow;
};
RegcmdOperands ReadRegcmdOperands(const isa::Task& task, const uint8_t* blob);
// BS, BN, EW (`ew_operand` when task.regcmd.ew) and the output converter on one value of channel k.
int8_t RegcmdDpuPipeline(const isa::RegcmdTask& r, const RegcmdOperands& ops, uint32_t k, int64_t v,
                         const int8_t* ew_operand);

// DPU element-wise add over whole surfaces (same layout for a, b and out).
void EltwiseAdd(const isa::Task& task, const uint8_t* a, const uint8_t* b, uint8_t* out, uint64_t bytes);

// DPU copy (Concat slices): int8 values are requantized with the task's scale/shift and zero
// points, fp16 values copied.
void RescaleCopy(const isa::Task& task, const uint8_t* in, uint8_t* out, uint64_t bytes);

// DPU int8 <-> fp16 conversion (hybrid models): input and output surfaces of one tensor in the
// two types; direction from the surface types, the int8 side's scale in convert_scale.
void ConvertSurface(const isa::Task& task, const uint8_t* in, uint8_t* out);
// DPU element-wise multiply: out = x · s over whole surfaces, s read per channel (input2 is
// C × 1 × 1) or per element (input2 has the output's shape). int8 requantizes with the task's
// scale/shift and zero points.
void EltwiseMul(const isa::Task& task, const uint8_t* x, const uint8_t* s, uint8_t* out);

// DPU data movement: nearest upsample, out(c, y, x) = in(c, y / stride_h, x / stride_w) over
// whole surfaces (the task's stride fields are the integer factors).
void UpsampleNearest(const isa::Task& task, const uint8_t* in, uint8_t* out);

// DPU data movement for deconvolution (docs/quantization.md §21): out(c, y·stride_h, x·stride_w) =
// in(c, y, x); every other element is the fill value (int8: input_zp, fp16: +0).
void ZeroInsert(const isa::Task& task, const uint8_t* in, uint8_t* out);

// PPU: max pooling and global average pooling over whole surfaces.
void MaxPool(const isa::Task& task, const uint8_t* in, uint8_t* out);
void GlobalAvgPool(const isa::Task& task, const uint8_t* in, uint8_t* out);
// PPU: average pooling whose every window divides by kernel_h × kernel_w (padding taps add 0).
void AvgPool(const isa::Task& task, const uint8_t* in, uint8_t* out);

}  // namespace rknnsim::sim
