// Gemm (ONNX opset 9-21) as used by classifier heads: Y = X · Wᵀ + C with X of shape [M, K].
// The frontend canonicalizes constant weights to [N, K] (transB = 1) and folds alpha and beta, so
// the kernels see one form; it is the 1×1 convolution the NPU runs it as.
#include <Eigen/Core>

#include "common/fp16.h"
#include "compiler/ops/op_list.h"
#include "compiler/ops/op_util.h"
#include "compiler/quant/arithmetic.h"

namespace rknnsim::ops {
namespace {

void Parse(const AttrReader& reader, const ir::Graph&, ir::Node& node) {
  ir::Attributes& a = node.attrs;
  a.alpha = reader.Float("alpha", 1.0f);
  a.beta = reader.Float("beta", 1.0f);
  a.trans_a = reader.Int("transA", 0) != 0;
  a.trans_b = reader.Int("transB", 0) != 0;
  if (a.trans_a) throw NodeError(node, "Gemm with transA=1 is not supported", "transpose the input in the model");
  if (node.inputs.size() < 2 || node.inputs.size() > 3) throw NodeError(node, "Gemm takes 2 or 3 inputs");
}

std::vector<ir::Shape> Infer(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  const ir::Shape& w = InputShape(g, node, 1);
  if (x.size() != 2 || w.size() != 2) throw NodeError(node, "Gemm needs 2-D operands");
  const int64_t k = w[node.attrs.trans_b ? 1 : 0], n = w[node.attrs.trans_b ? 0 : 1];
  if (x[1] != k)
    throw NodeError(node, "inner dimensions differ: " + ir::ShapeToString(x) + " x " + ir::ShapeToString(w));
  if (node.inputs.size() == 3) {
    const ir::Shape& c = InputShape(g, node, 2);
    if (ir::NumElements(c) != n && ir::NumElements(c) != 1)
      throw NodeError(node, "only a per-column bias C is supported, got " + ir::ShapeToString(c));
  }
  return {{x[0], n}};
}

// Kernels assume the canonical form (transB = 1, alpha = beta = 1, C of length N).
void RunFloat(FloatArgs& args) {
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const ir::Shape& w = InputShape(args.graph, args.node, 1);
  using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<const RowMatrix> xm(args.in[0]->data(), x[0], x[1]);
  Eigen::Map<const RowMatrix> wm(args.in[1]->data(), w[0], w[1]);
  args.out.resize(static_cast<size_t>(x[0] * w[0]));
  Eigen::Map<RowMatrix> ym(args.out.data(), x[0], w[0]);
  ym.noalias() = xm * wm.transpose();
  for (int64_t r = 0; r < x[0]; ++r)
    for (int64_t c = 0; c < w[0]; ++c) {
      const float bias = args.in.size() > 2 ? (*args.in[2])[static_cast<size_t>(c)] : 0.0f;
      ym(r, c) = ApplyActivation(args.node.attrs, ym(r, c) + bias);
    }
}

void RunInt8(Int8Args& args) {
  const ir::Graph& g = args.graph;
  const ir::Node& node = args.node;
  const ir::Tensor& xt = g.tensor(node.inputs[0]);
  const ir::Tensor& wt = g.tensor(node.inputs[1]);
  const ir::Tensor& yt = g.tensor(node.outputs[0]);
  const int64_t rows = xt.shape[0], k = xt.shape[1], n = wt.shape[0];
  const int8_t* w = ConstBytesAs<int8_t>(wt);
  const int32_t* bias = node.inputs.size() > 2 ? ConstBytesAs<int32_t>(g.tensor(node.inputs[2])) : nullptr;
  const int32_t zx = xt.quant.zero_point[0], zy = yt.quant.zero_point[0];
  const quant::ClampRange range = quant::ActivationRange(node.attrs, yt.quant);
  const std::vector<int8_t>& x = *args.in[0];
  args.out.resize(static_cast<size_t>(rows * n));
  for (int64_t c = 0; c < n; ++c) {
    const quant::Requant rq = quant::MakeRequant(double(xt.quant.scale[0]) * wt.quant.scale[c] / yt.quant.scale[0]);
    for (int64_t r = 0; r < rows; ++r) {
      int64_t acc = bias ? bias[c] : 0;
      for (int64_t i = 0; i < k; ++i) acc += (int64_t{x[r * k + i]} - zx) * w[c * k + i];
      const int64_t v = quant::ApplyRequant(acc, rq) + zy;
      args.out[r * n + c] = static_cast<int8_t>(std::clamp<int64_t>(v, range.lo, range.hi));
    }
  }
}

void RunFp16(Fp16Args& args) {
  const ir::Graph& g = args.graph;
  const ir::Node& node = args.node;
  const int64_t rows = InputShape(g, node, 0)[0], k = InputShape(g, node, 0)[1], n = InputShape(g, node, 1)[0];
  const uint16_t* w = ConstBytesAs<uint16_t>(g.tensor(node.inputs[1]));
  const std::vector<float>& x = *args.in[0];
  args.out.resize(static_cast<size_t>(rows * n));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < n; ++c) {
      float acc = 0.0f;
      for (int64_t i = 0; i < k; ++i) acc += x[r * k + i] * HalfBitsToFloat(w[c * k + i]);
      const float v = acc + (args.in.size() > 2 ? (*args.in[2])[c] : 0.0f);
      args.out[r * n + c] = RoundToHalf(ApplyActivation(node.attrs, v));
    }
}

}  // namespace

// limits: the NPU form needs constant B, transA=0 and a scalar or per-column C; otherwise the importer decomposes it into [Transpose] MatMul [Mul] [Add] (onnx_decompose.cc)
const OpDef kGemmOp{ir::OpKind::kGemm, "Gemm", Parse, Infer, RunFloat, RunInt8, RunFp16, false};

}  // namespace rknnsim::ops
