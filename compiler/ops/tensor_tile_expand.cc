// Tile (opset 6-21, constant repeats) and Expand (opset 8-21, constant shape, numpy broadcasting).
#include "compiler/ops/op_util.h"
#include "compiler/ops/tensor.h"
#include "compiler/ops/tensor_util.h"

namespace rknnsim::ops {
namespace {

using tensor::HasInput;

void ParseTile(const AttrReader&, const ir::Graph& g, ir::Node& node) {
  if (node.inputs.size() != 2 || !HasInput(node, 0) || !HasInput(node, 1))
    throw NodeError(node, "Tile takes data and repeats");
  node.attrs.ints = tensor::ConstInts(g, node, 1, "Tile", "'repeats'");
  node.inputs.resize(1);
}

std::vector<ir::Shape> InferTile(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  const std::vector<int64_t>& repeats = node.attrs.ints;
  if (repeats.size() != x.size())
    throw NodeError(node, "Tile repeats has " + std::to_string(repeats.size()) + " entries for a rank-" +
                              std::to_string(x.size()) + " input");
  ir::Shape out;
  for (size_t d = 0; d < x.size(); ++d) {
    if (repeats[d] < 0) throw NodeError(node, "Tile repeats must not be negative");
    if (repeats[d] > (int64_t{1} << 31)) throw NodeError(node, "Tile repeats are too large");
    out.push_back(x[d] * repeats[d]);
  }
  tensor::CheckOutputSize(node, out);
  return {out};
}

void RunTile(FloatArgs& args) {
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const ir::Shape out = InferTile(args.graph, args.node)[0];
  std::vector<std::vector<int64_t>> maps(x.size());
  for (size_t d = 0; d < x.size(); ++d)
    for (int64_t o = 0; o < out[d]; ++o) maps[d].push_back(o % x[d]);
  args.out.resize(static_cast<size_t>(ir::NumElements(out)));
  if (!args.out.empty()) tensor::CopyByAxisMaps(args.in[0]->data(), x, maps, 0.0f, args.out.data());
}

void ParseExpand(const AttrReader&, const ir::Graph& g, ir::Node& node) {
  if (node.inputs.size() != 2 || !HasInput(node, 0) || !HasInput(node, 1))
    throw NodeError(node, "Expand takes data and shape");
  node.attrs.target_shape = tensor::ConstInts(g, node, 1, "Expand", "shape");
  node.inputs.resize(1);
}

std::vector<ir::Shape> InferExpand(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  const ir::Shape& s = node.attrs.target_shape;
  const size_t rank = std::max(x.size(), s.size());
  ir::Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t a = i + x.size() >= rank ? x[i + x.size() - rank] : 1;
    const int64_t b = i + s.size() >= rank ? s[i + s.size() - rank] : 1;
    if (b < 0) throw NodeError(node, "Expand shape " + ir::ShapeToString(s) + " has a negative dimension");
    if (a != b && a != 1 && b != 1)
      throw NodeError(node, "cannot broadcast " + ir::ShapeToString(x) + " to " + ir::ShapeToString(s));
    out[i] = a == 1 ? b : a;
  }
  tensor::CheckOutputSize(node, out);
  return {out};
}

void RunExpand(FloatArgs& args) {
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const ir::Shape out = InferExpand(args.graph, args.node)[0];
  ir::Shape in(out.size() - x.size(), 1);  // the input with leading 1s up to the output rank
  in.insert(in.end(), x.begin(), x.end());
  std::vector<std::vector<int64_t>> maps(out.size());
  for (size_t d = 0; d < out.size(); ++d)
    for (int64_t o = 0; o < out[d]; ++o) maps[d].push_back(in[d] == 1 ? 0 : o);
  args.out.resize(static_cast<size_t>(ir::NumElements(out)));
  if (!args.out.empty()) tensor::CopyByAxisMaps(args.in[0]->data(), in, maps, 0.0f, args.out.data());
}

}  // namespace

// limits: repeats must be constant (folded)
const OpDef kTileOp{ir::OpKind::kTile, "Tile", ParseTile, InferTile, RunTile, nullptr, nullptr, false};
// limits: shape must be constant (folded)
const OpDef kExpandOp{ir::OpKind::kExpand, "Expand", ParseExpand, InferExpand, RunExpand, nullptr, nullptr, false};

}  // namespace rknnsim::ops
