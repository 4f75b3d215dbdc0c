// Helpers shared by the element-wise op files (see elementwise.h).
#include <cmath>
#include <optional>
#include <string>

#include "compiler/ops/broadcast.h"
#include "compiler/ops/elementwise.h"
#include "compiler/ops/op_util.h"

namespace rknnsim::ops {

void RequireInputs(const ir::Node& node, const char* op, size_t min, size_t max) {
  const size_t n = node.inputs.size();
  if (n < min || (max != 0 && n > max)) {
    std::string want = std::to_string(min);
    if (max == 0) want = "at least " + want;
    else if (max != min) want += " to " + std::to_string(max);
    throw NodeError(node, std::string(op) + " takes " + want + " input" + (min == 1 && max == 1 ? "" : "s") +
                              ", got " + std::to_string(n));
  }
  for (size_t i = 0; i < n; ++i)
    if (node.inputs[i] < 0)
      throw NodeError(node, std::string(op) + " input " + std::to_string(i) + " is missing (empty name)",
                      "every input of " + std::string(op) + " is required");
}

ir::Shape InferBroadcast(const ir::Graph& g, const ir::Node& node, const char* op) {
  ir::Shape out = InputShape(g, node, 0);
  for (size_t i = 1; i < node.inputs.size(); ++i) {
    const ir::Shape& next = InputShape(g, node, i);
    std::optional<ir::Shape> s = TryBroadcastShape(out, next);
    if (s) {
      out = std::move(*s);
      continue;
    }
    std::string what = std::string(op) + ": ";
    if (i == 1)
      what += "input shapes " + ir::ShapeToString(out) + " and " + ir::ShapeToString(next) + " cannot be broadcast";
    else
      what += "input " + std::to_string(i) + " of shape " + ir::ShapeToString(next) +
              " cannot be broadcast with shape " + ir::ShapeToString(out) + " of the inputs before it";
    throw NodeError(node, what, "numpy broadcasting needs equal extents or 1 on every right-aligned axis");
  }
  return out;
}

void CheckInputSize(const FloatArgs& args, size_t i) {
  const ir::Tensor& t = args.graph.tensor(args.node.inputs.at(i));
  if (static_cast<int64_t>(args.in.at(i)->size()) != t.num_elements())
    throw NodeError(args.node, "input " + std::to_string(i) + " ('" + t.name + "') holds " +
                                   std::to_string(args.in[i]->size()) + " values, its shape " +
                                   ir::ShapeToString(t.shape) + " needs " + std::to_string(t.num_elements()));
}

float FiniteAttr(const AttrReader& reader, const ir::Node& node, const char* name, float fallback) {
  const float v = reader.Float(name, fallback);
  if (!std::isfinite(v))
    throw NodeError(node, std::string("attribute ") + name + " is not a finite number", "re-export the model");
  return v;
}

}  // namespace rknnsim::ops
