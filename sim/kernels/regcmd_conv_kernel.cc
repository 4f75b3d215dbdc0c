// CORE and DPU for the conv tasks of Rockchip's own program (isa/regcmd_conv.h, the integer
// specification in docs/rknn-format.md §8): native weight blocks, padding taps that hold the pad
// value, the weight offset applied through each pixel's window sum, and the DPU's BS, EW and
// output-converter stages. Independent of compiler/rknn/regcmd_reference.cc, which computes the
// same specification on its own.
#include <algorithm>
#include <cstring>

#include "sim/kernels/npu_kernels.h"

namespace rknnsim::sim {
namespace {

// Weights of the task as [ky][kx][c][k] int32, so the innermost loop runs over neighbouring
// kernels, as one row of the MAC array does. Kernels past the native blocks weigh 0.
std::vector<int32_t> KernelMajorWeights(const isa::Task& t, const uint8_t* blocks) {
  const isa::RegcmdConv& r = t.regcmd;
  const uint32_t channels = t.input.channels, kernels = t.kernels;
  std::vector<int32_t> w(size_t{t.kernel_h} * t.kernel_w * channels * kernels, 0);
  const uint32_t stored = std::min(kernels, r.weight_o1 * r.weight_ob);
  for (uint32_t k = 0; k < stored; ++k)
    for (uint32_t c = 0; c < channels; ++c)
      for (uint32_t ky = 0; ky < t.kernel_h; ++ky)
        for (uint32_t kx = 0; kx < t.kernel_w; ++kx) {
          const size_t native =
              ((((size_t{k / r.weight_ob} * r.weight_i1 + c / r.weight_ib) * t.kernel_h + ky) * t.kernel_w + kx) *
                   r.weight_ob + k % r.weight_ob) * r.weight_ib + c % r.weight_ib;
          w[((size_t{ky} * t.kernel_w + kx) * channels + c) * kernels + k] = static_cast<int8_t>(blocks[native]);
        }
  return w;
}

int64_t RoundShift(int64_t v, uint32_t shift) {
  return shift == 0 ? v : (v + (int64_t{1} << (shift - 1))) >> shift;
}

}  // namespace

void RegcmdConvAccumulate(const isa::Task& t, const FeatureTile& in, const uint8_t* weights, int32_t* acc,
                          int32_t* window_sums) {
  const std::vector<int32_t> w = KernelMajorWeights(t, weights);
  const uint32_t channels = t.input.channels, kernels = t.kernels, c2 = t.input.c2, in_w = t.input.width;
  const int32_t pad = t.regcmd.pad_value;
  std::vector<int32_t> x(channels);
  for (uint32_t oy = 0; oy < t.out_rows; ++oy)
    for (uint32_t ox = 0; ox < t.output.width; ++ox) {
      int32_t* a = acc + (size_t{oy} * t.output.width + ox) * kernels;
      std::fill(a, a + kernels, 0);
      int32_t sum = 0;
      for (uint32_t ky = 0; ky < t.kernel_h; ++ky) {
        const int64_t iy = int64_t{oy + t.out_row_begin} * t.stride_h - t.pad_top + ky;
        for (uint32_t kx = 0; kx < t.kernel_w; ++kx) {
          const int64_t ix = int64_t{ox} * t.stride_w - t.pad_left + kx;
          const bool inside = iy >= 0 && iy < t.input.height && ix >= 0 && ix < in_w;
          for (uint32_t c = 0; c < channels; ++c) {
            x[c] = inside ? static_cast<int8_t>(
                                in.data[((size_t{c / c2} * in.rows + static_cast<size_t>(iy - in.first_row)) * in_w +
                                         static_cast<size_t>(ix)) * c2 + c % c2])
                          : pad;
            sum += x[c];
          }
          const int32_t* wt = w.data() + (size_t{ky} * t.kernel_w + kx) * channels * kernels;
          for (uint32_t c = 0; c < channels; ++c) {
            const int32_t xv = x[c];
            const int32_t* wk = wt + size_t{c} * kernels;
            for (uint32_t k = 0; k < kernels; ++k) a[k] += xv * wk[k];
          }
        }
      }
      window_sums[size_t{oy} * t.output.width + ox] = sum;
    }
}

void RegcmdConvOutput(const isa::Task& t, const int32_t* acc, const int32_t* window_sums, const uint8_t* bs_blob,
                      const uint8_t* addend, uint8_t* out) {
  const isa::RegcmdConv& r = t.regcmd;
  const uint32_t kernels = t.kernels, c2 = t.output.c2, width = t.output.width;
  // Per-kernel operands from the BS blob: groups of bs_group records (int32 bias, int16 weight
  // offset, uint16 multiplier), each field of a group stored contiguously.
  std::vector<int64_t> bias(kernels, 0), offset(kernels, r.ow_value), mul(kernels, 1);
  if (bs_blob)
    for (uint32_t k = 0; k < kernels; ++k) {
      const size_t group = (k / r.bs_group) * r.bs_group * 8, lane = k % r.bs_group;
      int32_t b;
      int16_t o;
      uint16_t m;
      std::memcpy(&b, bs_blob + group + lane * 4, 4);
      std::memcpy(&o, bs_blob + group + r.bs_group * 4 + lane * 2, 2);
      std::memcpy(&m, bs_blob + group + r.bs_group * 6 + lane * 2, 2);
      bias[k] = b, mul[k] = m;
      if (r.ow_from_blob) offset[k] = o;
    }
  const uint64_t line = uint64_t{width} * c2, surface = uint64_t{t.out_rows} * line;
  for (uint32_t y = 0; y < t.out_rows; ++y)
    for (uint32_t x = 0; x < width; ++x) {
      const size_t pixel = size_t{y} * width + x;
      for (uint32_t k = 0; k < kernels; ++k) {
        const size_t at = (k / c2) * surface + y * line + uint64_t{x} * c2 + k % c2;
        int64_t v = int64_t{acc[pixel * kernels + k]} + offset[k] * window_sums[pixel];
        if (r.bs_alu) v += bias[k];
        if (r.bs_mul) v = RoundShift(v * mul[k], r.bs_mul_shift);
        if (r.bs_relu) v = std::max<int64_t>(v, 0);
        if (r.ew) {
          v += RoundShift((int64_t{static_cast<int8_t>(addend[at])} + r.ew_offset) * r.ew_scale, r.ew_shift);
          if (r.ew_relu) v = std::max<int64_t>(v, 0);
        }
        const int64_t q = RoundShift(v * r.out_scale, r.out_shift) + r.out_offset;
        out[at] = static_cast<uint8_t>(static_cast<int8_t>(std::clamp<int64_t>(q, -128, 127)));
      }
    }
}

}  // namespace rknnsim::sim
