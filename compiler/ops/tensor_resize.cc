// Resize (opset 10-21) and Upsample (opset 9): nearest on any axes, linear (bilinear) and cubic
// (bicubic) on the last two axes. Scales or sizes come from constant inputs; roi is ignored
// (tf_crop_and_resize is refused). Scales fed as a graph input at run time are taken when the
// model declares the output's shape (as ONNX's own test cases do); the kernel then checks that the
// scales give that shape. Opset 10 Resize and Upsample use asymmetric coordinates with floor
// rounding (as PyTorch's nearest).
// Coordinates follow the ONNX reference implementation: with scales, the resized length in the
// coordinate formulas is scale * input length (it equals the output size when that is integral).
// Sizes and coordinates are computed in float32 as onnxruntime does: PyTorch's exports compute
// scales such as 1/3 or 7/5 in float32 and rely on that rounding (floor(5 * 1.4f) = 7). Cubic
// weights follow the reference in double precision (Keys' kernel with cubic_coeff_a).
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "compiler/ops/op_util.h"
#include "compiler/ops/tensor.h"
#include "compiler/ops/tensor_util.h"

namespace rknnsim::ops {
namespace {

using tensor::HasInput;

void CheckMode(ir::Node& node, const std::string& op) {
  std::string& mode = node.attrs.mode;
  if (mode == "bilinear") mode = "linear";  // Upsample's old spelling
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    throw NodeError(node, op + " mode '" + mode + "' is not supported", "use nearest, linear or cubic");
}

// Reads the scales of input `input`. Constant scales go into attrs.floats; scales fed at run time
// keep their input and attrs.ints takes the output shape the model declares (returns true).
bool SetScales(const AttrReader& reader, const ir::Graph& g, ir::Node& node, size_t input, const std::string& op) {
  const ir::Shape declared = reader.DeclaredOutputShape(0);
  if (!g.tensor(node.inputs[input]).is_constant && !declared.empty()) {
    node.attrs.ints = declared;
    node.inputs = {node.inputs[0], node.inputs[input]};
    return true;
  }
  node.attrs.floats = tensor::ConstInput(g, node, input, op, "'scales'");
  for (float s : node.attrs.floats)
    if (!(s > 0.0f)) throw NodeError(node, op + " scales must be positive");
  return false;
}

// Opset 18: scales or sizes may name only some axes (`axes`; the others keep their length), and
// sizes may keep the aspect ratio (`keep_aspect_ratio_policy` not_larger / not_smaller: one scale
// for the named axes, the smallest / largest of size / length, and each length rounded half up).
// Rewrites attrs.floats / attrs.ints to one entry per input axis.
void ApplyOpset18Axes(std::vector<int64_t> axes, const std::string& policy, const ir::Shape& x, ir::Node& node) {
  ir::Attributes& a = node.attrs;
  const int64_t rank = static_cast<int64_t>(x.size());
  if (axes.empty())
    for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
  const size_t given = a.floats.empty() ? a.ints.size() : a.floats.size();
  if (given != axes.size())
    throw NodeError(node, std::string(a.floats.empty() ? "sizes" : "scales") + " have " + std::to_string(given) +
                              " entries for " + std::to_string(axes.size()) + " axes");
  axes = tensor::NormalizeDistinctAxes(node, axes, rank, "Resize");
  if (policy != "stretch" && policy != "not_larger" && policy != "not_smaller")
    throw NodeError(node, "Resize keep_aspect_ratio_policy '" + policy + "' is not supported",
                    "use stretch, not_larger or not_smaller");
  if (!a.floats.empty()) {  // the policy applies to sizes only
    std::vector<float> scales(x.size(), 1.0f);
    for (size_t i = 0; i < axes.size(); ++i) scales[static_cast<size_t>(axes[i])] = a.floats[i];
    a.floats = scales;
    return;
  }
  std::vector<int64_t> sizes(x.begin(), x.end());
  if (policy == "stretch") {
    for (size_t i = 0; i < axes.size(); ++i) sizes[static_cast<size_t>(axes[i])] = a.ints[i];
  } else {
    double scale = policy == "not_larger" ? std::numeric_limits<double>::infinity() : 0.0;
    for (size_t i = 0; i < axes.size(); ++i) {
      const double s = static_cast<double>(a.ints[i]) / static_cast<double>(x[static_cast<size_t>(axes[i])]);
      scale = policy == "not_larger" ? std::min(scale, s) : std::max(scale, s);
    }
    for (int64_t axis : axes)
      sizes[static_cast<size_t>(axis)] =
          static_cast<int64_t>(std::floor(scale * static_cast<double>(x[static_cast<size_t>(axis)]) + 0.5));
  }
  a.ints = sizes;
}

void ParseResize(const AttrReader& reader, const ir::Graph& g, ir::Node& node) {
  if (!HasInput(node, 0)) throw NodeError(node, "Resize takes a data input");
  ir::Attributes& a = node.attrs;
  a.mode = reader.String("mode", "nearest");
  CheckMode(node, "Resize");
  a.cubic_coeff_a = reader.Float("cubic_coeff_a", -0.75f);
  a.exclude_outside = reader.Int("exclude_outside", 0) != 0;
  bool run_time_scales = false;
  if (reader.Int("antialias", 0) != 0)
    throw NodeError(node, "Resize with antialias=1 (opset 18) is not supported",
                    "export without antialiasing (PyTorch: interpolate(..., antialias=False))");
  if (g.opset() < 11) {  // opset 10: X, scales
    a.coordinate_mode = "asymmetric";
    a.nearest_mode = "floor";
    if (node.inputs.size() != 2 || !HasInput(node, 1)) throw NodeError(node, "Resize (opset 10) takes X and scales");
    run_time_scales = SetScales(reader, g, node, 1, "Resize");
  } else {
    a.coordinate_mode = reader.String("coordinate_transformation_mode", "half_pixel");
    if (a.coordinate_mode == "tf_half_pixel_for_nearest") a.coordinate_mode = "tf_half_pixel_for_nn";
    if (a.coordinate_mode == "tf_crop_and_resize")
      throw NodeError(node, "Resize coordinate_transformation_mode 'tf_crop_and_resize' is not supported",
                      "crop with Slice, then Resize");
    if (a.coordinate_mode != "half_pixel" && a.coordinate_mode != "asymmetric" &&
        a.coordinate_mode != "align_corners" && a.coordinate_mode != "pytorch_half_pixel" &&
        a.coordinate_mode != "tf_half_pixel_for_nn" && a.coordinate_mode != "half_pixel_symmetric")
      throw NodeError(node, "Resize coordinate_transformation_mode '" + a.coordinate_mode + "' is not supported",
                      "use half_pixel, half_pixel_symmetric, pytorch_half_pixel, align_corners, asymmetric or "
                      "tf_half_pixel_for_nn");
    a.nearest_mode = reader.String("nearest_mode", "round_prefer_floor");
    if (a.nearest_mode != "round_prefer_floor" && a.nearest_mode != "round_prefer_ceil" && a.nearest_mode != "floor" &&
        a.nearest_mode != "ceil")
      throw NodeError(node, "Resize nearest_mode '" + a.nearest_mode + "' is not supported",
                      "use round_prefer_floor, round_prefer_ceil, floor or ceil");
    if (node.inputs.size() > 4) throw NodeError(node, "Resize takes at most four inputs");
    if (HasInput(node, 3) && g.tensor(node.inputs[3]).num_elements() > 0) {
      if (!a.floats.empty()) throw NodeError(node, "Resize has both scales and sizes", "give only one of them");
      a.ints = tensor::ConstInts(g, node, 3, "Resize", "'sizes'");
      for (int64_t s : a.ints)
        if (s <= 0) throw NodeError(node, "Resize sizes must be positive");
    }
    if (HasInput(node, 2) && g.tensor(node.inputs[2]).num_elements() > 0) {
      if (!a.ints.empty()) throw NodeError(node, "Resize has both scales and sizes", "give only one of them");
      run_time_scales = SetScales(reader, g, node, 2, "Resize");
    }
  }
  if (a.floats.empty() && a.ints.empty()) throw NodeError(node, "Resize has neither scales nor sizes");
  if (reader.Has("axes") || reader.Has("keep_aspect_ratio_policy")) {
    if (run_time_scales)
      throw NodeError(node, "Resize with axes or keep_aspect_ratio_policy needs constant scales or sizes");
    ApplyOpset18Axes(reader.Ints("axes"), reader.String("keep_aspect_ratio_policy", "stretch"),
                     InputShape(g, node, 0), node);
  }
  if (!run_time_scales) node.inputs.resize(1);
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
  if (!SetScales(reader, g, node, 1, "Upsample")) node.inputs.resize(1);
}

// One axis of the resize: input and output length, the scale and the resized length of the
// coordinate formulas.
struct Axis {
  int64_t in = 0, out = 0;
  float scale = 1.0f, resized = 1.0f;
};

// The axes from constant scales or sizes, or, for scales fed at run time, from those values
// (`run_time_scales`), which must give the declared output shape held in attrs.ints.
std::vector<Axis> ResolveAxes(const ir::Node& node, const ir::Shape& x,
                              const std::vector<float>* run_time_scales = nullptr) {
  const ir::Attributes& a = node.attrs;
  const std::vector<float>& scales = run_time_scales ? *run_time_scales : a.floats;
  const size_t rank = x.size();
  const size_t given = scales.empty() ? a.ints.size() : scales.size();
  if (given != rank)
    throw NodeError(node, std::string(scales.empty() ? "sizes" : "scales") + " have " + std::to_string(given) +
                              " entries for a rank-" + std::to_string(rank) + " input");
  std::vector<Axis> axes(rank);
  for (size_t d = 0; d < rank; ++d) {
    Axis& ax = axes[d];
    ax.in = x[d];
    if (!scales.empty()) {
      ax.scale = scales[d];
      if (!(ax.scale > 0.0f)) throw NodeError(node, "Resize scales must be positive");
      ax.resized = ax.scale * static_cast<float>(ax.in);
      if (!(ax.resized < 2147483648.0f)) throw NodeError(node, "Resize scales give a too large output");
      ax.out = static_cast<int64_t>(std::floor(ax.resized));
      if (run_time_scales && ax.out != a.ints[d])
        throw NodeError(node, "the run-time scale " + std::to_string(ax.scale) + " of axis " + std::to_string(d) +
                                  " gives " + std::to_string(ax.out) + " values from " + std::to_string(ax.in) +
                                  ", but the model declares the output shape " + ir::ShapeToString(a.ints),
                        "feed scales that match the declared output shape, or make them a constant");
    } else {
      ax.out = a.ints[d];
      ax.scale = ax.in > 0 ? static_cast<float>(ax.out) / static_cast<float>(ax.in) : 1.0f;
      ax.resized = static_cast<float>(ax.out);
    }
    if (ax.in == 0 && ax.out > 0) throw NodeError(node, "cannot resize the empty input " + ir::ShapeToString(x));
    if (a.mode != "nearest" && d + 2 < rank && (ax.out != ax.in || ax.scale != 1.0f))
      throw NodeError(node, a.mode + " Resize changes axis " + std::to_string(d) + " of " + ir::ShapeToString(x) +
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

// Source coordinate of output index o along an axis, in float32 (nearest, linear) or double (cubic).
template <typename T>
T SourceCoord(const std::string& mode, const Axis& ax, int64_t o) {
  const T x = static_cast<T>(o), scale = ax.scale, resized = ax.resized;
  if (mode == "asymmetric") return x / scale;
  if (mode == "align_corners") return resized == T(1) ? T(0) : x * static_cast<T>(ax.in - 1) / (resized - T(1));
  if (mode == "pytorch_half_pixel") return resized > T(1) ? (x + T(0.5)) / scale - T(0.5) : T(0);
  if (mode == "tf_half_pixel_for_nn") return (x + T(0.5)) / scale;
  if (mode == "half_pixel_symmetric") {  // opset 19: half_pixel re-centred when the length was rounded
    const T adjustment = static_cast<T>(ax.out) / resized;
    const T offset = static_cast<T>(ax.in) / T(2) * (T(1) - adjustment);
    return offset + (x + T(0.5)) / scale - T(0.5);
  }
  return (x + T(0.5)) / scale - T(0.5);  // half_pixel
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
    const float c = std::clamp(SourceCoord<float>(mode, ax, o), 0.0f, static_cast<float>(ax.in - 1));
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
      maps[d].push_back(std::clamp<int64_t>(RoundNearest(a.nearest_mode, SourceCoord<float>(a.coordinate_mode, axes[d], o)),
                                            0, axes[d].in - 1));
  return maps;
}

// Cubic taps of one axis: out[o] = sum_j w[o][j] * in[i[o][j]] over the four samples nearest the
// source coordinate c, at ceil(c) - 2 ... ceil(c) + 1 (a coordinate on a sample takes that sample
// alone), read with edge clamping; exclude_outside drops the samples outside the input and
// renormalizes.
struct CubicTaps {
  std::vector<std::array<int64_t, 4>> i;
  std::vector<std::array<double, 4>> w;
};

CubicTaps MakeCubicTaps(const ir::Attributes& a, const Axis& ax) {
  const double A = a.cubic_coeff_a;
  // Keys' kernel at distance d from a sample, for 1 <= d <= 2 and d <= 1.
  auto far = [A](double d) { return ((A * d - 5 * A) * d + 8 * A) * d - 4 * A; };
  auto near = [A](double d) { return ((A + 2) * d - (A + 3)) * d * d + 1; };
  CubicTaps t;
  for (int64_t o = 0; o < ax.out; ++o) {
    const double c = SourceCoord<double>(a.coordinate_mode, ax, o);
    const int64_t first = static_cast<int64_t>(std::ceil(c)) - 2;
    const double r = c - static_cast<double>(first + 1);  // in (0, 1]
    std::array<double, 4> w = {far(r + 1), near(r), near(1 - r), far(2 - r)};
    std::array<int64_t, 4> idx{};
    double sum = 0;
    for (int j = 0; j < 4; ++j) {
      const int64_t k = first + j;
      if (a.exclude_outside && (k < 0 || k >= ax.in)) w[j] = 0;
      idx[j] = std::clamp<int64_t>(k, 0, ax.in - 1);
      sum += w[j];
    }
    if (a.exclude_outside && sum != 0)
      for (double& v : w) v /= sum;
    t.i.push_back(idx);
    t.w.push_back(w);
  }
  return t;
}

// Bicubic on the last two axes, one axis after the other (the kernel is separable).
void CubicResize(const ir::Attributes& a, const float* in, const Axis& ay, const Axis& ax, int64_t planes, float* out) {
  const CubicTaps ty = MakeCubicTaps(a, ay), tx = MakeCubicTaps(a, ax);
  std::vector<double> rows(static_cast<size_t>(ay.out * ax.in));
  for (int64_t p = 0; p < planes; ++p) {
    const float* plane = in + p * ay.in * ax.in;
    for (int64_t oy = 0; oy < ay.out; ++oy)
      for (int64_t ix = 0; ix < ax.in; ++ix) {
        double v = 0;
        for (int j = 0; j < 4; ++j) v += ty.w[oy][j] * plane[ty.i[oy][j] * ax.in + ix];
        rows[static_cast<size_t>(oy * ax.in + ix)] = v;
      }
    for (int64_t oy = 0; oy < ay.out; ++oy)
      for (int64_t ox = 0; ox < ax.out; ++ox, ++out) {
        double v = 0;
        for (int j = 0; j < 4; ++j) v += tx.w[ox][j] * rows[static_cast<size_t>(oy * ax.in + tx.i[ox][j])];
        *out = static_cast<float>(v);
      }
  }
}

void RunResize(FloatArgs& args) {
  const ir::Attributes& a = args.node.attrs;
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const std::vector<Axis> axes = ResolveAxes(args.node, x, HasRunTimeParameters(args.node) ? args.in[1] : nullptr);
  int64_t total = 1;
  for (const Axis& ax : axes) total *= ax.out;
  args.out.resize(static_cast<size_t>(total));
  if (total == 0) return;
  const float* in = args.in[0]->data();
  if (a.mode == "nearest") {
    tensor::CopyByAxisMaps(in, x, NearestMaps(a, axes), 0.0f, args.out.data());
    return;
  }
  // Bilinear or bicubic on the last two axes (a rank-1 input is one row); the leading axes are
  // unchanged.
  const size_t rank = axes.size();
  const Axis unit{1, 1, 1.0f, 1.0f};
  const Axis& ay = rank >= 2 ? axes[rank - 2] : unit;
  const Axis& ax = axes[rank - 1];
  const int64_t planes = total / (ay.out * ax.out);
  if (a.mode == "cubic") return CubicResize(a, in, ay, ax, planes, args.out.data());
  const Taps ty = LinearTaps(a.coordinate_mode, ay), tx = LinearTaps(a.coordinate_mode, ax);
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
// the output keeps the input's params. A linear or cubic Resize has no quantized kernel; placement
// runs it on the CPU, whose semantics (§15) the reference then uses.
void RequireNearest(const ir::Node& node) {
  if (HasRunTimeParameters(node))
    throw NodeError(node, "Resize with scales fed at run time runs only in the float32 reference",
                    "make the scales a constant (an initializer) to build the model for the NPU");
  if (node.attrs.mode != "nearest")
    throw NodeError(node, node.attrs.mode + " Resize has no int8/fp16 kernel; it runs on the CPU",
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
  if (node.attrs.mode != "nearest" || HasRunTimeParameters(node)) return {};
  return NearestMaps(node.attrs, ResolveAxes(node, InputShape(g, node, 0)));
}

// opsets: 10-21
// limits: nearest: any axis, linear/cubic: last two axes; no tf_crop_and_resize; opset 10: asymmetric+floor; scales fed at run time: float32 reference only, with a declared output shape
const OpDef kResizeOp{ir::OpKind::kResize, "Resize", ParseResize, InferResize, RunResize, RunResizeInt8, RunResizeFp16,
                      true};
// opsets: 9
// limits: nearest: any axis, (bi)linear: last two axes; asymmetric+floor; scales fed at run time: float32 reference only, with a declared output shape
const OpDef kUpsampleOp{ir::OpKind::kUpsample, "Upsample", ParseUpsample, InferResize, RunResize, RunResizeInt8,
                        RunResizeFp16, true};

}  // namespace rknnsim::ops
