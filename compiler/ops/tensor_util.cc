#include "compiler/ops/tensor_util.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "compiler/ops/op_util.h"

namespace rknnsim::ops::tensor {

int64_t ToInt(float v) {
  constexpr double kLimit = 4611686018427387904.0;  // 2^62
  if (std::isnan(v)) return 0;
  const double d = std::trunc(static_cast<double>(v));
  if (d >= kLimit) return int64_t{1} << 62;
  if (d <= -kLimit) return -(int64_t{1} << 62);
  return static_cast<int64_t>(d);
}

bool HasInput(const ir::Node& node, size_t i) { return i < node.inputs.size() && node.inputs[i] >= 0; }

const std::vector<float>& ConstInput(const ir::Graph& g, const ir::Node& node, size_t i, const std::string& op,
                                     const std::string& what) {
  const ir::Tensor& t = g.tensor(node.inputs.at(i));
  if (!t.is_constant)
    throw NodeError(node, op + " with a computed " + what + " makes the model dynamic",
                    "fix the input size and export with constant folding (torch.onnx.export(..., "
                    "do_constant_folding=True), or onnxsim)");
  if (static_cast<int64_t>(t.float_data.size()) != t.num_elements())
    throw NodeError(node, op + " " + what + " '" + t.name + "' has no float data");
  return t.float_data;
}

std::vector<int64_t> ConstInts(const ir::Graph& g, const ir::Node& node, size_t i, const std::string& op,
                               const std::string& what) {
  std::vector<int64_t> out;
  for (float v : ConstInput(g, node, i, op, what)) out.push_back(ToInt(v));
  return out;
}

int64_t NormalizeAxis(const ir::Node& node, int64_t axis, int64_t rank, const std::string& what) {
  const int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    throw NodeError(node, what + " " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return a;
}

std::vector<int64_t> NormalizeDistinctAxes(const ir::Node& node, std::vector<int64_t> axes, int64_t rank,
                                           const std::string& op) {
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t& axis : axes) {
    axis = NormalizeAxis(node, axis, rank, op + " axes entry");
    if (seen[static_cast<size_t>(axis)]) throw NodeError(node, op + " axes repeat axis " + std::to_string(axis));
    seen[static_cast<size_t>(axis)] = true;
  }
  return axes;
}

void CheckOutputSize(const ir::Node& node, const ir::Shape& shape) {
  constexpr int64_t kMaxElements = int64_t{1} << 31;
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw NodeError(node, "output shape " + ir::ShapeToString(shape) + " has a negative dimension");
    if (d > 0 && n > kMaxElements / d)
      throw NodeError(node, "output shape " + ir::ShapeToString(shape) + " is too large",
                      "check the op's scales, repeats or shape parameters");
    n *= d;
  }
}

std::vector<int64_t> Strides(const ir::Shape& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) s[i - 1] = s[i] * shape[i];
  return s;
}

namespace {

// A run of the last output axis: `len` outputs from `in_begin` on (contiguous), or fill if < 0.
struct Run {
  int64_t out_begin;
  int64_t in_begin;
  int64_t len;
};

std::vector<Run> MakeRuns(const std::vector<int64_t>& map) {
  std::vector<Run> runs;
  for (int64_t o = 0; o < static_cast<int64_t>(map.size()); ++o) {
    const int64_t m = map[o];
    if (!runs.empty()) {
      Run& r = runs.back();
      if ((m < 0 && r.in_begin < 0) || (m >= 0 && r.in_begin >= 0 && m == r.in_begin + r.len)) {
        ++r.len;
        continue;
      }
    }
    runs.push_back({o, m < 0 ? -1 : m, 1});
  }
  return runs;
}

}  // namespace

void CopyByAxisMaps(const float* in, const ir::Shape& in_shape, const std::vector<std::vector<int64_t>>& maps,
                    float fill, float* out) {
  const size_t rank = in_shape.size();
  if (rank == 0) {
    out[0] = in[0];
    return;
  }
  const std::vector<int64_t> strides = Strides(in_shape);
  const std::vector<Run> runs = MakeRuns(maps[rank - 1]);
  const int64_t row = static_cast<int64_t>(maps[rank - 1].size());
  int64_t rows = 1;
  for (size_t a = 0; a + 1 < rank; ++a) rows *= static_cast<int64_t>(maps[a].size());
  if (row == 0 || rows == 0) return;
  std::vector<int64_t> c(rank - 1, 0);
  for (int64_t r = 0; r < rows; ++r) {
    int64_t base = 0;
    bool valid = true;
    for (size_t a = 0; a + 1 < rank; ++a) {
      const int64_t m = maps[a][c[a]];
      if (m < 0) {
        valid = false;
        break;
      }
      base += m * strides[a];
    }
    float* o = out + r * row;
    if (!valid) {
      std::fill_n(o, row, fill);
    } else {
      const float* src = in + base;
      for (const Run& run : runs) {
        if (run.in_begin < 0)
          std::fill_n(o + run.out_begin, run.len, fill);
        else if (run.len == 1)
          o[run.out_begin] = src[run.in_begin];
        else
          std::memcpy(o + run.out_begin, src + run.in_begin, static_cast<size_t>(run.len) * sizeof(float));
      }
    }
    for (size_t a = rank - 1; a-- > 0;) {
      if (++c[a] < static_cast<int64_t>(maps[a].size())) break;
      c[a] = 0;
    }
  }
}

void TransposeData(const float* in, const ir::Shape& in_shape, const std::vector<int64_t>& perm, float* out) {
  const std::vector<int64_t> in_strides = Strides(in_shape);
  // Output dims with their input strides; size-1 dims dropped, adjacent dims merged.
  std::vector<int64_t> dims, strides;
  int64_t total = 1;
  for (int64_t p : perm) {
    const int64_t d = in_shape[p], s = in_strides[p];
    total *= d;
    if (d == 1) continue;
    if (!dims.empty() && strides.back() == s * d) {
      dims.back() *= d;
      strides.back() = s;
    } else {
      dims.push_back(d);
      strides.push_back(s);
    }
  }
  if (total == 0) return;
  if (dims.empty() || (dims.size() == 1 && strides[0] == 1)) {
    std::memcpy(out, in, static_cast<size_t>(total) * sizeof(float));
    return;
  }
  const size_t n = dims.size();
  const int64_t row = dims[n - 1], row_stride = strides[n - 1];
  const int64_t rows = total / row;
  std::vector<int64_t> c(n - 1, 0);
  int64_t base = 0;
  for (int64_t r = 0; r < rows; ++r) {
    float* o = out + r * row;
    const float* src = in + base;
    if (row_stride == 1) {
      std::memcpy(o, src, static_cast<size_t>(row) * sizeof(float));
    } else {
      for (int64_t i = 0; i < row; ++i) o[i] = src[i * row_stride];
    }
    for (size_t a = n - 1; a-- > 0;) {
      base += strides[a];
      if (++c[a] < dims[a]) break;
      base -= strides[a] * dims[a];
      c[a] = 0;
    }
  }
}

}  // namespace rknnsim::ops::tensor
