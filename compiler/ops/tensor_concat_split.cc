// Concat (opset 4-21) and Split (opset 2-21: sizes from the 'split' attribute before opset 13, from
// a constant input since, or equal parts). Both copy contiguous inner blocks with memcpy.
#include <algorithm>
#include <cstring>

#include "compiler/ops/op_util.h"
#include "compiler/ops/tensor.h"
#include "compiler/quant/arithmetic.h"
#include "compiler/ops/tensor_util.h"

namespace rknnsim::ops {
namespace {

using tensor::HasInput;
using tensor::NormalizeAxis;

int64_t Product(const ir::Shape& s, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= s[i];
  return p;
}

void ParseConcat(const AttrReader& reader, const ir::Graph&, ir::Node& node) {
  if (node.inputs.empty()) throw NodeError(node, "Concat needs at least one input");
  for (int id : node.inputs)
    if (id < 0) throw NodeError(node, "Concat has an empty input name");
  if (!reader.Has("axis")) throw NodeError(node, "Concat has no 'axis' attribute", "the attribute is required");
  node.attrs.axis = reader.Int("axis", 0);
}

std::vector<ir::Shape> InferConcat(const ir::Graph& g, const ir::Node& node) {
  ir::Shape out = InputShape(g, node, 0);
  const int64_t rank = static_cast<int64_t>(out.size());
  const int64_t axis = NormalizeAxis(node, node.attrs.axis, rank, "Concat axis");
  for (size_t i = 1; i < node.inputs.size(); ++i) {
    const ir::Shape& s = InputShape(g, node, i);
    bool ok = static_cast<int64_t>(s.size()) == rank;
    for (int64_t d = 0; ok && d < rank; ++d) ok = d == axis || s[d] == out[d];
    if (!ok)
      throw NodeError(node, "Concat inputs " + ir::ShapeToString(InputShape(g, node, 0)) + " and " +
                                ir::ShapeToString(s) + " differ outside axis " + std::to_string(axis));
    out[axis] += s[axis];
  }
  return {out};
}

// Copies each input's blocks along the axis into `out` (any element type).
template <typename T>
void ConcatBlocks(const ir::Graph& g, const ir::Node& node, const std::vector<const std::vector<T>*>& in,
                  std::vector<T>& out) {
  const ir::Shape& first = InputShape(g, node, 0);
  const size_t axis = static_cast<size_t>(NormalizeAxis(node, node.attrs.axis, first.size(), "Concat axis"));
  const int64_t outer = Product(first, 0, axis);
  std::vector<int64_t> blocks;  // elements each input contributes per outer index
  int64_t row = 0;
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const ir::Shape& s = InputShape(g, node, i);
    blocks.push_back(Product(s, axis, s.size()));
    row += blocks.back();
  }
  out.resize(static_cast<size_t>(outer * row));
  T* dst = out.data();
  for (int64_t o = 0; o < outer; ++o)
    for (size_t i = 0; i < blocks.size(); ++i) {
      if (blocks[i] == 0) continue;
      std::memcpy(dst, in[i]->data() + o * blocks[i], static_cast<size_t>(blocks[i]) * sizeof(T));
      dst += blocks[i];
    }
}

void RunConcat(FloatArgs& args) { ConcatBlocks(args.graph, args.node, args.in, args.out); }

// int8 on the NPU (docs/quantization.md): each input is requantized to the output's parameters,
// q' = clamp(rshift((q - zp_in) * scale, shift) + zp_out), then the blocks are concatenated.
// Placement sends Concats with constant inputs to the CPU.
void RunConcatInt8(Int8Args& args) {
  const ir::Graph& g = args.graph;
  const ir::Node& node = args.node;
  const ir::Tensor& y = g.tensor(node.outputs[0]);
  std::vector<std::vector<int8_t>> rescaled(node.inputs.size());
  std::vector<const std::vector<int8_t>*> in;
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const quant::RescaleTable rescale(g.tensor(node.inputs[i]).quant, y.quant);
    const std::vector<int8_t>& x = *args.in[i];
    rescaled[i].resize(x.size());
    std::transform(x.begin(), x.end(), rescaled[i].begin(), rescale);
    in.push_back(&rescaled[i]);
  }
  ConcatBlocks(g, node, in, args.out);
}

