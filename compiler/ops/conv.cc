// Conv (ONNX opset 1-21): 2-D convolution with groups, strides, dilations, explicit pads or auto_pad
// (SAME_UPPER/SAME_LOWER/VALID, resolved to explicit pads at parse time).

#include "common/fp16.h"
#include "common/host_conv.h"
#include "common/parallel.h"
#include "compiler/ops/op_list.h"
#include "compiler/ops/op_util.h"
#include "compiler/quant/arithmetic.h"
#include "compiler/quant/requant_rows.h"

namespace rknnsim::ops {
namespace {

struct ConvGeometry {
  int64_t n, c, h, w;      // input
  int64_t m, ho, wo;       // output channels and size
  int64_t kh, kw, sh, sw, dh, dw, pt, pl;
  int64_t group, cg, mg;   // groups, input and output channels per group
};

ConvGeometry Geometry(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  const ir::Shape& wt = InputShape(g, node, 1);
  const ir::Attributes& a = node.attrs;
  ConvGeometry k{};
  k.n = x[0], k.c = x[1], k.h = x[2], k.w = x[3];
  k.m = wt[0], k.kh = wt[2], k.kw = wt[3];
  k.sh = a.strides[0], k.sw = a.strides[1], k.dh = a.dilations[0], k.dw = a.dilations[1];
  k.pt = a.pads[0], k.pl = a.pads[1];
  k.group = a.group, k.cg = k.c / k.group, k.mg = k.m / k.group;
  k.ho = WindowOutput(k.h, k.kh, k.sh, a.pads[0], a.pads[2], k.dh, false);
  k.wo = WindowOutput(k.w, k.kw, k.sw, a.pads[1], a.pads[3], k.dw, false);
  return k;
}

void Parse(const AttrReader& reader, const ir::Graph& g, ir::Node& node) {
  if (node.inputs.size() < 2 || node.inputs.size() > 3 || node.inputs[0] < 0 || node.inputs[1] < 0)
    throw NodeError(node, "Conv takes 2 or 3 inputs");
  // Without kernel_shape the window is the weights' [kh, kw] (auto_pad needs it at parse time).
  const ir::Shape& wt = g.tensor(node.inputs[1]).shape;
  std::vector<int64_t> kernel;
  if (wt.size() == 4) kernel = {wt[2], wt[3]};
  ParseWindow2d(reader, g, node, /*has_dilations=*/true, kernel);
  node.attrs.group = reader.Int("group", 1);
  if (node.attrs.group <= 0) throw NodeError(node, "group must be positive");
}

std::vector<ir::Shape> Infer(const ir::Graph& g, const ir::Node& node) {
  Require4d(g, node, 0);
  const ir::Shape& x = InputShape(g, node, 0);
  const ir::Shape& wt = InputShape(g, node, 1);
  if (wt.size() != 4) throw NodeError(node, "weights must be 4-D, got " + ir::ShapeToString(wt));
  const ir::Attributes& a = node.attrs;
  if (!a.kernel.empty() && (a.kernel[0] != wt[2] || a.kernel[1] != wt[3]))
    throw NodeError(node, "kernel_shape disagrees with the weight shape");
  if (x[1] % a.group != 0 || wt[0] % a.group != 0 || wt[1] * a.group != x[1])
    throw NodeError(node, "channels " + std::to_string(x[1]) + " and weights " + ir::ShapeToString(wt) +
                              " do not match group=" + std::to_string(a.group));
  if (node.inputs.size() == 3 && InputShape(g, node, 2) != ir::Shape{wt[0]})
    throw NodeError(node, "bias shape must be (" + std::to_string(wt[0]) + ")");
  const ConvGeometry k = Geometry(g, node);
  if (k.ho <= 0 || k.wo <= 0) throw NodeError(node, "kernel larger than the padded input");
  return {{k.n, k.m, k.ho, k.wo}};
}

ConvShape HostShape(const ConvGeometry& k) {
  ConvShape s;
  s.channels = k.c, s.height = k.h, s.width = k.w, s.kernels = k.m, s.groups = k.group;
  s.kernel_h = k.kh, s.kernel_w = k.kw, s.stride_h = k.sh, s.stride_w = k.sw;
  s.dilation_h = k.dh, s.dilation_w = k.dw, s.pad_top = k.pt, s.pad_left = k.pl;
  s.out_h = k.ho, s.out_w = k.wo;
  return s;
}

template <typename T>
void OihwToOhwi(const T* w, const ConvGeometry& k, T* ohwi) {
  const int64_t taps = k.kh * k.kw;
  for (int64_t m = 0; m < k.m; ++m)
    for (int64_t ci = 0; ci < k.cg; ++ci)
      for (int64_t t = 0; t < taps; ++t) ohwi[(m * taps + t) * k.cg + ci] = w[(m * k.cg + ci) * taps + t];
}

// float32: the host convolution (common/host_conv) per image, then bias and activation.
void RunFloat(FloatArgs& args) {
  const ConvGeometry k = Geometry(args.graph, args.node);
  const std::vector<float>& x = *args.in[0];
  const std::vector<float>& w = *args.in[1];
  const std::vector<float>* b = args.in.size() > 2 ? args.in[2] : nullptr;
  const int64_t pixels = k.ho * k.wo, plane = k.h * k.w;
  const ConvWeights weights{"OIHW float32", w.data(), w.size() * sizeof(float),
                            [&](void* ohwi) { OihwToOhwi(w.data(), k, static_cast<float*>(ohwi)); }, {}};
  std::vector<float> nhwc(static_cast<size_t>(plane * k.c)), y(static_cast<size_t>(pixels * k.m));
  args.out.resize(static_cast<size_t>(k.n * k.m * pixels));  // every value is written below
  for (int64_t n = 0; n < k.n; ++n) {
    Transpose(x.data() + n * k.c * plane, size_t(k.c), size_t(plane), nhwc.data());
    FloatConv(HostShape(k), nhwc.data(), weights, y.data());
    float* image = args.out.data() + n * k.m * pixels;
    Transpose(y.data(), size_t(pixels), size_t(k.m), image);
    for (int64_t m = 0; m < k.m; ++m) {
      float* out = image + m * pixels;
      const float bias = b ? (*b)[static_cast<size_t>(m)] : 0.0f;
      ApplyBiasActivation(args.node.attrs, bias, out, static_cast<size_t>(pixels));
    }
  }
}

// The quantized references walk every output in the order of docs/quantization.md:
// for each output, taps in (ky, kx, ci) order. Padding taps contribute nothing (they hold the
// input zero point, so x - zp = 0; in fp16 they hold 0).
template <typename Tap, typename Finish>
void ForEachOutput(const ConvGeometry& k, Tap tap, Finish finish) {
  for (int64_t n = 0; n < k.n; ++n)
    for (int64_t m = 0; m < k.m; ++m) {
      const int64_t grp = m / k.mg;
      for (int64_t oy = 0; oy < k.ho; ++oy)
        for (int64_t ox = 0; ox < k.wo; ++ox) {
          for (int64_t ky = 0; ky < k.kh; ++ky) {
            const int64_t iy = oy * k.sh - k.pt + ky * k.dh;
            if (iy < 0 || iy >= k.h) continue;
            for (int64_t kx = 0; kx < k.kw; ++kx) {
              const int64_t ix = ox * k.sw - k.pl + kx * k.dw;
              if (ix < 0 || ix >= k.w) continue;
              for (int64_t ci = 0; ci < k.cg; ++ci) {
                const int64_t x_index = ((n * k.c + grp * k.cg + ci) * k.h + iy) * k.w + ix;
                const int64_t w_index = ((m * k.cg + ci) * k.kh + ky) * k.kw + kx;
                tap(x_index, w_index);
              }
            }
          }
          finish(((n * k.m + m) * k.ho + oy) * k.wo + ox, m);
        }
    }
}

// int8: the accumulator is the exact integer sum of (x - zx) * w over the taps (common/host_conv);
// integer sums do not depend on their order, so it equals the tap-order loop of
// docs/quantization.md.
void RunInt8(Int8Args& args) {
  const ir::Graph& g = args.graph;
  const ir::Node& node = args.node;
  const ConvGeometry k = Geometry(g, node);
  const ir::Tensor& xt = g.tensor(node.inputs[0]);
  const ir::Tensor& wt = g.tensor(node.inputs[1]);
  const ir::Tensor& yt = g.tensor(node.outputs[0]);
  const int8_t* w = ConstBytesAs<int8_t>(wt);
  const int32_t* bias = node.inputs.size() > 2 ? ConstBytesAs<int32_t>(g.tensor(node.inputs[2])) : nullptr;
  const int32_t zx = xt.quant.zero_point[0], zy = yt.quant.zero_point[0];
  std::vector<quant::Requant> rq(static_cast<size_t>(k.m));
  for (int64_t m = 0; m < k.m; ++m)
    rq[m] = quant::MakeRequant(double(xt.quant.scale[0]) * wt.quant.scale[m] / yt.quant.scale[0]);
  const quant::ClampRange range = quant::ActivationRange(node.attrs, yt.quant);

  const int64_t taps = k.kh * k.kw, pixels = k.ho * k.wo, plane = k.h * k.w;
  const quant::RowRequantizer requant(rq, bias, zy, range, taps * k.cg * 255 * 128);
  const Int8RowConv conv(HostShape(k), zx,
                         ConvWeights{"OIHW int8", w, static_cast<size_t>(k.m * k.cg * taps),
                                     [&](void* ohwi) { OihwToOhwi(w, k, static_cast<int8_t*>(ohwi)); }, {}});
  const std::vector<int8_t>& x = *args.in[0];
  std::vector<int8_t> nhwc(static_cast<size_t>(plane * k.c)), y(static_cast<size_t>(pixels * k.m));
  args.out.resize(static_cast<size_t>(k.n * k.m * pixels));
  // Output rows split across the host's threads, each chunk in blocks whose sums are converted
  // while they are in cache.
  const size_t row_outputs = static_cast<size_t>(k.wo * k.m);
  const size_t block_rows = std::max<size_t>(kRowBlockSums / row_outputs, 1);
  for (int64_t n = 0; n < k.n; ++n) {
    Transpose(x.data() + n * k.c * plane, size_t(k.c), size_t(plane), nhwc.data());
    ParallelChunks(size_t(k.ho), MinChunkRows(row_outputs, size_t(taps * k.cg)), [&](size_t first, size_t end) {
      thread_local std::vector<int32_t> acc;  // growing only: no zero-fill per block
      for (size_t r = first; r < end; r += block_rows) {
        const size_t rows = std::min(block_rows, end - r);
        acc.resize(std::max(acc.size(), rows * row_outputs));
        conv.Rows(nhwc.data(), int64_t(r), int64_t(rows), acc.data());
        requant.Run(acc.data(), rows * size_t(k.wo), y.data() + r * row_outputs);
      }
    });
    Transpose(y.data(), size_t(pixels), size_t(k.m), args.out.data() + n * k.m * pixels);
  }
}

void RunFp16(Fp16Args& args) {
  const ir::Graph& g = args.graph;
  const ir::Node& node = args.node;
  const ConvGeometry k = Geometry(g, node);
  const uint16_t* w = ConstBytesAs<uint16_t>(g.tensor(node.inputs[1]));
  const std::vector<float>* b = args.in.size() > 2 ? args.in[2] : nullptr;
  const std::vector<float>& x = *args.in[0];
  args.out.assign(static_cast<size_t>(k.n * k.m * k.ho * k.wo), 0.0f);
  float acc = 0.0f;
  ForEachOutput(
      k,
      [&](int64_t xi, int64_t wi) { acc += x[xi] * HalfBitsToFloat(w[wi]); },  // fp16*fp16 is exact in fp32
      [&](int64_t yi, int64_t m) {
        // Bias is added last so that the tap order alone defines the fp32 sum.
        const float v = acc + (b ? (*b)[m] : 0.0f);
        args.out[yi] = RoundToHalf(ApplyActivation(node.attrs, v));
        acc = 0.0f;
      });
}

}  // namespace

// limits: 1-D (lifted to 1 x k at import) and 2-D; weights must be constant
const OpDef kConvOp{ir::OpKind::kConv, "Conv", Parse, Infer, RunFloat, RunInt8, RunFp16, false};

}  // namespace rknnsim::ops
