// CORE: the MAC array. int8 tasks: the tile and the task's kernel groups are unpacked from the
// CBUF layouts into plain NHWC/OHWI (a tile of one whole C1 surface is NHWC already and is read in
// place), and the exact integer sums run on common/host_conv (integer
// sums do not depend on their order). fp16 tasks: each output pixel accumulates its taps in
// (ky, kx, ci) order (the order decides fp32 rounding), with the lanes of a SIMD vector holding
// neighbouring kernels of a weight group, just as one row of the MAC array broadcasts an input
// element across kernels. Padding taps are skipped (they hold the zero point, contributing 0).
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "common/fp16.h"
#include "common/host_conv.h"
#include "sim/kernels/npu_kernels.h"

// Highway dynamic dispatch: this file is compiled once per SIMD target the CPU may have, and the
// best one is picked at run time (the build's static target is the scalar fallback).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "sim/kernels/conv_kernel.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

// Target-independent helpers, compiled once.
#ifndef RKNNSIM_SIM_KERNELS_CONV_KERNEL_SHARED_
#define RKNNSIM_SIM_KERNELS_CONV_KERNEL_SHARED_
namespace rknnsim::sim::conv_detail {

struct TapWalker {
  const isa::Task& t;
  const FeatureTile& in;
  uint32_t c1_in, c2_in, cin_aligned, in_w;
  uint32_t out_w;
  size_t surface;  // elements from one C1 surface to the next

  explicit TapWalker(const isa::Task& task, const FeatureTile& tile)
      : t(task), in(tile), c1_in(task.input.c1()), c2_in(task.input.c2), cin_aligned(c1_in * c2_in),
        in_w(task.input.width), out_w(task.output.width),
        surface(tile.surface_bytes / isa::ElemBytes(task.input.type)) {}

  // Calls fn(element_offset_in_tile, weight_offset_of_tap_in_group) for every in-bounds tap of
  // output pixel (oy, ox), in (ky, kx, ci) order; weight offsets are in elements of one group.
  template <typename Fn>
  void ForTaps(uint32_t oy, uint32_t ox, Fn fn) const {
    const uint32_t atom = t.weight_kernel_atom;
    for (uint32_t ky = 0; ky < t.kernel_h; ++ky) {
      const int64_t iy = int64_t{oy} * t.stride_h - t.pad_top + int64_t{ky} * t.dilation_h;
      if (iy < 0 || iy >= t.input.height) continue;
      const uint32_t row = static_cast<uint32_t>(iy) - in.first_row;
      for (uint32_t kx = 0; kx < t.kernel_w; ++kx) {
        const int64_t ix = int64_t{ox} * t.stride_w - t.pad_left + int64_t{kx} * t.dilation_w;
        if (ix < 0 || ix >= in_w) continue;
        const size_t tap = (size_t{ky} * t.kernel_w + kx) * cin_aligned;
        for (uint32_t ci = 0; ci < t.input.channels; ++ci) {
          const size_t x = ci / c2_in * surface + (size_t{row} * in_w + static_cast<size_t>(ix)) * c2_in + ci % c2_in;
          fn(x, (tap + ci) * atom);
        }
      }
    }
  }
};

inline size_t GroupElements(const isa::Task& t) { return isa::WeightGroupBytes(t) / isa::ElemBytes(t.input.type); }

// Depthwise: kernel k reads only input channel kernel_begin + k; taps in (ky, kx) order. The
// weights of a group are (ky, kx, kernel). `Tap(acc_index, x_index, w_index)` accumulates.
template <typename Tap>
void DepthwiseTaps(const isa::Task& t, const FeatureTile& in, Tap tap) {
  const uint32_t atom = t.weight_kernel_atom, c2 = t.input.c2, w_in = t.input.width;
  const size_t group_elems = GroupElements(t), surface = in.surface_bytes / isa::ElemBytes(t.input.type);
  for (uint32_t oy = 0; oy < t.out_rows; ++oy)
    for (uint32_t ox = 0; ox < t.output.width; ++ox)
      for (uint32_t k = 0; k < t.kernels; ++k) {
        const uint32_t c = t.kernel_begin + k;
        const size_t acc_index = (size_t{oy} * t.output.width + ox) * t.kernels + k;
        for (uint32_t ky = 0; ky < t.kernel_h; ++ky) {
          const int64_t iy = int64_t{oy + t.out_row_begin} * t.stride_h - t.pad_top + int64_t{ky} * t.dilation_h;
          if (iy < 0 || iy >= t.input.height) continue;
          const size_t row = static_cast<size_t>(iy) - in.first_row;
          for (uint32_t kx = 0; kx < t.kernel_w; ++kx) {
            const int64_t ix = int64_t{ox} * t.stride_w - t.pad_left + int64_t{kx} * t.dilation_w;
            if (ix < 0 || ix >= w_in) continue;
            const size_t x = (c / c2 - in.first_c1) * surface + (row * w_in + static_cast<size_t>(ix)) * c2 + c % c2;
            const size_t w = (k / atom) * group_elems + (size_t{ky} * t.kernel_w + kx) * atom + k % atom;
            tap(acc_index, x, w);
          }
        }
      }
}

}  // namespace rknnsim::sim::conv_detail
#endif  // RKNNSIM_SIM_KERNELS_CONV_KERNEL_SHARED_

