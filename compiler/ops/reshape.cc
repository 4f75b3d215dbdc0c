// Flatten (opset 1-21) and Reshape (opset 5-21, constant shape): data is unchanged in NCHW order.
#include "compiler/ops/op_list.h"
#include "compiler/ops/op_util.h"

namespace rknnsim::ops {
namespace {

void ParseFlatten(const AttrReader& reader, const ir::Graph&, ir::Node& node) {
  node.attrs.axis = reader.Int("axis", 1);
}

std::vector<ir::Shape> InferFlatten(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  int64_t axis = node.attrs.axis;
  if (axis < 0) axis += static_cast<int64_t>(x.size());
  if (axis < 0 || axis > static_cast<int64_t>(x.size())) throw NodeError(node, "Flatten axis out of range");
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < static_cast<int64_t>(x.size()); ++i) (i < axis ? outer : inner) *= x[i];
  return {{outer, inner}};
}

void ParseReshape(const AttrReader&, const ir::Graph& g, ir::Node& node) {
  if (node.inputs.size() != 2) throw NodeError(node, "Reshape takes two inputs");
  const ir::Tensor& shape = g.tensor(node.inputs[1]);
  if (!shape.is_constant)
    throw NodeError(node, "Reshape with a computed shape makes the model dynamic",
                    "export with constant folding or fix the input size");
  for (float v : shape.float_data) node.attrs.target_shape.push_back(static_cast<int64_t>(v));
  node.inputs.resize(1);
}

std::vector<ir::Shape> InferReshape(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  ir::Shape out = node.attrs.target_shape;
  int64_t known = 1, infer_at = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == 0) out[i] = i < x.size() ? x[i] : 0;
    if (out[i] == -1) {
      if (infer_at >= 0) throw NodeError(node, "Reshape with two -1 dimensions");
      infer_at = static_cast<int64_t>(i);
    } else {
      known *= out[i];
    }
  }
  const int64_t total = ir::NumElements(x);
  if (infer_at >= 0) out[infer_at] = known ? total / known : 0;
  if (ir::NumElements(out) != total)
    throw NodeError(node, "cannot reshape " + ir::ShapeToString(x) + " to " + ir::ShapeToString(out));
  return {out};
}

template <typename Args>
void Copy(Args& args) {
  args.out = *args.in[0];
}

}  // namespace

const OpDef kFlattenOp{ir::OpKind::kFlatten, "Flatten", ParseFlatten, InferFlatten, Copy<FloatArgs>, Copy<Int8Args>,
                       Copy<FloatArgs>, true};
// limits: shape must be constant; 0 copies the input dimension (allowzero=1 is not honoured)
const OpDef kReshapeOp{ir::OpKind::kReshape, "Reshape", ParseReshape, InferReshape, Copy<FloatArgs>,
                       Copy<Int8Args>, Copy<FloatArgs>, true};

}  // namespace rknnsim::ops
