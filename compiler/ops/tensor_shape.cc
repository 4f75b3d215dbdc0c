// Shape (opset 1-21, start/end of opset 15), ConstantOfShape (opset 9-21) and Range (opset 11-21).
// Their values depend only on static shapes and constants, so the frontend folds them.
#include <algorithm>
#include <cmath>
#include <limits>

#include "compiler/ops/op_util.h"
#include "compiler/ops/tensor.h"
#include "compiler/ops/tensor_util.h"

namespace rknnsim::ops {
namespace {

using tensor::HasInput;

// ---- Shape ----------------------------------------------------------------------------------

void ParseShape(const AttrReader& reader, const ir::Graph&, ir::Node& node) {
  if (node.inputs.size() != 1 || !HasInput(node, 0)) throw NodeError(node, "Shape takes one input");
  node.attrs.ints = {reader.Int("start", 0), reader.Int("end", std::numeric_limits<int64_t>::max())};
}

// The [begin, end) range of dimensions Shape reports.
std::pair<int64_t, int64_t> ShapeRange(const ir::Node& node, int64_t rank) {
  if (node.attrs.ints.size() != 2) throw NodeError(node, "Shape parameters are inconsistent");
  auto resolve = [rank](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank); };
  const int64_t begin = resolve(node.attrs.ints[0]), end = resolve(node.attrs.ints[1]);
  return {begin, std::max(begin, end)};
}

std::vector<ir::Shape> InferShape(const ir::Graph& g, const ir::Node& node) {
  const auto [begin, end] = ShapeRange(node, static_cast<int64_t>(InputShape(g, node, 0).size()));
  return {{end - begin}};
}

void RunShape(FloatArgs& args) {
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const auto [begin, end] = ShapeRange(args.node, static_cast<int64_t>(x.size()));
  args.out.assign(x.begin() + begin, x.begin() + end);
}

// ---- ConstantOfShape ------------------------------------------------------------------------

void ParseConstantOfShape(const AttrReader& reader, const ir::Graph& g, ir::Node& node) {
  if (node.inputs.size() != 1 || !HasInput(node, 0)) throw NodeError(node, "ConstantOfShape takes one input");
  node.attrs.target_shape = tensor::ConstInts(g, node, 0, "ConstantOfShape", "shape");
  node.attrs.floats = {reader.Float("value", 0.0f)};
  node.inputs.clear();
}

std::vector<ir::Shape> InferConstantOfShape(const ir::Graph&, const ir::Node& node) {
  tensor::CheckOutputSize(node, node.attrs.target_shape);
  return {node.attrs.target_shape};
}

void RunConstantOfShape(FloatArgs& args) {
  const float value = args.node.attrs.floats.empty() ? 0.0f : args.node.attrs.floats[0];
  args.out.assign(static_cast<size_t>(ir::NumElements(args.node.attrs.target_shape)), value);
}

// ---- Range ----------------------------------------------------------------------------------

void ParseRange(const AttrReader&, const ir::Graph& g, ir::Node& node) {
  if (node.inputs.size() != 3) throw NodeError(node, "Range takes start, limit and delta");
  static const char* const kNames[] = {"start", "limit", "delta"};
  node.attrs.floats.clear();
  for (size_t i = 0; i < 3; ++i) {
    if (!HasInput(node, i)) throw NodeError(node, std::string("Range has no ") + kNames[i]);
    const std::vector<float>& v = tensor::ConstInput(g, node, i, "Range", kNames[i]);
    if (v.size() != 1) throw NodeError(node, std::string("Range ") + kNames[i] + " must be a scalar");
    node.attrs.floats.push_back(v[0]);
  }
  if (node.attrs.floats[2] == 0.0f) throw NodeError(node, "Range delta must not be 0");
  node.inputs.clear();
}

int64_t RangeCount(const ir::Node& node) {
  const std::vector<float>& f = node.attrs.floats;
  if (f.size() != 3 || f[2] == 0.0f) throw NodeError(node, "Range parameters are inconsistent");
  const double n = std::ceil((static_cast<double>(f[1]) - f[0]) / f[2]);
  if (!(n < double{int64_t{1} << 31})) throw NodeError(node, "Range has too many elements");
  return n > 0 ? static_cast<int64_t>(n) : 0;
}

std::vector<ir::Shape> InferRange(const ir::Graph&, const ir::Node& node) { return {{RangeCount(node)}}; }

void RunRange(FloatArgs& args) {
  const std::vector<float>& f = args.node.attrs.floats;
  const int64_t n = RangeCount(args.node);
  args.out.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) args.out[i] = static_cast<float>(f[0] + static_cast<double>(i) * f[2]);
}

}  // namespace

// limits: always folded at import (static shapes)
const OpDef kShapeOp{ir::OpKind::kShape, "Shape", ParseShape, InferShape, RunShape, nullptr, nullptr, false};
// limits: shape must be constant; always folded at import
const OpDef kConstantOfShapeOp{ir::OpKind::kConstantOfShape, "ConstantOfShape", ParseConstantOfShape,
                               InferConstantOfShape, RunConstantOfShape, nullptr, nullptr, false};
// opsets: 11-21
// limits: start, limit and delta must be constant scalars; always folded at import
const OpDef kRangeOp{ir::OpKind::kRange, "Range", ParseRange, InferRange, RunRange, nullptr, nullptr, false};

}  // namespace rknnsim::ops
