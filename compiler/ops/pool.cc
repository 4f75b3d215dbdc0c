// MaxPool (opset 1-21, 2-D; its Indices output in the float reference), GlobalAveragePool (opset 1-21), and the float-only
// AveragePool (opset 7-21, 2-D) and GlobalMaxPool (opset 1-21, any rank >= 3). Pools accept
// auto_pad (resolved to explicit pads at parse time).
#include <algorithm>
#include <limits>

#include "common/fp16.h"
#include "compiler/ops/nn.h"
#include "compiler/ops/op_list.h"
#include "compiler/ops/op_util.h"
#include "compiler/quant/arithmetic.h"

namespace rknnsim::ops {
namespace {

void ParseMaxPool(const AttrReader& reader, const ir::Graph& g, ir::Node& node) {
  if (node.inputs.size() != 1) throw NodeError(node, "MaxPool takes one input");
  ParseWindow2d(reader, g, node, /*has_dilations=*/true);
  if (node.attrs.kernel.size() != 2) throw NodeError(node, "MaxPool needs a 2-D kernel_shape");
  if (node.outputs.size() > 2) throw NodeError(node, "MaxPool has at most two outputs (Y, Indices)");
  // attrs.ints = {storage_order}: how Indices count, row (0) or column (1) major within a plane.
  const int64_t storage_order = reader.Int("storage_order", 0);
  if (storage_order != 0 && storage_order != 1) throw NodeError(node, "MaxPool storage_order must be 0 or 1");
  node.attrs.ints = {storage_order};
}

std::vector<ir::Shape> InferMaxPool(const ir::Graph& g, const ir::Node& node) {
  Require4d(g, node, 0);
  const ir::Shape& x = InputShape(g, node, 0);
  const ir::Attributes& a = node.attrs;
  const int64_t ho = WindowOutput(x[2], a.kernel[0], a.strides[0], a.pads[0], a.pads[2], a.dilations[0], a.ceil_mode);
  const int64_t wo = WindowOutput(x[3], a.kernel[1], a.strides[1], a.pads[1], a.pads[3], a.dilations[1], a.ceil_mode);
  if (ho <= 0 || wo <= 0) throw NodeError(node, "pooling window larger than the padded input");
  const ir::Shape y = {x[0], x[1], ho, wo};
  if (node.outputs.size() == 2) return {y, y};  // Indices: the same shape
  return {y};
}

// Calls visit(at) for the in-bounds taps of output (oy, ox) of `plane`, in window order, `at` the
// tap's flat index into the input, until visit returns false.
template <typename Visit>
void ForEachTap(const ir::Shape& xs, const ir::Attributes& a, int64_t plane, int64_t oy, int64_t ox, Visit visit) {
  for (int64_t ky = 0; ky < a.kernel[0]; ++ky) {
    const int64_t iy = oy * a.strides[0] - a.pads[0] + ky * a.dilations[0];
    if (iy < 0 || iy >= xs[2]) continue;
    for (int64_t kx = 0; kx < a.kernel[1]; ++kx) {
      const int64_t ix = ox * a.strides[1] - a.pads[1] + kx * a.dilations[1];
      if (ix >= 0 && ix < xs[3] && !visit((plane * xs[2] + iy) * xs[3] + ix)) return;
    }
  }
}

// ONNX's Indices value of input element `at`: planes in order, within a plane row-major, or
// column-major with storage_order 1; -1 for a window of padding only (ceil_mode).
float OnnxIndex(int64_t at, const ir::Shape& xs, bool column_major) {
  if (at < 0) return -1.0f;
  const int64_t in_plane = at % (xs[2] * xs[3]), row = in_plane / xs[3], col = in_plane % xs[3];
  return static_cast<float>(at - in_plane + (column_major ? col * xs[2] + row : in_plane));
}

// Max over the in-bounds taps of each window; padding never wins (it is -infinity in ONNX). With
// `indices`, also ONNX's Indices output: the first tap holding the max (the first tap of a NaN
// window), found in a second pass so that the max itself stays a plain std::max loop.
template <typename T>
void MaxPoolPlanes(const ir::Graph& g, const ir::Node& node, const std::vector<T>& x, std::vector<T>& y,
                   std::vector<float>* indices = nullptr) {
  const ir::Shape& xs = InputShape(g, node, 0);
  const ir::Shape ys = InferMaxPool(g, node)[0];
  const ir::Attributes& a = node.attrs;
  y.resize(static_cast<size_t>(ir::NumElements(ys)));
  if (indices) indices->resize(y.size());
  const bool column_major = !a.ints.empty() && a.ints[0] == 1;
  for (int64_t plane = 0; plane < xs[0] * xs[1]; ++plane)
    for (int64_t oy = 0; oy < ys[2]; ++oy)
      for (int64_t ox = 0; ox < ys[3]; ++ox) {
        // -infinity for floats (ONNX pads with -inf), the lowest value for integers.
        T best = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                      : std::numeric_limits<T>::lowest();
        ForEachTap(xs, a, plane, oy, ox, [&](int64_t at) {
          best = std::max(best, x[at]);
          return true;
        });
        const int64_t out = (plane * ys[2] + oy) * ys[3] + ox;
        y[out] = best;
        if (!indices) continue;
        int64_t first = -1, where = -1;
        ForEachTap(xs, a, plane, oy, ox, [&](int64_t at) {
          if (first < 0) first = at;
          if (x[at] == best) where = at;
          return where < 0;
        });
        (*indices)[out] = OnnxIndex(where >= 0 ? where : first, xs, column_major);
      }
}

void MaxPoolFloat(FloatArgs& args) {
  MaxPoolPlanes(args.graph, args.node, *args.in[0], args.out, args.outputs.size() > 1 ? args.outputs[1] : nullptr);
}
void MaxPoolInt8(Int8Args& args) { MaxPoolPlanes(args.graph, args.node, *args.in[0], args.out); }

void ParseGlobal(const AttrReader&, const ir::Graph&, ir::Node& node) {
  if (node.inputs.size() != 1) throw NodeError(node, "GlobalAveragePool takes one input");
}

std::vector<ir::Shape> InferGlobal(const ir::Graph& g, const ir::Node& node) {
  Require4d(g, node, 0);
  const ir::Shape& x = InputShape(g, node, 0);
  return {{x[0], x[1], 1, 1}};
}

void GlobalFloat(FloatArgs& args) {
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const int64_t hw = x[2] * x[3];
  args.out.resize(static_cast<size_t>(x[0] * x[1]));
  for (int64_t p = 0; p < x[0] * x[1]; ++p) {
    double sum = 0.0;
    for (int64_t i = 0; i < hw; ++i) sum += (*args.in[0])[p * hw + i];
    args.out[p] = static_cast<float>(sum / static_cast<double>(hw));
  }
}

// int8: out = clamp(requant(sum(q - zp_in), s_in / (s_out * H * W)) + zp_out).
void GlobalInt8(Int8Args& args) {
  const ir::Tensor& xt = args.graph.tensor(args.node.inputs[0]);
  const ir::Tensor& yt = args.graph.tensor(args.node.outputs[0]);
  const int64_t hw = xt.shape[2] * xt.shape[3];
  const int32_t zx = xt.quant.zero_point[0], zy = yt.quant.zero_point[0];
  const quant::Requant rq = quant::MakeRequant(double(xt.quant.scale[0]) / (double(yt.quant.scale[0]) * hw));
  args.out.resize(static_cast<size_t>(xt.shape[0] * xt.shape[1]));
  for (int64_t p = 0; p < xt.shape[0] * xt.shape[1]; ++p) {
    int64_t sum = 0;
    for (int64_t i = 0; i < hw; ++i) sum += int64_t{(*args.in[0])[p * hw + i]} - zx;
    args.out[p] = quant::SaturateInt8(quant::ApplyRequant(sum, rq) + zy);
  }
}

// fp16: fp32 sum in row-major (y, x) order, divided by H*W in fp32, rounded to fp16.
void GlobalFp16(Fp16Args& args) {
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const int64_t hw = x[2] * x[3];
  args.out.resize(static_cast<size_t>(x[0] * x[1]));
  for (int64_t p = 0; p < x[0] * x[1]; ++p) {
    float sum = 0.0f;
    for (int64_t i = 0; i < hw; ++i) sum += (*args.in[0])[p * hw + i];
    args.out[p] = RoundToHalf(sum / static_cast<float>(hw));
  }
}

// AveragePool: the window is clipped to the input plus its pads (the divisor with
// count_include_pad=1, as ONNX Runtime and PyTorch do in ceil mode) and to the input alone with
// count_include_pad=0.
void ParseAveragePool(const AttrReader& reader, const ir::Graph& g, ir::Node& node) {
  if (node.inputs.size() != 1) throw NodeError(node, "AveragePool takes one input");
  if (reader.Has("dilations")) {
    for (int64_t d : reader.Ints("dilations"))
      if (d != 1) throw NodeError(node, "AveragePool with dilations is not supported");
  }
  ParseWindow2d(reader, g, node, /*has_dilations=*/false);
  if (node.attrs.kernel.size() != 2) throw NodeError(node, "AveragePool needs a 2-D kernel_shape");
  node.attrs.count_include_pad = reader.Int("count_include_pad", 0) != 0;
}

void AveragePoolFloat(FloatArgs& args) {
  const ir::Shape& xs = InputShape(args.graph, args.node, 0);
  const ir::Shape ys = InferMaxPool(args.graph, args.node)[0];  // same window rule, no dilation
  const ir::Attributes& a = args.node.attrs;
  const std::vector<float>& x = *args.in[0];
  args.out.resize(static_cast<size_t>(ir::NumElements(ys)));
  const int64_t h = xs[2], w = xs[3];
  for (int64_t plane = 0; plane < xs[0] * xs[1]; ++plane) {
    const float* src = x.data() + plane * h * w;
    float* dst = args.out.data() + plane * ys[2] * ys[3];
    for (int64_t oy = 0; oy < ys[2]; ++oy) {
      int64_t y0 = oy * a.strides[0] - a.pads[0];
      int64_t y1 = std::min(y0 + a.kernel[0], h + a.pads[2]);
      const int64_t rows_with_pad = std::max<int64_t>(0, y1 - y0);
      y0 = std::max<int64_t>(y0, 0), y1 = std::min(y1, h);
      for (int64_t ox = 0; ox < ys[3]; ++ox) {
        int64_t x0 = ox * a.strides[1] - a.pads[1];
        int64_t x1 = std::min(x0 + a.kernel[1], w + a.pads[3]);
        const int64_t cols_with_pad = std::max<int64_t>(0, x1 - x0);
        x0 = std::max<int64_t>(x0, 0), x1 = std::min(x1, w);
        float sum = 0.0f;
        for (int64_t iy = y0; iy < y1; ++iy)
          for (int64_t ix = x0; ix < x1; ++ix) sum += src[iy * w + ix];
        const int64_t count = a.count_include_pad ? rows_with_pad * cols_with_pad
                                                  : std::max<int64_t>(0, y1 - y0) * std::max<int64_t>(0, x1 - x0);
        dst[oy * ys[3] + ox] = count > 0 ? sum / static_cast<float>(count) : 0.0f;
      }
    }
  }
}

// Windows along one axis of `in` elements: true when every window's divisor is `k` (docs/
// quantization.md §10), by the same clipping AveragePoolFloat applies.
bool AxisWindowsUniform(int64_t in, int64_t out, int64_t k, int64_t stride, int64_t pad_begin, int64_t pad_end,
                        bool count_include_pad) {
  for (int64_t o = 0; o < out; ++o) {
    const int64_t start = o * stride - pad_begin;
    const int64_t with_pad = std::min(start + k, in + pad_end) - start;
    const int64_t inside = std::min(start + k, in) - std::max<int64_t>(start, 0);
    if ((count_include_pad ? with_pad : inside) != k) return false;
  }
  return true;
}

// int8 (PPU): sum of (q - z_in) over the in-bounds taps, requantized with s_in / (s_out * kh * kw).
void AveragePoolInt8(Int8Args& args) {
  if (!AveragePoolWindowsUniform(args.graph, args.node))
    throw NodeError(args.node, "AveragePool with windows of different sizes has no int8 kernel; it runs on the CPU",
                    "run AssignPlacement before the quantized reference");
  const ir::Tensor& xt = args.graph.tensor(args.node.inputs[0]);
  const ir::Tensor& yt = args.graph.tensor(args.node.outputs[0]);
  const ir::Shape& xs = xt.shape;
  const ir::Shape ys = InferMaxPool(args.graph, args.node)[0];
  const ir::Attributes& a = args.node.attrs;
  const int32_t zx = xt.quant.zero_point[0], zy = yt.quant.zero_point[0];
  const quant::Requant rq = quant::MakeRequant(
      double(xt.quant.scale[0]) / (double(yt.quant.scale[0]) * double(a.kernel[0] * a.kernel[1])));
  const std::vector<int8_t>& x = *args.in[0];
  args.out.resize(static_cast<size_t>(ir::NumElements(ys)));
  for (int64_t plane = 0; plane < xs[0] * xs[1]; ++plane)
    for (int64_t oy = 0; oy < ys[2]; ++oy)
      for (int64_t ox = 0; ox < ys[3]; ++ox) {
        int64_t sum = 0;
        for (int64_t ky = 0; ky < a.kernel[0]; ++ky) {
          const int64_t iy = oy * a.strides[0] - a.pads[0] + ky;
          if (iy < 0 || iy >= xs[2]) continue;
          for (int64_t kx = 0; kx < a.kernel[1]; ++kx) {
            const int64_t ix = ox * a.strides[1] - a.pads[1] + kx;
            if (ix < 0 || ix >= xs[3]) continue;
            sum += int64_t{x[static_cast<size_t>((plane * xs[2] + iy) * xs[3] + ix)]} - zx;
          }
        }
        args.out[static_cast<size_t>((plane * ys[2] + oy) * ys[3] + ox)] =
            quant::SaturateInt8(quant::ApplyRequant(sum, rq) + zy);
      }
}

// fp16 (PPU): the float kernel sums the in-bounds taps in (ky, kx) order in fp32 and divides by
// the window size; the result is rounded once.
void AveragePoolFp16(Fp16Args& args) {
  if (!AveragePoolWindowsUniform(args.graph, args.node))
    throw NodeError(args.node, "AveragePool with windows of different sizes has no fp16 kernel; it runs on the CPU",
                    "run AssignPlacement before the quantized reference");
  AveragePoolFloat(args);
  for (float& v : args.out) v = RoundToHalf(v);
}

void ParseGlobalMax(const AttrReader&, const ir::Graph&, ir::Node& node) {
  if (node.inputs.size() != 1) throw NodeError(node, "GlobalMaxPool takes one input");
}

// [N, C, d1, d2, ...] -> [N, C, 1, 1, ...]
std::vector<ir::Shape> InferGlobalMax(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  if (x.size() < 3) throw NodeError(node, "expects an input [N, C, spatial...], got " + ir::ShapeToString(x));
  ir::Shape y = x;
  for (size_t i = 2; i < y.size(); ++i) y[i] = 1;
  return {y};
}

void GlobalMaxFloat(FloatArgs& args) {
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const int64_t planes = x[0] * x[1], size = ir::NumElements(x) / std::max<int64_t>(planes, 1);
  const float* src = args.in[0]->data();
  args.out.resize(static_cast<size_t>(planes));
  for (int64_t p = 0; p < planes; ++p) {
    float best = -std::numeric_limits<float>::infinity();
    for (int64_t i = 0; i < size; ++i) best = std::max(best, src[p * size + i]);
    args.out[p] = best;
  }
}

}  // namespace

bool AveragePoolWindowsUniform(const ir::Graph& g, const ir::Node& node) {
  if (node.op != ir::OpKind::kAveragePool) return false;
  const ir::Shape& xs = InputShape(g, node, 0);
  if (xs.size() != 4) return false;
  const ir::Shape ys = InferMaxPool(g, node)[0];
  const ir::Attributes& a = node.attrs;
  return AxisWindowsUniform(xs[2], ys[2], a.kernel[0], a.strides[0], a.pads[0], a.pads[2], a.count_include_pad) &&
         AxisWindowsUniform(xs[3], ys[3], a.kernel[1], a.strides[1], a.pads[1], a.pads[3], a.count_include_pad);
}

// limits: 1-D (lifted to 1 x k at import) and 2-D, no dilations; ceil_mode keeps a last window starting in padding (PyTorch drops it);
// int8/fp16 (NPU) kernels only when every window has the divisor kh*kw, else CPU
const OpDef kAveragePoolOp{ir::OpKind::kAveragePool, "AveragePool", ParseAveragePool, InferMaxPool,
                           AveragePoolFloat, AveragePoolInt8, AveragePoolFp16, false};
const OpDef kGlobalMaxPoolOp{ir::OpKind::kGlobalMaxPool, "GlobalMaxPool", ParseGlobalMax, InferGlobalMax,
                             GlobalMaxFloat, nullptr, nullptr, false};

// limits: 1-D (lifted to 1 x k at import) and 2-D; the Indices output (exact to 2^24, either storage_order) in float models only; ceil_mode keeps a last window starting in padding
const OpDef kMaxPoolOp{ir::OpKind::kMaxPool, "MaxPool", ParseMaxPool, InferMaxPool, MaxPoolFloat, MaxPoolInt8,
                       MaxPoolFloat, true};
const OpDef kGlobalAveragePoolOp{ir::OpKind::kGlobalAveragePool, "GlobalAveragePool", ParseGlobal, InferGlobal,
                                 GlobalFloat, GlobalInt8, GlobalFp16, false};

}  // namespace rknnsim::ops
