// Pad (opset 2-21): modes constant, reflect, edge and wrap (opset 19); pads and value as attributes
// before opset 11, as constant inputs (pads, optional constant_value, and from opset 18 the axes
// the pads are for) since. Negative pads crop. A constant_value fed at run time stays input 1
// (float32 reference only: the quantizer refuses it).
#include <algorithm>

#include "compiler/ops/op_util.h"
#include "compiler/ops/tensor.h"
#include "compiler/ops/tensor_util.h"

namespace rknnsim::ops {
namespace {

using tensor::HasInput;

// Opset 18: the pads [begins..., ends...] are for the listed axes only; the others are not padded.
void SpreadOverAxes(const std::vector<int64_t>& axes, const ir::Graph& g, ir::Node& node) {
  const int64_t rank = static_cast<int64_t>(InputShape(g, node, 0).size());
  std::vector<int64_t>& pads = node.attrs.ints;
  if (pads.size() != 2 * axes.size())
    throw NodeError(node, "Pad has " + std::to_string(pads.size()) + " pads for " + std::to_string(axes.size()) +
                              " axes (needs " + std::to_string(2 * axes.size()) + ")");
  std::vector<int64_t> full(static_cast<size_t>(2 * rank), 0);
  const std::vector<int64_t> normalized = tensor::NormalizeDistinctAxes(node, axes, rank, "Pad");
  for (size_t i = 0; i < axes.size(); ++i) {
    const size_t axis = static_cast<size_t>(normalized[i]);
    full[axis] = pads[i];
    full[axis + static_cast<size_t>(rank)] = pads[i + axes.size()];
  }
  pads = full;
}

void ParsePad(const AttrReader& reader, const ir::Graph& g, ir::Node& node) {
  if (!HasInput(node, 0)) throw NodeError(node, "Pad takes a data input");
  ir::Attributes& a = node.attrs;
  a.mode = reader.String("mode", "constant");
  if (a.mode != "constant" && a.mode != "reflect" && a.mode != "edge" && a.mode != "wrap")
    throw NodeError(node, "Pad mode '" + a.mode + "' is not supported", "use constant, reflect, edge or wrap");
  float value = 0.0f;
  int run_time_value = -1;
  if (reader.Has("pads")) {  // opset < 11
    a.ints = reader.Ints("pads");
    value = reader.Float("value", 0.0f);
  } else {
    if (!HasInput(node, 1)) throw NodeError(node, "Pad has no pads");
    a.ints = tensor::ConstInts(g, node, 1, "Pad", "'pads'");
    if (HasInput(node, 2)) {
      const ir::Tensor& v = g.tensor(node.inputs[2]);
      if (v.num_elements() > 1) throw NodeError(node, "Pad constant_value must be a scalar");
      if (!v.is_constant && v.num_elements() == 1) {
        run_time_value = node.inputs[2];  // read by the kernel (float32 reference only)
      } else if (v.num_elements() == 1) {
        value = tensor::ConstInput(g, node, 2, "Pad", "constant_value")[0];
      }
    }
    if (HasInput(node, 3)) SpreadOverAxes(tensor::ConstInts(g, node, 3, "Pad", "'axes'"), g, node);
  }
  a.floats = {value};
  node.inputs.resize(1);
  if (run_time_value >= 0) node.inputs.push_back(run_time_value);
}

std::vector<ir::Shape> InferPad(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  const std::vector<int64_t>& pads = node.attrs.ints;
  const size_t rank = x.size();
  if (pads.size() != 2 * rank)
    throw NodeError(node, "Pad has " + std::to_string(pads.size()) + " pads for a rank-" + std::to_string(rank) +
                              " input (needs " + std::to_string(2 * rank) + ")");
  for (int64_t p : pads)
    if (p > (int64_t{1} << 31) || p < -(int64_t{1} << 31)) throw NodeError(node, "Pad pads are too large");
  ir::Shape out(rank);
  for (size_t d = 0; d < rank; ++d) {
    out[d] = x[d] + pads[d] + pads[d + rank];
    if (out[d] < 0) throw NodeError(node, "Pad crops axis " + std::to_string(d) + " below zero");
    if (node.attrs.mode != "constant" && x[d] == 0 && out[d] > 0)
      throw NodeError(node, "Pad mode " + node.attrs.mode + " cannot pad an empty axis");
  }
  tensor::CheckOutputSize(node, out);
  return {out};
}

// Input index for a padded position i (may be outside [0, dim)); -1 means the constant value.
int64_t SourceIndex(const std::string& mode, int64_t i, int64_t dim) {
  if (i >= 0 && i < dim) return i;
  if (mode == "edge") return std::clamp<int64_t>(i, 0, dim - 1);
  if (mode == "wrap") return (i % dim + dim) % dim;
  if (mode == "reflect") {
    if (dim == 1) return 0;
    const int64_t period = 2 * (dim - 1);
    int64_t m = i % period;
    if (m < 0) m += period;
    return m < dim ? m : period - m;
  }
  return -1;
}

void RunPad(FloatArgs& args) {
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const ir::Shape out = InferPad(args.graph, args.node)[0];
  const std::vector<int64_t>& pads = args.node.attrs.ints;
  std::vector<std::vector<int64_t>> maps(x.size());
  for (size_t d = 0; d < x.size(); ++d)
    for (int64_t o = 0; o < out[d]; ++o) maps[d].push_back(SourceIndex(args.node.attrs.mode, o - pads[d], x[d]));
  const bool run_time_value = args.node.inputs.size() == 2;
  if (run_time_value && args.in[1]->size() != 1) throw NodeError(args.node, "Pad constant_value must be a scalar");
  const float value = run_time_value ? (*args.in[1])[0] : args.node.attrs.floats.empty() ? 0.0f : args.node.attrs.floats[0];
  args.out.resize(static_cast<size_t>(ir::NumElements(out)));
  if (!args.out.empty()) tensor::CopyByAxisMaps(args.in[0]->data(), x, maps, value, args.out.data());
}

}  // namespace

// limits: pads and axes must be constant (folded); a run-time constant_value runs in float32 only; modes constant/reflect/edge/wrap
const OpDef kPadOp{ir::OpKind::kPad, "Pad", ParsePad, InferPad, RunPad, nullptr, nullptr, false};

}  // namespace rknnsim::ops
