// ConvTranspose (ONNX opset 1-21), 2-D: groups, strides, dilations, pads, output_padding, and the
// output_shape / auto_pad forms, which are resolved into explicit pads at parse time.
// Output size per axis: stride * (in - 1) + output_padding + dilation * (k - 1) + 1 - pad_begin - pad_end.
#include <Eigen/Core>

#include "compiler/ops/nn.h"
#include "compiler/ops/op_util.h"

namespace rknnsim::ops {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::vector<int64_t> IntsOr(const AttrReader& reader, const char* name, std::vector<int64_t> fallback) {
  return reader.Has(name) ? reader.Ints(name) : fallback;
}

void Parse(const AttrReader& reader, const ir::Graph& g, ir::Node& node) {
  if (node.inputs.size() < 2 || node.inputs.size() > 3 || node.inputs[0] < 0 || node.inputs[1] < 0)
    throw NodeError(node, "ConvTranspose takes 2 or 3 inputs");
  const ir::Shape& x = g.tensor(node.inputs[0]).shape;
  const ir::Shape& w = g.tensor(node.inputs[1]).shape;
  if (x.size() != 4 || w.size() != 4)
    throw NodeError(node, "only 2-D ConvTranspose is supported (4-D input and weights), got input " +
                              ir::ShapeToString(x) + " and weights " + ir::ShapeToString(w));
  ir::Attributes& a = node.attrs;
  a.kernel = IntsOr(reader, "kernel_shape", {w[2], w[3]});
  a.strides = IntsOr(reader, "strides", {1, 1});
  a.dilations = IntsOr(reader, "dilations", {1, 1});
  a.output_padding = IntsOr(reader, "output_padding", {0, 0});
  a.pads = IntsOr(reader, "pads", {0, 0, 0, 0});
  a.group = reader.Int("group", 1);
  if (a.kernel.size() != 2 || a.strides.size() != 2 || a.dilations.size() != 2 || a.output_padding.size() != 2 ||
      a.pads.size() != 4)
    throw NodeError(node, "kernel_shape, strides, dilations, output_padding and pads must describe 2 spatial axes");
  if (a.kernel[0] != w[2] || a.kernel[1] != w[3])
    throw NodeError(node, "kernel_shape disagrees with the weight shape " + ir::ShapeToString(w));
  if (a.group <= 0) throw NodeError(node, "group must be positive");
  for (size_t i = 0; i < 2; ++i) {
    if (a.strides[i] <= 0) throw NodeError(node, "stride must be positive");
    if (a.dilations[i] <= 0) throw NodeError(node, "dilation must be positive");
    if (a.kernel[i] <= 0) throw NodeError(node, "kernel_shape must be positive");
    if (a.output_padding[i] < 0) throw NodeError(node, "output_padding must not be negative");
  }
  for (int64_t p : a.pads)
    if (p < 0) throw NodeError(node, "negative padding is not supported");

  const std::string auto_pad = reader.String("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && auto_pad != "VALID" && auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER")
    throw NodeError(node, "unknown auto_pad '" + auto_pad + "'", "use NOTSET, SAME_UPPER, SAME_LOWER or VALID");
  std::vector<int64_t> target;  // requested spatial output size
  if (reader.Has("output_shape")) {
    target = reader.Ints("output_shape");
    if (target.size() == 4) target = {target[2], target[3]};
    if (target.size() != 2) throw NodeError(node, "output_shape must give the 2 spatial sizes");
    for (int64_t v : target)
      if (v <= 0) throw NodeError(node, "output_shape must be positive");
  } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    target = {x[2] * a.strides[0], x[3] * a.strides[1]};
  } else if (auto_pad == "VALID") {
    a.pads.assign(4, 0);
  }
  if (!target.empty()) {
    // The ONNX rule: total = full size - requested size; SAME_UPPER puts the odd pad at the end,
    // otherwise at the beginning. A larger request than the full size grows the end.
    for (size_t i = 0; i < 2; ++i) {
      const int64_t full =
          a.strides[i] * (x[2 + i] - 1) + a.output_padding[i] + a.dilations[i] * (a.kernel[i] - 1) + 1;
      const int64_t total = full - target[i];
      if (total < 0) {
        a.pads[i] = 0, a.pads[i + 2] = total;
      } else if (auto_pad == "SAME_UPPER") {
        a.pads[i] = total / 2, a.pads[i + 2] = total - total / 2;
      } else {
        a.pads[i] = total - total / 2, a.pads[i + 2] = total / 2;
      }
    }
  }
}

struct Geometry {
  int64_t n, c, h, w;   // input
  int64_t m, ho, wo;    // output
  int64_t kh, kw, sh, sw, dh, dw, pt, pl;
  int64_t group, cg, mg;
};

