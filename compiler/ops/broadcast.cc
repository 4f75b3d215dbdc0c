#include "compiler/ops/broadcast.h"

#include <algorithm>
#include <string>

#include "common/error.h"

namespace rknnsim::ops {
namespace {

// Extent of `shape` on the axis `back` positions from the right (1 beyond its rank).
int64_t FromRight(const ir::Shape& shape, size_t back) {
  return back < shape.size() ? shape[shape.size() - 1 - back] : 1;
}

}  // namespace

std::optional<ir::Shape> TryBroadcastShape(const ir::Shape& a, const ir::Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  ir::Shape out(rank);
  for (size_t back = 0; back < rank; ++back) {
    const int64_t x = FromRight(a, back), y = FromRight(b, back);
    if (x != y && x != 1 && y != 1) return std::nullopt;
    out[rank - 1 - back] = x == 1 ? y : x;
  }
  return out;
}

ir::Shape BroadcastShape(const ir::Shape& a, const ir::Shape& b) {
  if (std::optional<ir::Shape> out = TryBroadcastShape(a, b)) return *out;
  const size_t rank = std::max(a.size(), b.size());
  std::string detail;
  for (size_t back = 0; back < rank; ++back) {
    const int64_t x = FromRight(a, back), y = FromRight(b, back);
    if (x != y && x != 1 && y != 1) {
      detail = " (axis -" + std::to_string(back + 1) + ": " + std::to_string(x) + " vs " + std::to_string(y) + ")";
      break;
    }
  }
  throw Error("shapes " + ir::ShapeToString(a) + " and " + ir::ShapeToString(b) + " cannot be broadcast" + detail,
              "numpy broadcasting needs equal extents or 1 on every right-aligned axis");
}

ir::Shape BroadcastShapes(const std::vector<ir::Shape>& shapes) {
  if (shapes.empty()) return {};
  ir::Shape out = shapes[0];
  for (size_t i = 1; i < shapes.size(); ++i) out = BroadcastShape(out, shapes[i]);
  return out;
}

bool BroadcastsTo(const ir::Shape& from, const ir::Shape& to) {
  if (from.size() > to.size()) return false;
  for (size_t back = 0; back < from.size(); ++back) {
    const int64_t x = FromRight(from, back);
    if (x != 1 && x != FromRight(to, back)) return false;
  }
  return true;
}

std::vector<int64_t> BroadcastStrides(const ir::Shape& in, const ir::Shape& out) {
  std::vector<int64_t> strides(out.size(), 0);
  int64_t stride = 1;
  for (size_t back = 0; back < in.size() && back < out.size(); ++back) {
    const size_t axis = out.size() - 1 - back;
    const int64_t extent = FromRight(in, back);
    strides[axis] = extent == 1 ? 0 : stride;
    stride *= extent;
  }
  return strides;
}

BroadcastPlan MakeBroadcastPlan(const std::vector<ir::Shape>& inputs, const ir::Shape& out) {
  for (const ir::Shape& in : inputs)
    if (!BroadcastsTo(in, out))
      throw Error("shape " + ir::ShapeToString(in) + " cannot be broadcast to " + ir::ShapeToString(out));
  BroadcastPlan plan;
  plan.size = ir::NumElements(out);
  plan.strides.resize(inputs.size());
  std::vector<std::vector<int64_t>> full(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) full[i] = BroadcastStrides(inputs[i], out);

  for (size_t axis = 0; axis < out.size(); ++axis) {
    if (out[axis] == 1) continue;  // contributes nothing to the iteration
    bool merge = !plan.dims.empty();
    // Merging axis into the previous kept one is valid when each input reads both the same way:
    // both broadcast (strides 0), or contiguous across the pair (outer stride = inner stride * extent).
    for (size_t i = 0; merge && i < inputs.size(); ++i) {
      const int64_t outer = plan.strides[i].back(), inner = full[i][axis];
      merge = (outer == 0 && inner == 0) || (outer != 0 && inner != 0 && outer == inner * out[axis]);
    }
    if (merge) {
      plan.dims.back() *= out[axis];
      for (size_t i = 0; i < inputs.size(); ++i) plan.strides[i].back() = full[i][axis];
    } else {
      plan.dims.push_back(out[axis]);
      for (size_t i = 0; i < inputs.size(); ++i) plan.strides[i].push_back(full[i][axis]);
    }
  }
  if (plan.dims.empty()) {  // scalar or all-ones output: one element
    plan.dims.push_back(1);
    for (auto& s : plan.strides) s.push_back(0);
  }
  return plan;
}

}  // namespace rknnsim::ops
