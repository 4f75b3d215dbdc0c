// Slice (opset 1-21: starts/ends/axes attributes before opset 10, constant inputs with steps since)
// and Gather (opset 1-21: constant or computed indices along any axis, negative indices allowed).
#include <algorithm>
#include <cstring>

#include "compiler/ops/op_util.h"
#include "compiler/ops/tensor.h"
#include "compiler/ops/tensor_util.h"

namespace rknnsim::ops {
namespace {

using tensor::HasInput;
using tensor::NormalizeAxis;

void ParseSlice(const AttrReader& reader, const ir::Graph& g, ir::Node& node) {
  if (!HasInput(node, 0)) throw NodeError(node, "Slice takes a data input");
  std::vector<int64_t> starts, ends, axes, steps;
  if (reader.Has("starts") || reader.Has("ends")) {  // opset < 10
    starts = reader.Ints("starts");
    ends = reader.Ints("ends");
    axes = reader.Ints("axes");
  } else {
    if (!HasInput(node, 1) || !HasInput(node, 2)) throw NodeError(node, "Slice needs starts and ends");
    starts = tensor::ConstInts(g, node, 1, "Slice", "'starts'");
    ends = tensor::ConstInts(g, node, 2, "Slice", "'ends'");
    if (HasInput(node, 3)) axes = tensor::ConstInts(g, node, 3, "Slice", "'axes'");
    if (HasInput(node, 4)) steps = tensor::ConstInts(g, node, 4, "Slice", "'steps'");
  }
  node.inputs.resize(1);
  const size_t k = starts.size();
  if (ends.size() != k) throw NodeError(node, "Slice starts and ends differ in length");
  if (axes.empty())
    for (size_t i = 0; i < k; ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(k, 1);
  if (axes.size() != k || steps.size() != k)
    throw NodeError(node, "Slice axes/steps differ in length from starts");
  for (int64_t s : steps)
    if (s == 0) throw NodeError(node, "Slice step must not be 0");
  ir::Attributes& a = node.attrs;
  a.axes = axes;
  a.ints = starts;
  a.ints.insert(a.ints.end(), ends.begin(), ends.end());
  a.ints.insert(a.ints.end(), steps.begin(), steps.end());
}

// First index, step and count per input axis after ONNX's negative-index and clamping rules.
struct AxisSlice {
  int64_t start = 0, step = 1, count = 0;
};

std::vector<AxisSlice> ResolveSlice(const ir::Node& node, const ir::Shape& x) {
  const ir::Attributes& a = node.attrs;
  const size_t k = a.axes.size();
  if (a.ints.size() != 3 * k) throw NodeError(node, "Slice parameters are inconsistent");
  const int64_t rank = static_cast<int64_t>(x.size());
  std::vector<AxisSlice> r(x.size());
  std::vector<bool> seen(x.size(), false);
  for (size_t d = 0; d < x.size(); ++d) r[d].count = x[d];
  for (size_t i = 0; i < k; ++i) {
    const int64_t axis = NormalizeAxis(node, a.axes[i], rank, "Slice axis");
    if (seen[axis]) throw NodeError(node, "Slice axis " + std::to_string(axis) + " is repeated");
    seen[axis] = true;
    const int64_t dim = x[axis], step = a.ints[2 * k + i];
    int64_t start = a.ints[i], end = a.ints[k + i];
    if (start < 0) start += dim;
    if (end < 0) end += dim;
    int64_t count;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      count = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      count = start > end ? (start - end - step - 1) / -step : 0;
    }
    if (dim == 0) count = 0;
    r[axis] = {start, step, count};
  }
  return r;
}

std::vector<ir::Shape> InferSlice(const ir::Graph& g, const ir::Node& node) {
  ir::Shape out;
  for (const AxisSlice& s : ResolveSlice(node, InputShape(g, node, 0))) out.push_back(s.count);
  return {out};
}

void RunSlice(FloatArgs& args) {
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const std::vector<AxisSlice> slices = ResolveSlice(args.node, x);
  std::vector<std::vector<int64_t>> maps(x.size());
  int64_t total = 1;
  for (size_t d = 0; d < x.size(); ++d) {
    for (int64_t j = 0; j < slices[d].count; ++j) maps[d].push_back(slices[d].start + j * slices[d].step);
    total *= slices[d].count;
  }
  args.out.resize(static_cast<size_t>(total));
  if (total > 0) tensor::CopyByAxisMaps(args.in[0]->data(), x, maps, 0.0f, args.out.data());
}

void ParseGather(const AttrReader& reader, const ir::Graph&, ir::Node& node) {
  if (node.inputs.size() != 2 || !HasInput(node, 0) || !HasInput(node, 1))
    throw NodeError(node, "Gather takes data and indices");
  node.attrs.axis = reader.Int("axis", 0);
}

// Indices resolved against an axis of `dim` entries; NodeError on any index out of range.
std::vector<int64_t> ResolveIndices(const ir::Node& node, const std::vector<float>& values, int64_t dim) {
  std::vector<int64_t> idx(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t v = tensor::ToInt(values[i]);
    if (v < 0) v += dim;
    if (v < 0 || v >= dim)
      throw NodeError(node, "Gather index " + std::to_string(tensor::ToInt(values[i])) + " is out of range for an axis of " +
                                std::to_string(dim));
    idx[i] = v;
  }
  return idx;
}

std::vector<ir::Shape> InferGather(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  const ir::Tensor& indices = g.tensor(node.inputs[1]);
  const int64_t axis = NormalizeAxis(node, node.attrs.axis, static_cast<int64_t>(x.size()), "Gather axis");
  if (indices.is_constant) ResolveIndices(node, indices.float_data, x[axis]);
  ir::Shape out(x.begin(), x.begin() + axis);
  out.insert(out.end(), indices.shape.begin(), indices.shape.end());
  out.insert(out.end(), x.begin() + axis + 1, x.end());
  return {out};
}

void RunGather(FloatArgs& args) {
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const size_t axis = static_cast<size_t>(NormalizeAxis(args.node, args.node.attrs.axis, x.size(), "Gather axis"));
  const std::vector<int64_t> idx = ResolveIndices(args.node, *args.in[1], x[axis]);
  int64_t outer = 1, inner = 1;
  for (size_t d = 0; d < x.size(); ++d) {
    if (d < axis) outer *= x[d];
    if (d > axis) inner *= x[d];
  }
  const int64_t n = static_cast<int64_t>(idx.size());
  args.out.resize(static_cast<size_t>(outer * n * inner));
  if (inner == 0) return;
  const float* in = args.in[0]->data();
  float* out = args.out.data();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < n; ++j, out += inner) {
      const float* src = in + (o * x[axis] + idx[j]) * inner;
      if (inner == 1)
        *out = *src;
      else
        std::memcpy(out, src, static_cast<size_t>(inner) * sizeof(float));
    }
}

}  // namespace

// limits: starts, ends, axes and steps must be constant (folded)
const OpDef kSliceOp{ir::OpKind::kSlice, "Slice", ParseSlice, InferSlice, RunSlice, nullptr, nullptr, false};
// limits: indices are held as float32 (exact to 2^24)
const OpDef kGatherOp{ir::OpKind::kGather, "Gather", ParseGather, InferGather, RunGather, nullptr, nullptr, false};

}  // namespace rknnsim::ops
