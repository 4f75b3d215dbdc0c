// numpy-style (ONNX "multidirectional") broadcasting: the output shape of an element-wise op and
// an iteration plan that maps each output element to its input elements without per-element index
// arithmetic. Shapes are right-aligned; along each axis the extents must be equal or one of them 1
// (a 1 stretches to the other extent, including 0).
//
// Typical kernel:
//   const BroadcastPlan plan = MakeBroadcastPlan({shape_a, shape_b}, out_shape);
//   BroadcastBinary(plan, a.data(), b.data(), out.data(), [](float x, float y) { return x - y; });
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "compiler/ir/tensor.h"

namespace rknnsim::ops {

// The broadcast shape of a and b, or nullopt when an axis has two different extents, neither 1.
std::optional<ir::Shape> TryBroadcastShape(const ir::Shape& a, const ir::Shape& b);
// The same, throwing Error "shapes (3,4) and (5) cannot be broadcast (axis -1: 4 vs 5)" otherwise.
ir::Shape BroadcastShape(const ir::Shape& a, const ir::Shape& b);
// The broadcast shape of all shapes (at least one); throws Error naming the first pair that clashes.
ir::Shape BroadcastShapes(const std::vector<ir::Shape>& shapes);
// True when `from` broadcasts to exactly `to` (ONNX "unidirectional" broadcasting: PRelu slope, Expand-like).
bool BroadcastsTo(const ir::Shape& from, const ir::Shape& to);

// Element strides of an input of shape `in` read in an output of shape `out` (rank of `out`, 0 on
// axes where `in` is broadcast or missing). Requires BroadcastsTo(in, out).
std::vector<int64_t> BroadcastStrides(const ir::Shape& in, const ir::Shape& out);

// The iteration space of an element-wise op: output axes of extent 1 are dropped and neighbouring
// axes merged when every input either reads both contiguously or broadcasts both, so a same-shape
// op is one flat run, "scalar op tensor" is one run with stride 0, and (N,C,H,W) + (C,1,1) is N*C
// runs of H*W. The innermost axis has stride 0 or 1 for every input.
struct BroadcastPlan {
  std::vector<int64_t> dims;                  // merged extents, outermost first; never empty
  std::vector<std::vector<int64_t>> strides;  // strides[input][axis], element units
  int64_t size = 0;                           // output element count

  int64_t inner() const { return dims.back(); }
  bool flat() const { return dims.size() == 1; }
};

// Plan for inputs of the given shapes producing `out` (each input must broadcast to `out`).
BroadcastPlan MakeBroadcastPlan(const std::vector<ir::Shape>& inputs, const ir::Shape& out);

// Calls row(out_offset, in_offsets) for each run of plan.inner() output elements, with the offset
// of the run's first element in the output and in each input (in_offsets has one entry per input).
template <typename Row>
void ForEachBroadcastRow(const BroadcastPlan& plan, Row&& row) {
  if (plan.size == 0) return;
  const size_t n_in = plan.strides.size();
  const size_t outer_rank = plan.dims.size() - 1;
  std::vector<int64_t> offsets(n_in, 0);
  if (outer_rank == 0) {
    row(int64_t{0}, static_cast<const int64_t*>(offsets.data()));
    return;
  }
  std::vector<int64_t> index(outer_rank, 0);
  const int64_t inner = plan.inner();
  for (int64_t out_offset = 0; out_offset < plan.size; out_offset += inner) {
    row(out_offset, static_cast<const int64_t*>(offsets.data()));
    // Odometer step over the outer axes, updating every input offset incrementally.
    for (size_t axis = outer_rank; axis-- > 0;) {
      if (++index[axis] < plan.dims[axis]) {
        for (size_t i = 0; i < n_in; ++i) offsets[i] += plan.strides[i][axis];
        break;
      }
      index[axis] = 0;
      for (size_t i = 0; i < n_in; ++i) offsets[i] -= plan.strides[i][axis] * (plan.dims[axis] - 1);
    }
  }
}

// out[k] = f(a[..], b[..]) over a two-input plan. `out` may alias `a` or `b` when that input has
// the output's shape (used to fold variadic Min/Max in place).
template <typename T, typename F>
void BroadcastBinary(const BroadcastPlan& plan, const T* a, const T* b, T* out, F f) {
  const int64_t n = plan.inner();
  const int64_t sa = plan.strides[0].back(), sb = plan.strides[1].back();
  ForEachBroadcastRow(plan, [&](int64_t o, const int64_t* in) {
    const T* pa = a + in[0];
    const T* pb = b + in[1];
    T* po = out + o;
    if (sa == 1 && sb == 1) {
      for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], pb[i]);
    } else if (sa == 1) {
      const T vb = *pb;
      for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], vb);
    } else if (sb == 1) {
      const T va = *pa;
      for (int64_t i = 0; i < n; ++i) po[i] = f(va, pb[i]);
    } else {
      const T v = f(*pa, *pb);
      for (int64_t i = 0; i < n; ++i) po[i] = v;
    }
  });
}

// Writes `in` stretched to the plan's output shape (a one-input plan), as Expand does.
template <typename T>
void BroadcastCopy(const BroadcastPlan& plan, const T* in, T* out) {
  const int64_t n = plan.inner();
  const int64_t s = plan.strides[0].back();
  ForEachBroadcastRow(plan, [&](int64_t o, const int64_t* off) {
    const T* p = in + off[0];
    T* po = out + o;
    if (s == 1) {
      for (int64_t i = 0; i < n; ++i) po[i] = p[i];
    } else {
      for (int64_t i = 0; i < n; ++i) po[i] = *p;
    }
  });
}

}  // namespace rknnsim::ops
