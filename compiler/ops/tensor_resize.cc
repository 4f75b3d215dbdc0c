// Resize (opset 10-17) and Upsample (opset 9): nearest on any axes, linear (bilinear) on the last two
// axes. Scales or sizes come from constant inputs; roi is ignored (tf_crop_and_resize is refused).
// Opset 10 Resize and Upsample use asymmetric coordinates with floor rounding (as PyTorch's nearest).
// Coordinates follow the ONNX reference implementation: with scales, the resized length in the
// coordinate formulas is scale * input length (it equals the output size when that is integral).
// Sizes and coordinates are computed in float32 as onnxruntime does: PyTorch's exports compute
// scales such as 1/3 or 7/5 in float32 and rely on that rounding (floor(5 * 1.4f) = 7).
#include <algorithm>
#include <cmath>

#include "compiler/ops/op_util.h"
#include "compiler/ops/tensor.h"
#include "compiler/ops/tensor_util.h"

namespace rknnsim::ops {
namespace {

using tensor::HasInput;

void CheckMode(ir::Node& node, const std::string& op) {
  std::string& mode = node.attrs.mode;
  if (mode == "bilinear") mode = "linear";  // Upsample's old spelling
  if (mode == "cubic")
    throw NodeError(node, op + " mode 'cubic' is not supported", "export with nearest or (bi)linear interpolation");
  if (mode != "nearest" && mode != "linear")
    throw NodeError(node, op + " mode '" + mode + "' is not supported", "use nearest or linear");
}

void SetScales(const ir::Graph& g, ir::Node& node, size_t input, const std::string& op) {
  node.attrs.floats = tensor::ConstInput(g, node, input, op, "'scales'");
  for (float s : node.attrs.floats)
    if (!(s > 0.0f)) throw NodeError(node, op + " scales must be positive");
}

void ParseResize(const AttrReader& reader, const ir::Graph& g, ir::Node& node) {
  if (!HasInput(node, 0)) throw NodeError(node, "Resize takes a data input");
  ir::Attributes& a = node.attrs;
  a.mode = reader.String("mode", "nearest");
  CheckMode(node, "Resize");
  if (reader.Int("antialias", 0) != 0 || reader.Has("axes") ||
      reader.String("keep_aspect_ratio_policy", "stretch") != "stretch")
    throw NodeError(node, "Resize attributes of opset 18 are not supported", "export with opset 17 or lower");
  if (g.opset() < 11) {  // opset 10: X, scales
    a.coordinate_mode = "asymmetric";
    a.nearest_mode = "floor";
    if (node.inputs.size() != 2 || !HasInput(node, 1)) throw NodeError(node, "Resize (opset 10) takes X and scales");
    SetScales(g, node, 1, "Resize");
  } else {
    a.coordinate_mode = reader.String("coordinate_transformation_mode", "half_pixel");
    if (a.coordinate_mode == "tf_half_pixel_for_nearest") a.coordinate_mode = "tf_half_pixel_for_nn";
    if (a.coordinate_mode == "tf_crop_and_resize")
      throw NodeError(node, "Resize coordinate_transformation_mode 'tf_crop_and_resize' is not supported",
                      "crop with Slice, then Resize");
    if (a.coordinate_mode != "half_pixel" && a.coordinate_mode != "asymmetric" &&
        a.coordinate_mode != "align_corners" && a.coordinate_mode != "pytorch_half_pixel" &&
        a.coordinate_mode != "tf_half_pixel_for_nn")
      throw NodeError(node, "Resize coordinate_transformation_mode '" + a.coordinate_mode + "' is not supported",
                      "use half_pixel, pytorch_half_pixel, align_corners, asymmetric or tf_half_pixel_for_nn");
    a.nearest_mode = reader.String("nearest_mode", "round_prefer_floor");
    if (a.nearest_mode != "round_prefer_floor" && a.nearest_mode != "round_prefer_ceil" && a.nearest_mode != "floor" &&
        a.nearest_mode != "ceil")
      throw NodeError(node, "Resize nearest_mode '" + a.nearest_mode + "' is not supported",
                      "use round_prefer_floor, round_prefer_ceil, floor or ceil");
    if (HasInput(node, 2) && g.tensor(node.inputs[2]).num_elements() > 0) SetScales(g, node, 2, "Resize");
    if (HasInput(node, 3) && g.tensor(node.inputs[3]).num_elements() > 0) {
      if (!a.floats.empty()) throw NodeError(node, "Resize has both scales and sizes", "give only one of them");
      a.ints = tensor::ConstInts(g, node, 3, "Resize", "'sizes'");
      for (int64_t s : a.ints)
        if (s <= 0) throw NodeError(node, "Resize sizes must be positive");
    }
    if (node.inputs.size() > 4) throw NodeError(node, "Resize takes at most four inputs");
  }
  if (a.floats.empty() && a.ints.empty()) throw NodeError(node, "Resize has neither scales nor sizes");
  node.inputs.resize(1);
}

void ParseUpsample(const AttrReader& reader, const ir::Graph& g, ir::Node& node) {
  if (!HasInput(node, 0)) throw NodeError(node, "Upsample takes a data input");
  ir::Attributes& a = node.attrs;
  a.mode = reader.String("mode", "nearest");
  CheckMode(node, "Upsample");
  a.coordinate_mode = "asymmetric";
  a.nearest_mode = "floor";
  if (node.inputs.size() != 2 || !HasInput(node, 1))
    throw NodeError(node, "Upsample takes data and scales inputs (opset 9)", "re-export with opset 9 or newer");
  SetScales(g, node, 1, "Upsample");
  node.inputs.resize(1);
}

// One axis of the resize: input and output length, the scale and the resized length of the
// coordinate formulas.
struct Axis {
  int64_t in = 0, out = 0;
  float scale = 1.0f, resized = 1.0f;
};

std::vector<Axis> ResolveAxes(const ir::Node& node, const ir::Shape& x) {
  const ir::Attributes& a = node.attrs;
  const size_t rank = x.size();
  const size_t given = a.floats.empty() ? a.ints.size() : a.floats.size();
  if (given != rank)
    throw NodeError(node, std::string(a.floats.empty() ? "sizes" : "scales") + " have " + std::to_string(given) +
                              " entries for a rank-" + std::to_string(rank) + " input");
  std::vector<Axis> axes(rank);
  for (size_t d = 0; d < rank; ++d) {
    Axis& ax = axes[d];
    ax.in = x[d];
    if (!a.floats.empty()) {
      ax.scale = a.floats[d];
      ax.resized = ax.scale * static_cast<float>(ax.in);
      if (!(ax.resized < 2147483648.0f)) throw NodeError(node, "Resize scales give a too large output");
      ax.out = static_cast<int64_t>(std::floor(ax.resized));
    } else {
      ax.out = a.ints[d];
      ax.scale = ax.in > 0 ? static_cast<float>(ax.out) / static_cast<float>(ax.in) : 1.0f;
      ax.resized = static_cast<float>(ax.out);
    }
    if (ax.in == 0 && ax.out > 0) throw NodeError(node, "cannot resize the empty input " + ir::ShapeToString(x));
    if (a.mode == "linear" && d + 2 < rank && (ax.out != ax.in || ax.scale != 1.0f))
      throw NodeError(node, "linear Resize changes axis " + std::to_string(d) + " of " + ir::ShapeToString(x) +
                                "; only the last two axes can be interpolated",
                      "resize only H and W (scales 1 on the other axes)");
  }
  return axes;
}

std::vector<ir::Shape> InferResize(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  if (x.empty()) throw NodeError(node, "cannot resize a scalar");
  ir::Shape out;
  for (const Axis& ax : ResolveAxes(node, x)) out.push_back(ax.out);
  tensor::CheckOutputSize(node, out);
  return {out};
}

// Source coordinate of output index o along an axis.
float SourceCoord(const std::string& mode, const Axis& ax, int64_t o) {
  const float x = static_cast<float>(o);
  if (mode == "asymmetric") return x / ax.scale;
  if (mode == "align_corners")
    return ax.resized == 1.0f ? 0.0f : x * static_cast<float>(ax.in - 1) / (ax.resized - 1.0f);
  if (mode == "pytorch_half_pixel") return ax.resized > 1.0f ? (x + 0.5f) / ax.scale - 0.5f : 0.0f;
  if (mode == "tf_half_pixel_for_nn") return (x + 0.5f) / ax.scale;
  return (x + 0.5f) / ax.scale - 0.5f;  // half_pixel
}

int64_t RoundNearest(const std::string& mode, float c) {
  if (mode == "floor") return static_cast<int64_t>(std::floor(c));
  if (mode == "ceil") return static_cast<int64_t>(std::ceil(c));
  const float f = std::floor(c);
  if (c - f == 0.5f) return static_cast<int64_t>(mode == "round_prefer_ceil" ? f + 1.0f : f);
  return static_cast<int64_t>(std::round(c));
}

// Linear taps of one axis: out[o] = (1 - w[o]) * in[i0[o]] + w[o] * in[i1[o]].
struct Taps {
  std::vector<int64_t> i0, i1;
  std::vector<float> w;
};

Taps LinearTaps(const std::string& mode, const Axis& ax) {
  Taps t;
  for (int64_t o = 0; o < ax.out; ++o) {
    const float c = std::clamp(SourceCoord(mode, ax, o), 0.0f, static_cast<float>(ax.in - 1));
    const int64_t i0 = static_cast<int64_t>(std::floor(c));
    t.i0.push_back(i0);
    t.i1.push_back(std::min(i0 + 1, ax.in - 1));
    t.w.push_back(c - static_cast<float>(i0));
  }
  return t;
}

std::vector<std::vector<int64_t>> NearestMaps(const ir::Attributes& a, const std::vector<Axis>& axes) {
  std::vector<std::vector<int64_t>> maps(axes.size());
  for (size_t d = 0; d < axes.size(); ++d)
    for (int64_t o = 0; o < axes[d].out; ++o)
      maps[d].push_back(std::clamp<int64_t>(RoundNearest(a.nearest_mode, SourceCoord(a.coordinate_mode, axes[d], o)),
                                            0, axes[d].in - 1));
  return maps;
}

void RunResize(FloatArgs& args) {
  const ir::Attributes& a = args.node.attrs;
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const std::vector<Axis> axes = ResolveAxes(args.node, x);
  int64_t total = 1;
  for (const Axis& ax : axes) total *= ax.out;
  args.out.resize(static_cast<size_t>(total));
  if (total == 0) return;
  const float* in = args.in[0]->data();
  if (a.mode == "nearest") {
    tensor::CopyByAxisMaps(in, x, NearestMaps(a, axes), 0.0f, args.out.data());
    return;
  }
  // Bilinear on the last two axes (a rank-1 input is one row); the leading axes are unchanged.
  const size_t rank = axes.size();
  const Axis unit{1, 1, 1.0f, 1.0f};
  const Axis& ay = rank >= 2 ? axes[rank - 2] : unit;
  const Axis& ax = axes[rank - 1];
  const Taps ty = LinearTaps(a.coordinate_mode, ay), tx = LinearTaps(a.coordinate_mode, ax);
  const int64_t planes = total / (ay.out * ax.out);
  float* out = args.out.data();
  for (int64_t p = 0; p < planes; ++p) {
    const float* plane = in + p * ay.in * ax.in;
    for (int64_t oy = 0; oy < ay.out; ++oy) {
      const float* r0 = plane + ty.i0[oy] * ax.in;
      const float* r1 = plane + ty.i1[oy] * ax.in;
      const float wy = ty.w[oy];
      for (int64_t ox = 0; ox < ax.out; ++ox, ++out) {
        const int64_t x0 = tx.i0[ox], x1 = tx.i1[ox];
        const float wx = tx.w[ox];
        const float top = r0[x0] + wx * (r0[x1] - r0[x0]);
        const float bottom = r1[x0] + wx * (r1[x1] - r1[x0]);
        *out = top + wy * (bottom - top);
      }
    }
  }
}

// The quantized kernels are the NPU's nearest gather (docs/quantization.md §19): values are copied,
// the output keeps the input's params. A linear Resize has no quantized kernel; placement runs it
// on the CPU, whose semantics (§15) the reference then uses.
void RequireNearest(const ir::Node& node) {
  if (node.attrs.mode != "nearest")
    throw NodeError(node, "linear Resize has no int8/fp16 kernel; it runs on the CPU",
                    "run AssignPlacement before the quantized reference");
}

void RunResizeInt8(Int8Args& args) {
  RequireNearest(args.node);
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  // int8 values are exact in float32, so the float gather moves them unchanged.
  const std::vector<float> in(args.in[0]->begin(), args.in[0]->end());
  const std::vector<std::vector<int64_t>> maps = NearestMaps(args.node.attrs, ResolveAxes(args.node, x));
  int64_t total = 1;
  for (const auto& m : maps) total *= static_cast<int64_t>(m.size());
  std::vector<float> out(static_cast<size_t>(total));
  if (total > 0) tensor::CopyByAxisMaps(in.data(), x, maps, 0.0f, out.data());
  args.out.resize(out.size());
  for (size_t i = 0; i < out.size(); ++i) args.out[i] = static_cast<int8_t>(out[i]);
}

void RunResizeFp16(Fp16Args& args) {
  RequireNearest(args.node);
  RunResize(args);  // a gather of fp16 values: nothing to round
}

}  // namespace

std::vector<std::vector<int64_t>> NearestResizeMaps(const ir::Graph& g, const ir::Node& node) {
  if (node.attrs.mode != "nearest") return {};
  return NearestMaps(node.attrs, ResolveAxes(node, InputShape(g, node, 0)));
}

// opsets: 10-17
// limits: nearest: any axis, linear: last two axes; no cubic, no tf_crop_and_resize; opset 10: asymmetric+floor
const OpDef kResizeOp{ir::OpKind::kResize, "Resize", ParseResize, InferResize, RunResize, RunResizeInt8, RunResizeFp16,
                      true};
// opsets: 9
// limits: nearest: any axis, (bi)linear: last two axes; constant scales; asymmetric+floor
const OpDef kUpsampleOp{ir::OpKind::kUpsample, "Upsample", ParseUpsample, InferResize, RunResize, RunResizeInt8,
                        RunResizeFp16, true};

}  // namespace rknnsim::ops
