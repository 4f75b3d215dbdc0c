// Softmax (ONNX opset 9-21). Opset >= 13: along the single axis `axis` (default -1). Opset < 13
// (the graph's opset, read at parse time): the input is coerced to 2-D at `axis` (default 1) and
// the softmax runs over the flattened axes [axis, rank). The parse records the form in
// attrs.ints = {1} (coerced) so the kernel does not depend on the opset.
#include <algorithm>
#include <cmath>

#include "compiler/ops/nn.h"
#include "compiler/ops/op_util.h"

namespace rknnsim::ops {
namespace {

bool Coerced(const ir::Node& node) { return !node.attrs.ints.empty() && node.attrs.ints[0] != 0; }

void Parse(const AttrReader& reader, const ir::Graph& g, ir::Node& node) {
  if (node.inputs.size() != 1 || node.inputs[0] < 0) throw NodeError(node, "Softmax takes one input");
  const bool old = g.opset() < 13;
  node.attrs.axis = reader.Int("axis", old ? 1 : -1);
  node.attrs.ints = {old ? 1 : 0};
}

std::vector<ir::Shape> Infer(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  if (x.empty()) throw NodeError(node, "Softmax needs an input of rank >= 1");
  NormalizeAxis(node, node.attrs.axis, x.size());
  return {x};
}

void RunFloat(FloatArgs& args) {
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const int64_t axis = NormalizeAxis(args.node, args.node.attrs.axis, x.size());
  int64_t outer = 1, len = 1, inner = 1;
  for (int64_t i = 0; i < static_cast<int64_t>(x.size()); ++i) {
    if (i < axis) outer *= x[i];
    else if (i == axis || Coerced(args.node)) len *= x[i];
    else inner *= x[i];
  }
  const float* src = args.in[0]->data();
  args.out.resize(args.in[0]->size());
  float* dst = args.out.data();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      const int64_t base = o * len * inner + in;
      float mx = -INFINITY;
      for (int64_t j = 0; j < len; ++j) mx = std::max(mx, src[base + j * inner]);
      double sum = 0.0;
      for (int64_t j = 0; j < len; ++j) {
        const float e = std::exp(src[base + j * inner] - mx);
        dst[base + j * inner] = e;
        sum += e;
      }
      const float inv = static_cast<float>(1.0 / sum);
      for (int64_t j = 0; j < len; ++j) dst[base + j * inner] *= inv;
    }
}

}  // namespace

// limits: follows the model opset's semantics (before 13: input coerced to 2-D at axis)
const OpDef kSoftmaxOp{ir::OpKind::kSoftmax, "Softmax", Parse, Infer, RunFloat, nullptr, nullptr, false};

}  // namespace rknnsim::ops