HWY_BEFORE_NAMESPACE();
namespace rknnsim::sim {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using conv_detail::GroupElements;
using conv_detail::TapWalker;

// Direct fp16 convolution: SIMD lanes hold neighbouring kernels of a weight group.
void DirectFp16(const isa::Task& t, const FeatureTile& in, const uint8_t* weights, float* acc) {
  const TapWalker walk(t, in);
  const auto* x = reinterpret_cast<const uint16_t*>(in.data);
  const auto* w = reinterpret_cast<const uint16_t*>(weights);
  const uint32_t atom = t.weight_kernel_atom;
  const size_t group_elems = GroupElements(t);
  // Widen the weights of the task once; fp16 x fp16 products are exact in fp32, so a multiply
  // then an add per tap gives the same bits as the reference's scalar loop.
  std::vector<float> wf(size_t{(t.kernels + atom - 1) / atom} * group_elems);
  for (size_t i = 0; i < wf.size(); ++i) wf[i] = HalfBitsToFloat(w[i]);
  const hn::CappedTag<float, 8> df;
  const size_t lanes = hn::Lanes(df);
  std::vector<float> lane_acc(atom);
  for (uint32_t oy = 0; oy < t.out_rows; ++oy)
    for (uint32_t ox = 0; ox < t.output.width; ++ox) {
      float* pixel = acc + (size_t{oy} * t.output.width + ox) * t.kernels;
      for (uint32_t g = 0; g < t.kernels; g += atom) {
        const float* group = wf.data() + (g / atom) * group_elems;
        std::fill(lane_acc.begin(), lane_acc.end(), 0.0f);
        walk.ForTaps(oy + t.out_row_begin, ox, [&](size_t xi, size_t wi) {
          const auto xv = hn::Set(df, HalfBitsToFloat(x[xi]));
          size_t k = 0;
          for (; k + lanes <= atom; k += lanes) {
            const auto sum = hn::Add(hn::LoadU(df, lane_acc.data() + k), hn::Mul(xv, hn::LoadU(df, group + wi + k)));
            hn::StoreU(sum, df, lane_acc.data() + k);
          }
          for (; k < atom; ++k) lane_acc[k] = lane_acc[k] + HalfBitsToFloat(x[xi]) * group[wi + k];
        });
        std::memcpy(pixel + g, lane_acc.data(), sizeof(float) * std::min(atom, t.kernels - g));
      }
    }
}

}  // namespace HWY_NAMESPACE
}  // namespace rknnsim::sim
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace rknnsim::sim {

HWY_EXPORT(DirectFp16);

InputSurfaces ConvInputSurfaces(const isa::Task& t) {
  const uint32_t c2 = t.input.c2;
  if (t.conv_mode != isa::ConvMode::kDepthwise) return {0, t.input.c1()};
  const uint32_t first = t.kernel_begin / c2;
  return {first, (t.kernel_begin + t.kernels + c2 - 1) / c2 - first};
}

namespace {

// Copies `pixels` runs of `run` bytes from a surface (stride c2) into NHWC rows (stride channels).
// Whole atoms of 8, 16 or 32 bytes (the usual case) copy with a size known at compile time.
template <size_t kRun>
void CopyRuns(const int8_t* surface, size_t c2, int8_t* x, size_t channels, size_t pixels) {
  for (size_t p = 0; p < pixels; ++p) std::memcpy(x + p * channels, surface + p * c2, kRun);
}

// The task's input tile as NHWC: its input channels, or its kernels' channels when depthwise.
void UnpackTile(const isa::Task& t, const FeatureTile& in, uint32_t first_channel, uint32_t channels, int8_t* x) {
  const uint32_t c2 = t.input.c2;
  const size_t pixels = size_t{in.rows} * t.input.width;
  const auto* tile = reinterpret_cast<const int8_t*>(in.data);
  for (uint32_t c = 0; c < channels;) {
    const uint32_t tc = first_channel + c, lane = tc % c2, run = std::min(c2 - lane, channels - c);
    const int8_t* surface = tile + size_t{tc / c2} * in.surface_bytes + lane;
    if (run == 8)
      CopyRuns<8>(surface, c2, x + c, channels, pixels);
    else if (run == 16)
      CopyRuns<16>(surface, c2, x + c, channels, pixels);
    else if (run == 32)
      CopyRuns<32>(surface, c2, x + c, channels, pixels);
    else
      for (size_t p = 0; p < pixels; ++p) std::memcpy(x + p * channels + c, surface + p * c2, run);
    c += run;
  }
}

// The task's kernel groups (the CBUF's weight layout) as OHWI.
void UnpackWeights(const isa::Task& t, const uint8_t* weights, int8_t* ohwi) {
  const bool depthwise = t.conv_mode == isa::ConvMode::kDepthwise;
  const uint32_t atom = t.weight_kernel_atom, cin_aligned = t.input.c1() * t.input.c2;
  const uint32_t per_kernel = depthwise ? 1 : t.input.channels, tap_stride = depthwise ? 1 : cin_aligned;
  const size_t group_elems = conv_detail::GroupElements(t), taps = size_t{t.kernel_h} * t.kernel_w;
  const auto* groups = reinterpret_cast<const int8_t*>(weights);
  for (uint32_t k = 0; k < t.kernels; ++k) {
    const int8_t* group = groups + size_t{k / atom} * group_elems + k % atom;
    for (size_t tap = 0; tap < taps; ++tap)
      for (uint32_t ci = 0; ci < per_kernel; ++ci)
        ohwi[(k * taps + tap) * per_kernel + ci] = group[(tap * tap_stride + ci) * atom];
  }
}

}  // namespace

ConvRowsInt8::ConvRowsInt8(const isa::Task& t, const FeatureTile& in, const uint8_t* weights, StoredEpoch since,
                           std::vector<int8_t>& nhwc)
    : task_(t), x_(nullptr) {
  if (in.rows == 0) return;  // every row of every window is padding
  const bool depthwise = t.conv_mode == isa::ConvMode::kDepthwise;
  ConvShape s;
  s.channels = depthwise ? t.kernels : t.input.channels, s.height = in.rows, s.width = t.input.width;
  s.kernels = t.kernels, s.groups = depthwise ? t.kernels : 1;
  s.kernel_h = t.kernel_h, s.kernel_w = t.kernel_w, s.stride_h = t.stride_h, s.stride_w = t.stride_w;
  s.dilation_h = t.dilation_h, s.dilation_w = t.dilation_w;
  // Row 0 of the tile is input row first_row; the task's first output row reads from
  // out_row_begin * stride - pad_top on.
  s.pad_top = int64_t{t.pad_top} + in.first_row - int64_t{t.out_row_begin} * t.stride_h;
  s.pad_left = t.pad_left;
  s.out_h = t.out_rows, s.out_w = t.output.width;

  const uint32_t first_channel = depthwise ? t.kernel_begin - in.first_c1 * t.input.c2 : 0;
  if (s.channels == t.input.c2 && first_channel % t.input.c2 == 0) {
    // The task reads one whole C1 surface: its atoms are already NHWC rows (a depthwise task of
    // C2 kernels, or C2 input channels), and the sums read the tile in place.
    x_ = reinterpret_cast<const int8_t*>(in.data) + size_t{first_channel / t.input.c2} * in.surface_bytes;
  } else {
    nhwc.resize(std::max(nhwc.size(), size_t(s.height * s.width * s.channels)));  // growing only: no zero-fill per task
    UnpackTile(t, in, first_channel, uint32_t(s.channels), nhwc.data());
    x_ = nhwc.data();
  }
  const uint32_t atom = t.weight_kernel_atom;
  ConvWeights w;
  w.layout = "CBUF atom=" + std::to_string(atom) + " cin_aligned=" + std::to_string(t.input.c1() * t.input.c2);
  w.stored = weights;
  w.stored_bytes = size_t{(t.kernels + atom - 1) / atom} * isa::WeightGroupBytes(t);
  w.since = since;
  w.unpack = [&t, weights](void* ohwi) { UnpackWeights(t, weights, static_cast<int8_t*>(ohwi)); };
  conv_ = std::make_unique<Int8RowConv>(s, t.input_zp, std::move(w));
}

void ConvRowsInt8::Rows(uint32_t first, uint32_t count, int32_t* acc) const {
  if (conv_)
    conv_->Rows(x_, first, count, acc);
  else
    std::fill(acc, acc + size_t{count} * task_.output.width * task_.kernels, 0);
}

void ConvAccumulateFp16(const isa::Task& t, const FeatureTile& in, const uint8_t* weights, float* acc) {
  if (t.conv_mode == isa::ConvMode::kDepthwise) {
    const auto* x = reinterpret_cast<const uint16_t*>(in.data);
    const auto* w = reinterpret_cast<const uint16_t*>(weights);
    std::fill(acc, acc + size_t{t.out_rows} * t.output.width * t.kernels, 0.0f);
    conv_detail::DepthwiseTaps(t, in, [&](size_t a, size_t xi, size_t wi) {
      acc[a] = acc[a] + HalfBitsToFloat(x[xi]) * HalfBitsToFloat(w[wi]);
    });
    return;
  }
  HWY_DYNAMIC_DISPATCH(DirectFp16)(t, in, weights, acc);
}

}  // namespace rknnsim::sim
#endif  // HWY_ONCE
