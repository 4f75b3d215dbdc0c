// MaxPool (opset 1-17, 2-D, no indices output) and GlobalAveragePool (opset 1-17).
#include <limits>

#include "common/fp16.h"
#include "compiler/ops/op_list.h"
#include "compiler/ops/op_util.h"
#include "compiler/quant/arithmetic.h"

namespace rknnsim::ops {
namespace {

void ParseMaxPool(const AttrReader& reader, const ir::Graph&, ir::Node& node) {
  ParseWindow2d(reader, node, /*has_dilations=*/true);
  if (node.attrs.kernel.size() != 2) throw NodeError(node, "MaxPool needs a 2-D kernel_shape");
  if (node.outputs.size() > 1) throw NodeError(node, "MaxPool with an Indices output is not supported");
  if (reader.Int("storage_order", 0) != 0) throw NodeError(node, "MaxPool storage_order=1 is not supported");
}

std::vector<ir::Shape> InferMaxPool(const ir::Graph& g, const ir::Node& node) {
  Require4d(g, node, 0);
  const ir::Shape& x = InputShape(g, node, 0);
  const ir::Attributes& a = node.attrs;
  const int64_t ho = WindowOutput(x[2], a.kernel[0], a.strides[0], a.pads[0], a.pads[2], a.dilations[0], a.ceil_mode);
  const int64_t wo = WindowOutput(x[3], a.kernel[1], a.strides[1], a.pads[1], a.pads[3], a.dilations[1], a.ceil_mode);
  if (ho <= 0 || wo <= 0) throw NodeError(node, "pooling window larger than the padded input");
  return {{x[0], x[1], ho, wo}};
}

// Max over the in-bounds taps of each window; padding never wins (it is -infinity in ONNX).
template <typename T>
void MaxPoolPlanes(const ir::Graph& g, const ir::Node& node, const std::vector<T>& x, std::vector<T>& y) {
  const ir::Shape& xs = InputShape(g, node, 0);
  const ir::Shape ys = InferMaxPool(g, node)[0];
  const ir::Attributes& a = node.attrs;
  y.resize(static_cast<size_t>(ir::NumElements(ys)));
  for (int64_t plane = 0; plane < xs[0] * xs[1]; ++plane)
    for (int64_t oy = 0; oy < ys[2]; ++oy)
      for (int64_t ox = 0; ox < ys[3]; ++ox) {
        // -infinity for floats (ONNX pads with -inf), the lowest value for integers.
        T best = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                      : std::numeric_limits<T>::lowest();
        for (int64_t ky = 0; ky < a.kernel[0]; ++ky) {
          const int64_t iy = oy * a.strides[0] - a.pads[0] + ky * a.dilations[0];
          if (iy < 0 || iy >= xs[2]) continue;
          for (int64_t kx = 0; kx < a.kernel[1]; ++kx) {
            const int64_t ix = ox * a.strides[1] - a.pads[1] + kx * a.dilations[1];
            if (ix < 0 || ix >= xs[3]) continue;
            best = std::max(best, x[(plane * xs[2] + iy) * xs[3] + ix]);
          }
        }
        y[(plane * ys[2] + oy) * ys[3] + ox] = best;
      }
}

void MaxPoolFloat(FloatArgs& args) { MaxPoolPlanes(args.graph, args.node, *args.in[0], args.out); }
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

}  // namespace

const OpDef kMaxPoolOp{ir::OpKind::kMaxPool, "MaxPool", ParseMaxPool, InferMaxPool, MaxPoolFloat, MaxPoolInt8,
                       MaxPoolFloat, true};
const OpDef kGlobalAveragePoolOp{ir::OpKind::kGlobalAveragePool, "GlobalAveragePool", ParseGlobal, InferGlobal,
                                 GlobalFloat, GlobalInt8, GlobalFp16, false};

}  // namespace rknnsim::ops