void ParseSplit(const AttrReader& reader, const ir::Graph& g, ir::Node& node) {
  if (!HasInput(node, 0)) throw NodeError(node, "Split takes one data input");
  ir::Attributes& a = node.attrs;
  a.axis = reader.Int("axis", 0);
  std::vector<int64_t> split;
  if (reader.Has("split"))
    split = reader.Ints("split");
  else if (HasInput(node, 1))
    split = tensor::ConstInts(g, node, 1, "Split", "'split'");
  node.inputs.resize(1);
  if (split.empty()) {
    // Equal parts: as many as the node has outputs, or opset 18's 'num_outputs', where a length
    // that does not divide gives ceil(length / parts) to every part but a smaller last one.
    const bool counted = reader.Has("num_outputs");
    const int64_t parts = counted ? reader.Int("num_outputs", 0) : static_cast<int64_t>(node.outputs.size());
    if (parts <= 0 || (counted && parts != static_cast<int64_t>(node.outputs.size())))
      throw NodeError(node, "Split into equal parts needs the number of outputs (num_outputs = the node's outputs)",
                      "give the split sizes explicitly when exporting");
    const ir::Shape& x = InputShape(g, node, 0);
    const int64_t axis = NormalizeAxis(node, a.axis, static_cast<int64_t>(x.size()), "Split axis");
    const int64_t part = counted ? (x[axis] + parts - 1) / parts : x[axis] / parts;
    const int64_t last = x[axis] - part * (parts - 1);
    if (counted ? parts > 1 && last <= 0 : last != part)
      throw NodeError(node, "cannot split dimension " + std::to_string(x[axis]) + " into " + std::to_string(parts) +
                                " parts");
    split.assign(static_cast<size_t>(parts), part);
    split.back() = last;
  }
  for (int64_t v : split)
    if (v < 0) throw NodeError(node, "Split sizes must not be negative");
  a.ints = split;
}

std::vector<ir::Shape> InferSplit(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  const int64_t axis = NormalizeAxis(node, node.attrs.axis, static_cast<int64_t>(x.size()), "Split axis");
  int64_t sum = 0;
  std::vector<ir::Shape> outs;
  for (int64_t v : node.attrs.ints) {
    if (v < 0 || v > x[axis]) throw NodeError(node, "Split size " + std::to_string(v) + " does not fit the axis");
    sum += v;
    outs.push_back(x);
    outs.back()[axis] = v;
  }
  if (sum != x[axis])
    throw NodeError(node, "Split sizes add up to " + std::to_string(sum) + ", the axis has " + std::to_string(x[axis]));
  if (!node.outputs.empty() && node.outputs.size() != outs.size())
    throw NodeError(node, "Split has " + std::to_string(node.outputs.size()) + " outputs but " +
                              std::to_string(outs.size()) + " sizes");
  return outs;
}

// Copies each output's blocks along the axis out of `in` (any element type).
template <typename T>
void SplitBlocks(const ir::Graph& g, const ir::Node& node, const std::vector<T>& in,
                 const std::vector<std::vector<T>*>& outputs) {
  const ir::Shape& x = InputShape(g, node, 0);
  const size_t axis = static_cast<size_t>(NormalizeAxis(node, node.attrs.axis, x.size(), "Split axis"));
  const int64_t outer = Product(x, 0, axis), inner = Product(x, axis + 1, x.size());
  const int64_t row = x[axis] * inner;
  const std::vector<int64_t>& sizes = node.attrs.ints;
  int64_t offset = 0;
  for (size_t k = 0; k < sizes.size() && k < outputs.size(); ++k) {
    const int64_t block = sizes[k] * inner;
    std::vector<T>& out = *outputs[k];
    out.resize(static_cast<size_t>(outer * block));
    if (block == 0) continue;
    for (int64_t o = 0; o < outer; ++o)
      std::memcpy(out.data() + o * block, in.data() + o * row + offset, static_cast<size_t>(block) * sizeof(T));
    offset += block;
  }
}

void RunSplit(FloatArgs& args) { SplitBlocks(args.graph, args.node, *args.in[0], args.outputs); }

// int8 on the NPU: each output is requantized from the input's parameters to its own (the
// mirror of Concat).
void RunSplitInt8(Int8Args& args) {
  const ir::Graph& g = args.graph;
  const ir::Node& node = args.node;
  SplitBlocks(g, node, *args.in[0], args.outputs);
  const ir::Tensor& x = g.tensor(node.inputs[0]);
  for (size_t k = 0; k < args.outputs.size(); ++k) {
    const quant::RescaleTable rescale(x.quant, g.tensor(node.outputs[k]).quant);
    std::vector<int8_t>& y = *args.outputs[k];
    std::transform(y.begin(), y.end(), y.begin(), rescale);
  }
}

}  // namespace

const OpDef kConcatOp{ir::OpKind::kConcat, "Concat", ParseConcat, InferConcat, RunConcat, RunConcatInt8, RunConcat,
                      false};
// limits: split sizes must be constant (folded); equal parts need an evenly divisible axis
const OpDef kSplitOp{ir::OpKind::kSplit, "Split", ParseSplit, InferSplit, RunSplit, RunSplitInt8, RunSplit, false};

}  // namespace rknnsim::ops
