// CORE and DPU for the tasks of Rockchip's own program (isa/regcmd_task.h, the integer
// specification in docs/rknn-format.md §8): native weight blocks, padding taps that hold the pad
// value, the weight offset applied through each pixel's window sum, and the DPU's BS, BN, EW and
// output-converter stages. Independent of compiler/rknn/regcmd_reference.cc, which computes the
// same specification on its own.
#include <algorithm>
#include <cstring>

#include "common/fp16.h"
#include "sim/kernels/npu_kernels.h"

namespace rknnsim::sim {
namespace {

// v / 2^shift rounded to nearest, ties to even (docs/rknn-format.md §8).
int64_t RoundShift(int64_t v, uint32_t shift) {
  if (shift == 0) return v;
  const int64_t unit = int64_t{1} << shift, floor = v >> shift, rest = v - floor * unit, half = unit / 2;
  return floor + (rest > half || (rest == half && (floor & 1)));
}

// A depthwise weight: its code, minus the zero point whose 8-bit negation RV110x pairs store
// beside it (so 0x80 stands for zero point -128, an offset of +128).
int32_t DepthwiseWeight(const isa::RegcmdTask& r, const uint8_t* weights, uint64_t index) {
  if (!r.weight_pairs) return static_cast<int8_t>(weights[index]);
  const int8_t zero_point = static_cast<int8_t>(static_cast<uint8_t>(-weights[2 * index + 1]));
  return int32_t{static_cast<int8_t>(weights[2 * index])} - zero_point;
}

}  // namespace

void RegcmdConvAccumulate(const isa::Task& t, const RegcmdTile& in, const uint8_t* weights, int32_t* acc,
                          int32_t* window_sums) {
  const isa::RegcmdTask& r = t.regcmd;
  const uint32_t channels = t.input.channels, kernels = t.kernels, rows = t.input.height, width = t.input.width;
  const uint32_t stored = std::min(kernels, r.weight_kernels);
  // Weights as [ky][kx][c][k] int32 (direct) so the innermost loop runs over neighbouring
  // kernels, as one row of the MAC array does; depthwise as [ky][kx][k].
  const size_t taps = size_t{t.kernel_h} * t.kernel_w;
  std::vector<int32_t> w(taps * (r.depthwise ? 1 : channels) * kernels, 0);
  for (uint32_t ky = 0; ky < t.kernel_h; ++ky)
    for (uint32_t kx = 0; kx < t.kernel_w; ++kx)
      for (uint32_t k = 0; k < stored; ++k) {
        const size_t tap = size_t{ky} * t.kernel_w + kx;
        if (r.depthwise) {
          w[tap * kernels + k] = DepthwiseWeight(r, weights, r.WeightIndex(k, k, ky, kx, t.kernel_h, t.kernel_w));
          continue;
        }
        for (uint32_t c = 0; c < channels; ++c)
          w[(tap * channels + c) * kernels + k] =
              static_cast<int8_t>(weights[r.WeightIndex(k, c, ky, kx, t.kernel_h, t.kernel_w)]);
      }
  // CNA's input converter, as a table per channel of all 256 byte values (docs/rknn-format.md §8).
  std::vector<int32_t> converted;
  if (r.cvt) {
    converted.resize(size_t{channels} * 256);
    for (uint32_t c = 0; c < channels; ++c)
      for (int b = 0; b < 256; ++b) {
        const int64_t u = r.cvt_unsigned ? b : static_cast<int8_t>(b);
        const int64_t v = RoundShift(u * r.cvt_scale[c] + r.cvt_offset[c], r.cvt_truncate[c]);
        converted[size_t{c} * 256 + static_cast<size_t>(b)] = static_cast<int32_t>(std::clamp<int64_t>(v, -128, 127));
      }
  }
  auto x_at = [&](uint32_t c, int64_t y, int64_t x) -> int32_t {
    if (y < 0 || y >= rows || x < 0 || x >= width) return r.pad_value;
    const uint8_t byte = in.data[in.Offset(c, static_cast<uint32_t>(y), static_cast<uint32_t>(x))];
    return r.cvt ? converted[size_t{c} * 256 + byte] : static_cast<int8_t>(byte);
  };
  const uint32_t sums = r.depthwise ? kernels : 1;
  for (uint32_t oy = 0; oy < t.out_rows; ++oy)
    for (uint32_t ox = 0; ox < t.output.width; ++ox) {
      const size_t pixel = size_t{oy} * t.output.width + ox;
      int32_t* a = acc + pixel * kernels;
      int32_t* sum = window_sums + pixel * sums;
      std::fill(a, a + kernels, 0);
      std::fill(sum, sum + sums, 0);
      for (uint32_t ky = 0; ky < t.kernel_h; ++ky)
        for (uint32_t kx = 0; kx < t.kernel_w; ++kx) {
          const int64_t iy = int64_t{oy} * t.stride_h - t.pad_top + ky;
          const int64_t ix = int64_t{ox} * t.stride_w - t.pad_left + kx;
          const int32_t* wt = w.data() + (size_t{ky} * t.kernel_w + kx) * (r.depthwise ? 1 : channels) * kernels;
          if (r.depthwise) {
            for (uint32_t k = 0; k < kernels; ++k) {
              const int32_t xv = x_at(k, iy, ix);
              a[k] += xv * wt[k];
              sum[k] += xv;
            }
            continue;
          }
          for (uint32_t c = 0; c < channels; ++c) {
            const int32_t xv = x_at(c, iy, ix);
            sum[0] += xv;
            const int32_t* wk = wt + size_t{c} * kernels;
            for (uint32_t k = 0; k < kernels; ++k) a[k] += xv * wk[k];
          }
        }
    }
}

void RegcmdConvAccumulateFp16(const isa::Task& t, const RegcmdTile& in, const uint8_t* weights, float* acc) {
  const isa::RegcmdTask& r = t.regcmd;
  const uint32_t channels = t.input.channels, kernels = t.kernels;
  auto half = [](const uint8_t* p) { return HalfBitsToFloat(static_cast<uint16_t>(p[0] | p[1] << 8)); };
  // Weights as [ky][kx][c][k] floats; kernels past weight_kernels weigh 0.
  const size_t taps = size_t{t.kernel_h} * t.kernel_w;
  std::vector<float> w(taps * channels * kernels, 0.0f);
  for (uint32_t ky = 0; ky < t.kernel_h; ++ky)
    for (uint32_t kx = 0; kx < t.kernel_w; ++kx)
      for (uint32_t c = 0; c < channels; ++c)
        for (uint32_t k = 0; k < std::min(kernels, r.weight_kernels); ++k)
          w[((size_t{ky} * t.kernel_w + kx) * channels + c) * kernels + k] =
              half(weights + 2 * r.WeightIndex(k, c, ky, kx, t.kernel_h, t.kernel_w));
  const float pad = HalfBitsToFloat(static_cast<uint16_t>(r.pad_value));
  for (uint32_t oy = 0; oy < t.out_rows; ++oy)
    for (uint32_t ox = 0; ox < t.output.width; ++ox) {
      float* a = acc + (size_t{oy} * t.output.width + ox) * kernels;
      std::fill(a, a + kernels, 0.0f);
      for (uint32_t ky = 0; ky < t.kernel_h; ++ky)
        for (uint32_t kx = 0; kx < t.kernel_w; ++kx) {
          const int64_t iy = int64_t{oy} * t.stride_h - t.pad_top + ky;
          const int64_t ix = int64_t{ox} * t.stride_w - t.pad_left + kx;
          const bool inside = iy >= 0 && iy < t.input.height && ix >= 0 && ix < t.input.width;
          const float* wt = w.data() + (size_t{ky} * t.kernel_w + kx) * channels * kernels;
          for (uint32_t c = 0; c < channels; ++c) {
            const float xv =
                inside ? half(in.data + in.Offset(c, static_cast<uint32_t>(iy), static_cast<uint32_t>(ix))) : pad;
            for (uint32_t k = 0; k < kernels; ++k) a[k] += xv * wt[size_t{c} * kernels + k];
          }
        }
    }
}

RegcmdOperands ReadRegcmdOperands(const isa::Task& t, const uint8_t* blob) {
  const isa::RegcmdTask& r = t.regcmd;
  const uint32_t n = t.kernels;
  RegcmdOperands o;
  o.alu.assign(n, r.bs_alu_operand);
  o.mul.assign(n, r.bs_mul_operand);
  o.ow.assign(n, r.ow_value);
  if (!blob) return o;
  for (uint32_t k = 0; k < n; ++k) {
    if (r.bs_operands == isa::BsOperands::kBias) {
      int32_t b;
      std::memcpy(&b, blob + size_t{k} * 4, 4);
      o.alu[k] = b;
      continue;
    }
    // A group stores its biases, then (kGrouped) its weight offsets, then its multipliers.
    const bool offsets = r.bs_operands == isa::BsOperands::kGrouped;
    const size_t group = (k / r.bs_group) * r.bs_group * (offsets ? 8 : 6), lane = k % r.bs_group;
    int32_t b;
    int16_t ow;
    uint16_t m;
    std::memcpy(&b, blob + group + lane * 4, 4);
    std::memcpy(&m, blob + group + r.bs_group * (offsets ? 6 : 4) + lane * 2, 2);
    o.alu[k] = b;
    o.mul[k] = m;
    if (offsets && r.ow_from_blob) {
      std::memcpy(&ow, blob + group + r.bs_group * 4 + lane * 2, 2);
      o.ow[k] = ow;
    }
  }
  return o;
}

int8_t RegcmdDpuPipeline(const isa::RegcmdTask& r, const RegcmdOperands& ops, uint32_t k, int64_t v,
                         const int8_t* ew_operand) {
  if (r.bs_alu) v += ops.alu[k];
  if (r.bs_mul) v = RoundShift(v * ops.mul[k], r.bs_mul_shift);
  if (r.bs_relu) v = std::clamp(v, r.bs_relu_min, r.bs_relu_max);
  if (r.bn_alu) v += r.bn_alu_operand;
  if (r.bn_prelu) {
    v = v < 0 ? RoundShift(RoundShift(v, isa::RegcmdTask::kPreluShift) * r.bn_mul_operand, r.bn_prelu_neg_shift)
              : RoundShift(v, r.bn_mul_shift);
  } else if (r.bn_mul) {
    v = RoundShift(v * r.bn_mul_operand, r.bn_mul_shift);
  }
  if (r.bn_relu) v = std::clamp(v, r.bn_relu_min, r.bn_relu_max);
  if (r.ew) {
    v += RoundShift((int64_t{*ew_operand} + r.ew_offset) * r.ew_scale, r.ew_shift);
    if (r.ew_relu) v = std::clamp(v, r.ew_relu_min, r.ew_relu_max);
  }
  return static_cast<int8_t>(std::clamp<int64_t>(RoundShift(v * r.out_scale, r.out_shift) + r.out_offset, -128, 127));
}

}  // namespace rknnsim::sim
