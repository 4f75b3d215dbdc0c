// Layout ops: Transpose (opset 1-21), Squeeze / Unsqueeze (axes attribute before opset 13, constant
// input since), DepthToSpace (opset 1-21, DCR and CRD) and SpaceToDepth (opset 1-21). The last two
// are a transpose of a 6-D view.
#include <algorithm>

#include "compiler/ops/op_util.h"
#include "compiler/ops/tensor.h"
#include "compiler/ops/tensor_util.h"

namespace rknnsim::ops {
namespace {

using tensor::HasInput;
using tensor::NormalizeAxis;

void Copy(FloatArgs& args) { args.out = *args.in[0]; }

// ---- Transpose ------------------------------------------------------------------------------

void ParseTranspose(const AttrReader& reader, const ir::Graph&, ir::Node& node) {
  if (node.inputs.size() != 1 || !HasInput(node, 0)) throw NodeError(node, "Transpose takes one input");
  node.attrs.axes = reader.Ints("perm");
}

std::vector<int64_t> Perm(const ir::Node& node, size_t rank) {
  std::vector<int64_t> perm = node.attrs.axes;
  if (perm.empty())
    for (size_t i = rank; i-- > 0;) perm.push_back(static_cast<int64_t>(i));
  if (perm.size() != rank)
    throw NodeError(node, "Transpose perm has " + std::to_string(perm.size()) + " entries for a rank-" +
                              std::to_string(rank) + " input");
  std::vector<bool> seen(rank, false);
  for (int64_t& p : perm) {
    p = NormalizeAxis(node, p, static_cast<int64_t>(rank), "Transpose perm entry");
    if (seen[p]) throw NodeError(node, "Transpose perm is not a permutation");
    seen[p] = true;
  }
  return perm;
}

std::vector<ir::Shape> InferTranspose(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  ir::Shape out;
  for (int64_t p : Perm(node, x.size())) out.push_back(x[p]);
  return {out};
}

void RunTranspose(FloatArgs& args) {
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  args.out.resize(args.in[0]->size());
  tensor::TransposeData(args.in[0]->data(), x, Perm(args.node, x.size()), args.out.data());
}

// ---- Squeeze / Unsqueeze --------------------------------------------------------------------

void ParseAxes(const AttrReader& reader, const ir::Graph& g, ir::Node& node, const std::string& op, bool required) {
  if (!HasInput(node, 0)) throw NodeError(node, op + " takes a data input");
  if (reader.Has("axes"))
    node.attrs.axes = reader.Ints("axes");
  else if (HasInput(node, 1))
    node.attrs.axes = tensor::ConstInts(g, node, 1, op, "'axes'");
  else if (required)
    throw NodeError(node, op + " needs axes");
  node.inputs.resize(1);
}

void ParseSqueeze(const AttrReader& reader, const ir::Graph& g, ir::Node& node) {
  ParseAxes(reader, g, node, "Squeeze", false);
}

void ParseUnsqueeze(const AttrReader& reader, const ir::Graph& g, ir::Node& node) {
  ParseAxes(reader, g, node, "Unsqueeze", true);
}

std::vector<ir::Shape> InferSqueeze(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  const int64_t rank = static_cast<int64_t>(x.size());
  std::vector<bool> drop(x.size(), false);
  if (node.attrs.axes.empty()) {
    for (size_t d = 0; d < x.size(); ++d) drop[d] = x[d] == 1;
  } else {
    for (int64_t axis : node.attrs.axes) {
      const int64_t d = NormalizeAxis(node, axis, rank, "Squeeze axis");
      if (x[d] != 1)
        throw NodeError(node, "Squeeze axis " + std::to_string(axis) + " has size " + std::to_string(x[d]) + ", not 1");
      drop[d] = true;
    }
  }
  ir::Shape out;
  for (size_t d = 0; d < x.size(); ++d)
    if (!drop[d]) out.push_back(x[d]);
  return {out};
}

std::vector<ir::Shape> InferUnsqueeze(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  const int64_t rank = static_cast<int64_t>(x.size() + node.attrs.axes.size());
  std::vector<bool> inserted(static_cast<size_t>(rank), false);
  for (int64_t axis : node.attrs.axes) {
    const int64_t d = NormalizeAxis(node, axis, rank, "Unsqueeze axis");
    if (inserted[d]) throw NodeError(node, "Unsqueeze axis " + std::to_string(axis) + " is repeated");
    inserted[d] = true;
  }
  ir::Shape out;
  size_t next = 0;
  for (int64_t d = 0; d < rank; ++d) out.push_back(inserted[d] ? 1 : x[next++]);
  return {out};
}

// ---- DepthToSpace / SpaceToDepth ------------------------------------------------------------

void ParseBlocksize(const AttrReader& reader, ir::Node& node, const std::string& op) {
  if (node.inputs.size() != 1 || !HasInput(node, 0)) throw NodeError(node, op + " takes one input");
  node.attrs.blocksize = reader.Int("blocksize", 0);
  if (node.attrs.blocksize <= 0) throw NodeError(node, op + " needs a positive 'blocksize'");
}

void ParseDepthToSpace(const AttrReader& reader, const ir::Graph&, ir::Node& node) {
  ParseBlocksize(reader, node, "DepthToSpace");
  node.attrs.mode = reader.String("mode", "DCR");
  if (node.attrs.mode != "DCR" && node.attrs.mode != "CRD")
    throw NodeError(node, "DepthToSpace mode '" + node.attrs.mode + "' is not supported", "use DCR or CRD");
}

void ParseSpaceToDepth(const AttrReader& reader, const ir::Graph&, ir::Node& node) {
  ParseBlocksize(reader, node, "SpaceToDepth");
}

const ir::Shape& Input4d(const ir::Graph& g, const ir::Node& node, const std::string& op) {
  const ir::Shape& x = InputShape(g, node, 0);
  if (x.size() != 4) throw NodeError(node, op + " expects a 4-D NCHW input, got " + ir::ShapeToString(x));
  return x;
}

std::vector<ir::Shape> InferDepthToSpace(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = Input4d(g, node, "DepthToSpace");
  const int64_t b = node.attrs.blocksize;
  if (x[1] % (b * b) != 0)
    throw NodeError(node, "DepthToSpace channels " + std::to_string(x[1]) + " are not a multiple of blocksize^2 = " +
                              std::to_string(b * b));
  return {{x[0], x[1] / (b * b), x[2] * b, x[3] * b}};
}

void RunDepthToSpace(FloatArgs& args) {
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const int64_t b = args.node.attrs.blocksize, c = x[1] / (b * b);
  args.out.resize(args.in[0]->size());
  if (args.node.attrs.mode == "DCR")  // channel = (by * b + bx) * c + k
    tensor::TransposeData(args.in[0]->data(), {x[0], b, b, c, x[2], x[3]}, {0, 3, 4, 1, 5, 2}, args.out.data());
  else  // CRD: channel = k * b * b + by * b + bx
    tensor::TransposeData(args.in[0]->data(), {x[0], c, b, b, x[2], x[3]}, {0, 1, 4, 2, 5, 3}, args.out.data());
}

std::vector<ir::Shape> InferSpaceToDepth(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = Input4d(g, node, "SpaceToDepth");
  const int64_t b = node.attrs.blocksize;
  if (x[2] % b != 0 || x[3] % b != 0)
    throw NodeError(node, "SpaceToDepth input " + ir::ShapeToString(x) + " is not divisible by blocksize " +
                              std::to_string(b));
  return {{x[0], x[1] * b * b, x[2] / b, x[3] / b}};
}

void RunSpaceToDepth(FloatArgs& args) {
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const int64_t b = args.node.attrs.blocksize;
  args.out.resize(args.in[0]->size());
  tensor::TransposeData(args.in[0]->data(), {x[0], x[1], x[2] / b, b, x[3] / b, b}, {0, 3, 5, 1, 2, 4},
                        args.out.data());
}

}  // namespace

const OpDef kTransposeOp{ir::OpKind::kTranspose, "Transpose", ParseTranspose, InferTranspose, RunTranspose,
                         nullptr, nullptr, false};
// limits: axes must be constant (folded)
const OpDef kSqueezeOp{ir::OpKind::kSqueeze, "Squeeze", ParseSqueeze, InferSqueeze, Copy, nullptr, nullptr, false};
// limits: axes must be constant (folded)
const OpDef kUnsqueezeOp{ir::OpKind::kUnsqueeze, "Unsqueeze", ParseUnsqueeze, InferUnsqueeze, Copy, nullptr, nullptr,
                         false};
const OpDef kDepthToSpaceOp{ir::OpKind::kDepthToSpace, "DepthToSpace", ParseDepthToSpace, InferDepthToSpace,
                            RunDepthToSpace, nullptr, nullptr, false};
const OpDef kSpaceToDepthOp{ir::OpKind::kSpaceToDepth, "SpaceToDepth", ParseSpaceToDepth, InferSpaceToDepth,
                            RunSpaceToDepth, nullptr, nullptr, false};

}  // namespace rknnsim::ops
