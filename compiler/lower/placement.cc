#include "compiler/lower/placement.h"

#include "common/error.h"
#include "compiler/ops/elementwise.h"
#include "compiler/ops/nn.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/tensor.h"

namespace rknnsim::lower {
namespace {

bool IsActivation(const ir::Graph& g, int id) { return !g.tensor(id).is_constant; }

bool AllNpuShaped(const ir::Graph& g, const ir::Node& n) {
  for (int id : n.inputs)
    if (IsActivation(g, id) && !IsNpuShape(g.tensor(id).shape)) return false;
  for (int id : n.outputs)
    if (!IsNpuShape(g.tensor(id).shape)) return false;
  return true;
}

bool IsVector(const ir::Shape& s) { return IsNpuShape(s) && (s.size() == 2 || (s[2] == 1 && s[3] == 1)); }

}  // namespace

// Unary element-wise activations on int8: the DPU's lookup table computes them exactly as the
// CPU would (ops::IsElementwiseUnary).
bool IsLutActivation(const ir::Graph& g, const ir::Node& n) {
  return ops::IsElementwiseUnary(n.op) && n.inputs.size() == 1 && IsActivation(g, n.inputs[0]) &&
         g.tensor(n.inputs[0]).dtype == ir::DType::kInt8 && g.tensor(n.outputs[0]).shape == g.tensor(n.inputs[0]).shape;
}

bool IsNpuShape(const ir::Shape& s) { return (s.size() == 4 || s.size() == 2) && s[0] == 1; }

bool IsDepthwise(const ir::Graph& g, const ir::Node& n) {
  if (n.op != ir::OpKind::kConv) return false;
  const ir::Shape& in = g.tensor(n.inputs[0]).shape;
  return n.attrs.group > 1 && n.attrs.group == in[1] && g.tensor(n.inputs[1]).shape[0] == in[1];
}

bool IsNpuAlias(const ir::Graph& g, const ir::Node& n) {
  if (n.op != ir::OpKind::kFlatten && n.op != ir::OpKind::kReshape) return false;
  const ir::Shape& in = g.tensor(n.inputs[0]).shape;
  const ir::Shape& out = g.tensor(n.outputs[0]).shape;
  return IsActivation(g, n.inputs[0]) && IsVector(in) && IsVector(out) && in[1] == out[1];
}

bool IsNpuConcat(const ir::Graph& g, const ir::Node& n, const isa::PlatformConfig& p) {
  if (n.op != ir::OpKind::kConcat) return false;
  const ir::Shape& out = g.tensor(n.outputs[0]).shape;
  const int64_t axis = n.attrs.axis < 0 ? n.attrs.axis + static_cast<int64_t>(out.size()) : n.attrs.axis;
  if (axis != 1) return false;
  const bool fp16 = g.tensor(n.outputs[0]).dtype == ir::DType::kFloat16;
  const int64_t c2 = fp16 ? p.c2_fp16 : p.c2_int8;
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    if (!IsActivation(g, n.inputs[i])) return false;
    if (i + 1 < n.inputs.size() && g.tensor(n.inputs[i]).shape[1] % c2 != 0) return false;
  }
  return true;
}

bool IsNpuSplit(const ir::Graph& g, const ir::Node& n, const isa::PlatformConfig& p) {
  if (n.op != ir::OpKind::kSplit || !IsActivation(g, n.inputs[0])) return false;
  const ir::Shape& in = g.tensor(n.inputs[0]).shape;
  const int64_t axis = n.attrs.axis < 0 ? n.attrs.axis + static_cast<int64_t>(in.size()) : n.attrs.axis;
  if (axis != 1) return false;
  const int64_t c2 = g.tensor(n.inputs[0]).dtype == ir::DType::kFloat16 ? p.c2_fp16 : p.c2_int8;
  for (size_t k = 0; k + 1 < n.outputs.size(); ++k)
    if (g.tensor(n.outputs[k]).shape[1] % c2 != 0) return false;
  return true;
}