Geometry GeometryOf(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  const ir::Shape& wt = InputShape(g, node, 1);
  const ir::Attributes& a = node.attrs;
  Geometry k{};
  k.n = x[0], k.c = x[1], k.h = x[2], k.w = x[3];
  k.group = a.group, k.cg = k.c / k.group, k.mg = wt[1], k.m = wt[1] * k.group;
  k.kh = wt[2], k.kw = wt[3], k.sh = a.strides[0], k.sw = a.strides[1], k.dh = a.dilations[0], k.dw = a.dilations[1];
  k.pt = a.pads[0], k.pl = a.pads[1];
  k.ho = k.sh * (k.h - 1) + a.output_padding[0] + k.dh * (k.kh - 1) + 1 - a.pads[0] - a.pads[2];
  k.wo = k.sw * (k.w - 1) + a.output_padding[1] + k.dw * (k.kw - 1) + 1 - a.pads[1] - a.pads[3];
  return k;
}

std::vector<ir::Shape> Infer(const ir::Graph& g, const ir::Node& node) {
  Require4d(g, node, 0);
  const ir::Shape& x = InputShape(g, node, 0);
  const ir::Shape& wt = InputShape(g, node, 1);
  if (wt.size() != 4) throw NodeError(node, "weights must be 4-D, got " + ir::ShapeToString(wt));
  const int64_t group = node.attrs.group;
  if (wt[0] != x[1] || x[1] % group != 0)
    throw NodeError(node, "input channels " + std::to_string(x[1]) + " and weights " + ir::ShapeToString(wt) +
                              " do not match group=" + std::to_string(group),
                    "ConvTranspose weights are [C_in, C_out / group, kh, kw]");
  if (node.inputs.size() == 3 && InputShape(g, node, 2) != ir::Shape{wt[1] * group})
    throw NodeError(node, "bias shape must be (" + std::to_string(wt[1] * group) + ")");
  const Geometry k = GeometryOf(g, node);
  if (k.ho <= 0 || k.wo <= 0) throw NodeError(node, "the pads leave no output");
  return {{k.n, k.m, k.ho, k.wo}};
}

// float32: per image and group one Eigen GEMM (Wᵀ · X gives every tap's contribution), then a
// col2im scatter-add into the output.
void RunFloat(FloatArgs& args) {
  const Geometry k = GeometryOf(args.graph, args.node);
  const std::vector<float>& x = *args.in[0];
  const std::vector<float>& w = *args.in[1];
  const std::vector<float>* b = args.in.size() > 2 ? args.in[2] : nullptr;
  const int64_t taps = k.mg * k.kh * k.kw, pixels = k.h * k.w, out_plane = k.ho * k.wo;
  RowMatrix cols(taps, pixels);
  args.out.assign(static_cast<size_t>(k.n * k.m * out_plane), 0.0f);
  const bool empty = k.cg == 0 || taps == 0 || pixels == 0;  // no contribution; bias only
  for (int64_t n = 0; n < k.n; ++n) {
    for (int64_t grp = 0; grp < k.group && !empty; ++grp) {
      Eigen::Map<const RowMatrix> wm(w.data() + grp * k.cg * taps, k.cg, taps);
      Eigen::Map<const RowMatrix> xm(x.data() + (n * k.c + grp * k.cg) * pixels, k.cg, pixels);
      cols.noalias() = wm.transpose() * xm;
      for (int64_t mi = 0; mi < k.mg; ++mi) {
        float* plane = args.out.data() + (n * k.m + grp * k.mg + mi) * out_plane;
        for (int64_t ky = 0; ky < k.kh; ++ky)
          for (int64_t kx = 0; kx < k.kw; ++kx) {
            const float* row = cols.data() + ((mi * k.kh + ky) * k.kw + kx) * pixels;
            for (int64_t iy = 0; iy < k.h; ++iy) {
              const int64_t oy = iy * k.sh + ky * k.dh - k.pt;
              if (oy < 0 || oy >= k.ho) continue;
              for (int64_t ix = 0; ix < k.w; ++ix) {
                const int64_t ox = ix * k.sw + kx * k.dw - k.pl;
                if (ox < 0 || ox >= k.wo) continue;
                plane[oy * k.wo + ox] += row[iy * k.w + ix];
              }
            }
          }
      }
    }
    if (b)
      for (int64_t m = 0; m < k.m; ++m) {
        float* plane = args.out.data() + (n * k.m + m) * out_plane;
        const float bias = (*b)[static_cast<size_t>(m)];
        for (int64_t i = 0; i < out_plane; ++i) plane[i] += bias;
      }
  }
}

}  // namespace

// limits: 1-D (lifted to 1 x k at import) and 2-D
const OpDef kConvTransposeOp{ir::OpKind::kConvTranspose, "ConvTranspose", Parse, Infer, RunFloat, nullptr, nullptr,
                             false};

}  // namespace rknnsim::ops
