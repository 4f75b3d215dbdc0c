// ZeroInsert: the stride zeros of a deconvolution, inserted by passes/lower_conv_transpose.cc (not
// an ONNX op). [N, C, H, W] -> [N, C, (H-1)·s_h + 1, (W-1)·s_w + 1] with input pixel (y, x) at
// (y·s_h, x·s_w) and real 0 elsewhere (docs/quantization.md §21). attrs.strides = [s_h, s_w].
#include "compiler/ops/op_list.h"
#include "compiler/ops/op_util.h"

namespace rknnsim::ops {
namespace {

void Parse(const AttrReader&, const ir::Graph&, ir::Node& node) {
  throw NodeError(node, "ZeroInsert is not an ONNX operator", "rknn-sim inserts it itself when lowering ConvTranspose");
}

std::vector<ir::Shape> Infer(const ir::Graph& g, const ir::Node& node) {
  Require4d(g, node, 0);
  const ir::Shape& x = InputShape(g, node, 0);
  const std::vector<int64_t>& s = node.attrs.strides;
  if (s.size() != 2 || s[0] <= 0 || s[1] <= 0) throw NodeError(node, "ZeroInsert needs two positive strides");
  if (x[2] <= 0 || x[3] <= 0) throw NodeError(node, "ZeroInsert needs a non-empty spatial input");
  return {{x[0], x[1], (x[2] - 1) * s[0] + 1, (x[3] - 1) * s[1] + 1}};
}

// One loop for every element type: `fill` everywhere, then each input value at its spread position.
template <typename T>
void Spread(const ir::Graph& g, const ir::Node& node, const std::vector<T>& in, T fill, std::vector<T>& out) {
  const ir::Shape& x = InputShape(g, node, 0);
  const int64_t sh = node.attrs.strides[0], sw = node.attrs.strides[1];
  const int64_t ho = (x[2] - 1) * sh + 1, wo = (x[3] - 1) * sw + 1, planes = x[0] * x[1];
  out.assign(static_cast<size_t>(planes * ho * wo), fill);
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t y = 0; y < x[2]; ++y)
      for (int64_t xx = 0; xx < x[3]; ++xx)
        out[static_cast<size_t>((p * ho + y * sh) * wo + xx * sw)] = in[static_cast<size_t>((p * x[2] + y) * x[3] + xx)];
}

void RunFloat(FloatArgs& args) { Spread(args.graph, args.node, *args.in[0], 0.0f, args.out); }

// int8: the inserted elements are the input's zero point, real 0 under the kept params.
void RunInt8(Int8Args& args) {
  const ir::QuantParams& q = args.graph.tensor(args.node.inputs[0]).quant;
  const int8_t zp = q.zero_point.empty() ? int8_t{0} : static_cast<int8_t>(q.zero_point[0]);
  Spread(args.graph, args.node, *args.in[0], zp, args.out);
}

}  // namespace

// limits: not an ONNX operator; the lowering of ConvTranspose (docs/quantization.md §21)
const OpDef kZeroInsertOp{ir::OpKind::kZeroInsert, "ZeroInsert", Parse, Infer, RunFloat, RunInt8, RunFloat, true};

}  // namespace rknnsim::ops
