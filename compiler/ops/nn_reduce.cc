// ReduceMean/ReduceMax/ReduceMin (opset 1-17: axes attribute; 18-21: axes as an optional constant
// second input), ReduceSum (opset 1-12: axes attribute; 13-21: axes as an optional constant second
// input); the axes input is consumed at parse time. All with
// keepdims and noop_with_empty_axes (empty axes reduce everything unless noop_with_empty_axes=1);
// ArgMax (opset 1-21: axis, keepdims, select_last_index), its indices held as float values.
#include <algorithm>
#include <cmath>
#include <limits>

#include "compiler/ops/nn.h"
#include "compiler/ops/op_util.h"

namespace rknnsim::ops {
namespace {

enum class Reduce { kMean, kMax, kMin, kSum };

Reduce KindOf(const ir::Node& node) {
  switch (node.op) {
    case ir::OpKind::kReduceMax: return Reduce::kMax;
    case ir::OpKind::kReduceMin: return Reduce::kMin;
    case ir::OpKind::kReduceSum: return Reduce::kSum;
    default: return Reduce::kMean;
  }
}

void ParseReduce(const AttrReader& reader, const ir::Graph& g, ir::Node& node) {
  const char* op = GetOpDef(node.op).onnx_name;
  const size_t max_inputs = node.op == ir::OpKind::kReduceSum || g.opset() >= 18 ? 2 : 1;
  if (node.inputs.empty() || node.inputs.size() > max_inputs || node.inputs[0] < 0)
    throw NodeError(node, std::string(op) + " takes " + (max_inputs == 2 ? "1 or 2 inputs" : "one input"));
  ir::Attributes& a = node.attrs;
  a.axes = reader.Ints("axes");
  a.keepdims = reader.Int("keepdims", 1);
  if (a.keepdims != 0 && a.keepdims != 1) throw NodeError(node, "keepdims must be 0 or 1");
  const int64_t noop = reader.Int("noop_with_empty_axes", 0);
  if (noop != 0 && noop != 1) throw NodeError(node, "noop_with_empty_axes must be 0 or 1");
  a.ints = {noop};
  if (node.inputs.size() == 2 && node.inputs[1] >= 0) {
    const ir::Tensor& t = g.tensor(node.inputs[1]);
    if (!t.is_constant)
      throw NodeError(node, std::string(op) + " with computed axes is not supported",
                      "make the axes input a constant (initializer) when exporting");
    if (t.shape.size() > 1) throw NodeError(node, "the axes input must be 1-D");
    if (reader.Has("axes")) throw NodeError(node, "axes given both as attribute and as input");
    a.axes.clear();
    for (float v : t.float_data) {
      if (v != std::floor(v)) throw NodeError(node, "the axes input must hold integers");
      a.axes.push_back(static_cast<int64_t>(v));
    }
  }
  node.inputs.resize(1);
}

// Per input axis: reduced or kept. Empty when the node is a no-op (empty axes with noop_with_empty_axes).
std::vector<bool> ReducedAxes(const ir::Node& node, size_t rank) {
  const ir::Attributes& a = node.attrs;
  if (a.axes.empty()) {
    if (!a.ints.empty() && a.ints[0] != 0) return {};
    return std::vector<bool>(rank, true);
  }
  std::vector<bool> reduced(rank, false);
  for (int64_t axis : a.axes) {
    const int64_t i = NormalizeAxis(node, axis, rank, "axes entry");
    if (reduced[i]) throw NodeError(node, "axis " + std::to_string(axis) + " is listed twice");
    reduced[i] = true;
  }
  return reduced;
}

std::vector<ir::Shape> InferReduce(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  const std::vector<bool> reduced = ReducedAxes(node, x.size());
  if (reduced.empty()) return {x};
  ir::Shape y;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!reduced[i]) y.push_back(x[i]);
    else if (node.attrs.keepdims) y.push_back(1);
  }
  return {y};
}