bool IsNpuResize(const ir::Graph& g, const ir::Node& n, uint32_t* factor_h, uint32_t* factor_w) {
  if ((n.op != ir::OpKind::kResize && n.op != ir::OpKind::kUpsample) || n.attrs.mode != "nearest") return false;
  if (!IsActivation(g, n.inputs[0])) return false;
  const ir::Shape& in = g.tensor(n.inputs[0]).shape;
  const ir::Shape& out = g.tensor(n.outputs[0]).shape;
  if (in.size() != 4 || out.size() != 4 || in[0] != 1 || out[0] != 1 || in[1] != out[1]) return false;
  if (in[2] <= 0 || in[3] <= 0 || out[2] % in[2] != 0 || out[3] % in[3] != 0) return false;
  const int64_t fh = out[2] / in[2], fw = out[3] / in[3];
  if (fh < 1 || fw < 1 || fh > 64 || fw > 64) return false;  // a data-movement task, not a broadcast
  // The op's own coordinate rule must read input o / f for output o (f = 1 on N and C).
  std::vector<std::vector<int64_t>> maps;
  try {
    maps = ops::NearestResizeMaps(g, n);
  } catch (const Error&) {
    return false;  // attributes the reference cannot resolve: the CPU fallback reports the error if it runs
  }
  if (maps.size() != 4) return false;
  for (size_t axis = 0; axis < 4; ++axis) {
    const int64_t f = axis == 2 ? fh : axis == 3 ? fw : 1;
    for (size_t o = 0; o < maps[axis].size(); ++o)
      if (maps[axis][o] != static_cast<int64_t>(o) / f) return false;
  }
  if (factor_h) *factor_h = static_cast<uint32_t>(fh);
  if (factor_w) *factor_w = static_cast<uint32_t>(fw);
  return true;
}

bool IsNpuMul(const ir::Graph& g, const ir::Node& n) {
  if (n.op != ir::OpKind::kMul || n.inputs.size() != 2) return false;
  if (!IsActivation(g, n.inputs[0]) || !IsActivation(g, n.inputs[1])) return false;
  const ir::Shape& a = g.tensor(n.inputs[0]).shape;
  const ir::Shape& b = g.tensor(n.inputs[1]).shape;
  return IsNpuShape(a) && IsNpuShape(b) && (a == b || ops::ChannelMultiplierOperand(a, b) >= 0);
}

bool IsNpuAveragePool(const ir::Graph& g, const ir::Node& n) {
  return n.op == ir::OpKind::kAveragePool && IsActivation(g, n.inputs[0]) && ops::AveragePoolWindowsUniform(g, n);
}

bool IsNpuPlaceable(const ir::Graph& g, const ir::Node& n, const isa::PlatformConfig& p) {
  // A Convert walks elements through Surface::Offset, so linear (CPU-layout) surfaces work too.
  if (n.op != ir::OpKind::kConvert && !AllNpuShaped(g, n)) return false;
  switch (n.op) {
    case ir::OpKind::kConvert: return true;
    case ir::OpKind::kConv: return n.attrs.group == 1 || IsDepthwise(g, n);
    case ir::OpKind::kGemm: return true;
    case ir::OpKind::kAdd:
      return IsActivation(g, n.inputs[0]) && IsActivation(g, n.inputs[1]) &&
             g.tensor(n.inputs[0]).shape == g.tensor(n.inputs[1]).shape;
    case ir::OpKind::kMaxPool:
    case ir::OpKind::kGlobalAveragePool: return g.tensor(n.inputs[0]).shape.size() == 4;
    case ir::OpKind::kFlatten:
    case ir::OpKind::kReshape: return IsNpuAlias(g, n);
    case ir::OpKind::kConcat: return IsNpuConcat(g, n, p);
    case ir::OpKind::kSplit: return IsNpuSplit(g, n, p);
    case ir::OpKind::kMul: return IsNpuMul(g, n);
    case ir::OpKind::kAveragePool: return IsNpuAveragePool(g, n);
    case ir::OpKind::kResize:
    case ir::OpKind::kUpsample: return IsNpuResize(g, n);
    case ir::OpKind::kZeroInsert: return IsActivation(g, n.inputs[0]);  // §21: a DPU data-movement task
    default: return IsLutActivation(g, n);
  }
}

PlacementOptions PlacementOptionsForLevel(int optimization_level) {
  PlacementOptions options;
  options.resize_on_npu = optimization_level >= 3;
  return options;
}

int AssignPlacement(ir::Graph& graph, const isa::PlatformConfig& platform, const PlacementOptions& options) {
  int on_cpu = 0;
  for (ir::Node& n : graph.nodes()) {
    const bool is_resize = n.op == ir::OpKind::kResize || n.op == ir::OpKind::kUpsample;
    n.on_cpu = !IsNpuPlaceable(graph, n, platform) || (is_resize && !options.resize_on_npu);
    on_cpu += n.on_cpu;
  }
  return on_cpu;
}

}  // namespace rknnsim::lower
