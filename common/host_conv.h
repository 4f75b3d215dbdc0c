// Convolutions on the host CPU, on oneDNN (both cores, OpenMP), for the executors that model a
// convolution rather than time it:
// - int8: the exact integer core, for every output pixel and kernel the sum over the window's taps
//   of (x - zero point) * w in int32; padding taps hold the zero point and contribute nothing.
//   Integer sums do not depend on their order, so any correct implementation gives the same bits:
//   the int8 reference executor and the platform's MAC array share this one. Each caller keeps its
//   own layouts, tiling and requantization: those are what the bit-exact tests compare.
// - float32: the float reference executor's convolution (oneDNN's summation order; the float
//   reference is held to PyTorch within a tolerance, not to bits).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/stored_epoch.h"

namespace rknnsim {

struct ConvShape {
  int64_t channels = 0, height = 0, width = 0;  // input, NHWC (one image)
  int64_t kernels = 0, groups = 1;             // output channels; groups = channels is depthwise
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;      // 1 = dense window
  int64_t pad_top = 0, pad_left = 0;           // taps above/left of the input (bottom/right follow from out_*)
  int64_t out_h = 0, out_w = 0;
};

// A convolution's weights as the caller stores them. oneDNN wants them in its own blocked layout,
// and rearranging them costs more than the convolution itself, so the rearranged weights are kept
// (up to a bounded total) and found again by their stored bytes and the name of their layout:
// the same bytes in the same layout are the same weights. Comparing the bytes costs a pass over
// them per call, which `since` spares when it vouches for them.
struct ConvWeights {
  std::string layout;  // names the stored form completely, e.g. "OHWI" or "CBUF atom=32 cin=64"
  const void* stored = nullptr;
  size_t stored_bytes = 0;
  // Writes the weights as [kernels][kernel_h][kernel_w][channels / groups] elements (int8 or
  // float), the kernels of one group consecutive. Called only when the stored bytes are new.
  std::function<void(void* ohwi)> unpack;
  StoredEpoch since;
};

// Int32 sums a caller takes from Int8RowConv at a time (256 KiB: they stay in a core's L2 until
// converted).
constexpr size_t kRowBlockSums = size_t{1} << 16;

// The fewest output rows of a convolution worth a chunk of their own on another thread
// (ParallelChunks). A chunk's work is its sums' multiply-adds plus their conversion, which costs
// about kSumCostInMacs multiply-adds per sum; waking a thread pays off from kMinChunkWork on.
// Counting sums alone split a depthwise layer (9 multiply-adds a sum) as eagerly as a 3x3x256 one
// (2,304): on mobilenet_v2 the platform ran slower on two threads than on one.
constexpr size_t kSumCostInMacs = 64;
constexpr size_t kMinChunkWork = size_t{1} << 24;  // 16.8 M: about 0.2 ms of one core
inline size_t MinChunkRows(size_t sums_per_row, size_t macs_per_sum) {
  const size_t row_work = sums_per_row * (macs_per_sum + kSumCostInMacs);
  return kMinChunkWork / std::max<size_t>(row_work, 1) + 1;
}

// An int8 convolution whose output rows are computed in blocks, so that a caller can convert each
// block while its int32 sums are still in cache (a whole layer's sums are 4 bytes per output and
// rarely fit). The weights are prepared once per object; Rows may run on several threads at once.
class Int8RowConv {
 public:
  // Throws std::logic_error when the shape is inconsistent (a caller's bug: callers validate
  // shapes first). `weights` and what its unpack refers to must outlive the object.
  Int8RowConv(const ConvShape& shape, int32_t x_zero_point, ConvWeights weights);
  ~Int8RowConv();
  Int8RowConv(const Int8RowConv&) = delete;
  Int8RowConv& operator=(const Int8RowConv&) = delete;

  // x: the whole input, [height][width][channels]; acc: output rows [first, first + count) as
  // [count][out_w][kernels].
  void Rows(const int8_t* x, int64_t first, int64_t count, int32_t* acc) const;
  const ConvShape& shape() const { return shape_; }

 private:
  struct Cache;
  ConvShape shape_;
  int32_t zero_point_;
  ConvWeights weights_;
  std::unique_ptr<Cache> cache_;
};

// x: [height][width][channels]; acc: [out_h][out_w][kernels], in one block.
void Int8ConvAccumulate(const ConvShape& shape, const int8_t* x, int32_t x_zero_point, const ConvWeights& w,
                        int32_t* acc);
// The same, with the weights already in OHWI order.
void Int8ConvAccumulate(const ConvShape& shape, const int8_t* x, int32_t x_zero_point, const int8_t* w,
                        int32_t* acc);

// The same sum by a plain loop over the taps: what runs where oneDNN's kernels could not be exact
// (a CPU without VNNI, where oneDNN narrows int8 products to saturating 16-bit pairs), and what
// the tests hold the fast path to.
void Int8ConvAccumulateDirect(const ConvShape& shape, const int8_t* x, int32_t x_zero_point, const int8_t* w,
                              int32_t* acc);

// dst[c][r] = src[r][c] for a rows x cols matrix (both dense): NCHW <-> NHWC of a feature map is
// one per image, and an element-by-element loop writes one side with a whole row's stride (a cache
// miss per element once the map outgrows L1). int8 on SIMD byte interleaves (transpose_bytes.h),
// float32 on oneDNN's JIT-compiled reorder.
void Transpose(const int8_t* src, size_t rows, size_t cols, int8_t* dst);
void Transpose(const float* src, size_t rows, size_t cols, float* dst);

// float32: y[out_h][out_w][kernels] = Σ x · w over the taps (padding is 0), no bias.
void FloatConv(const ConvShape& shape, const float* x, const ConvWeights& w, float* y);

}  // namespace rknnsim