void ReduceFloat(FloatArgs& args) {
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const std::vector<float>& src = *args.in[0];
  const std::vector<bool> reduced = ReducedAxes(args.node, x.size());
  if (reduced.empty()) {  // noop_with_empty_axes
    args.out = src;
    return;
  }
  // Output strides per input axis (0 on reduced axes); walk the input once with an odometer.
  const size_t rank = x.size();
  std::vector<int64_t> ostride(rank, 0);
  int64_t out_size = 1;
  for (size_t i = rank; i-- > 0;)
    if (!reduced[i]) ostride[i] = out_size, out_size *= x[i];
  const int64_t count = out_size > 0 ? ir::NumElements(x) / out_size : 0;
  const Reduce kind = KindOf(args.node);
  std::vector<double> acc(static_cast<size_t>(out_size));
  if (kind == Reduce::kMax) std::fill(acc.begin(), acc.end(), -std::numeric_limits<double>::infinity());
  if (kind == Reduce::kMin) std::fill(acc.begin(), acc.end(), std::numeric_limits<double>::infinity());
  // The innermost axis runs as a plain loop: either reduced (one output) or kept (contiguous outputs).
  const int64_t inner = rank ? x[rank - 1] : 1;
  const int64_t inner_step = rank ? ostride[rank - 1] : 0;
  const int64_t total = static_cast<int64_t>(src.size());
  std::vector<int64_t> index(rank, 0);
  int64_t o = 0;
  for (int64_t base = 0; base < total; base += inner) {
    const float* s = src.data() + base;
    double* d = acc.data() + o;
    switch (kind) {
      case Reduce::kMean:
      case Reduce::kSum:
        for (int64_t j = 0; j < inner; ++j) d[j * inner_step] += s[j];
        break;
      case Reduce::kMax:
        for (int64_t j = 0; j < inner; ++j) d[j * inner_step] = std::max<double>(d[j * inner_step], s[j]);
        break;
      case Reduce::kMin:
        for (int64_t j = 0; j < inner; ++j) d[j * inner_step] = std::min<double>(d[j * inner_step], s[j]);
        break;
    }
    for (int64_t i = static_cast<int64_t>(rank) - 2; i >= 0; --i) {  // advance the outer axes
      o += ostride[i];
      if (++index[i] < x[i]) break;
      o -= ostride[i] * x[i];
      index[i] = 0;
    }
  }
  args.out.resize(static_cast<size_t>(out_size));
  for (int64_t i = 0; i < out_size; ++i)
    args.out[i] = static_cast<float>(kind == Reduce::kMean ? acc[i] / static_cast<double>(count) : acc[i]);
}

// ---- ArgMax ----

void ParseArgMax(const AttrReader& reader, const ir::Graph&, ir::Node& node) {
  if (node.inputs.size() != 1 || node.inputs[0] < 0) throw NodeError(node, "ArgMax takes one input");
  ir::Attributes& a = node.attrs;
  a.axis = reader.Int("axis", 0);
  a.keepdims = reader.Int("keepdims", 1);
  if (a.keepdims != 0 && a.keepdims != 1) throw NodeError(node, "keepdims must be 0 or 1");
  const int64_t last = reader.Int("select_last_index", 0);
  if (last != 0 && last != 1) throw NodeError(node, "select_last_index must be 0 or 1");
  a.ints = {last};
}

std::vector<ir::Shape> InferArgMax(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  if (x.empty()) throw NodeError(node, "ArgMax needs an input of rank >= 1");
  const int64_t axis = NormalizeAxis(node, node.attrs.axis, x.size());
  if (x[axis] <= 0) throw NodeError(node, "ArgMax over an empty axis");
  ir::Shape y = x;
  if (node.attrs.keepdims) y[axis] = 1;
  else y.erase(y.begin() + axis);
  return {y};
}

void ArgMaxFloat(FloatArgs& args) {
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const int64_t axis = NormalizeAxis(args.node, args.node.attrs.axis, x.size());
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= x[i];
  for (size_t i = static_cast<size_t>(axis) + 1; i < x.size(); ++i) inner *= x[i];
  const int64_t len = x[axis];
  const bool last = !args.node.attrs.ints.empty() && args.node.attrs.ints[0] != 0;
  const float* src = args.in[0]->data();
  args.out.resize(static_cast<size_t>(outer * inner));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      const float* s = src + o * len * inner + in;
      int64_t best = 0;
      for (int64_t j = 1; j < len; ++j) {
        const float v = s[j * inner], b = s[best * inner];
        if (v > b || (last && v == b)) best = j;
      }
      args.out[o * inner + in] = static_cast<float>(best);
    }
}

}  // namespace

// limits: axes must be constant
const OpDef kReduceMeanOp{ir::OpKind::kReduceMean, "ReduceMean", ParseReduce, InferReduce, ReduceFloat, nullptr, nullptr,
                          false};
// limits: axes must be constant
const OpDef kReduceMaxOp{ir::OpKind::kReduceMax, "ReduceMax", ParseReduce, InferReduce, ReduceFloat, nullptr, nullptr,
                         false};
// limits: axes must be constant
const OpDef kReduceMinOp{ir::OpKind::kReduceMin, "ReduceMin", ParseReduce, InferReduce, ReduceFloat, nullptr, nullptr,
                         false};
// limits: axes must be constant (attribute, or a constant input from opset 13)
const OpDef kReduceSumOp{ir::OpKind::kReduceSum, "ReduceSum", ParseReduce, InferReduce, ReduceFloat, nullptr, nullptr,
                         false};
// limits: indices are held as float32 (exact to 2^24)
const OpDef kArgMaxOp{ir::OpKind::kArgMax, "ArgMax", ParseArgMax, InferArgMax, ArgMaxFloat, nullptr, nullptr, false};

}  // namespace rknnsim::ops
