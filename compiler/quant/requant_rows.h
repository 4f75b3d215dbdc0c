// The int8 reference's output conversion of a convolution or GEMM, over NHWC rows of int32 sums:
//   out[p][m] = clamp(R((acc[p][m] + bias[m]) · scale[m], shift[m]) + zero_point, lo, hi)
// with R the rounding shift of docs/quantization.md §6, computed in int64 as the document states
// it, on SIMD lanes (Highway). The SystemC DPU computes the same values its own way
// (sim/kernels/dpu_requant.h, in double precision); the bit-exact tests compare the two.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "compiler/quant/arithmetic.h"

namespace rknnsim::quant {

class RowRequantizer {
 public:
  // bias: one per channel, or empty; max_abs_acc bounds |acc| (taps · 255 · 128 for int8 inputs
  // and weights). Where |acc + bias| may pass int32 the lanes are not used, only the scalar loop.
  RowRequantizer(const std::vector<Requant>& rq, const int32_t* bias, int32_t zero_point, ClampRange range,
                 int64_t max_abs_acc);

  // acc: [pixels][channels]; out: [pixels][channels].
  void Run(const int32_t* acc, size_t pixels, int8_t* out) const;

 private:
  size_t channels_;
  std::vector<int64_t> bias_, scale_, half_, shift_;
  int64_t zero_point_, lo_, hi_;
  bool lanes_ = false;
};

}  // namespace rknnsim::quant
