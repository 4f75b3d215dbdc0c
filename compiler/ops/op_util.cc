#include "compiler/ops/op_util.h"

#include <algorithm>

#include "compiler/ops/op_def.h"

namespace rknnsim::ops {

void SamePadding(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, bool upper, int64_t& begin,
                 int64_t& end) {
  const int64_t out = (in + stride - 1) / stride;
  const int64_t total = std::max<int64_t>(0, (out - 1) * stride + dilation * (kernel - 1) + 1 - in);
  begin = upper ? total / 2 : total - total / 2;
  end = total - begin;
}

void ParseWindow2d(const AttrReader& reader, const ir::Graph& graph, ir::Node& node, bool has_dilations,
                   const std::vector<int64_t>& default_kernel) {
  ir::Attributes& a = node.attrs;
  a.kernel = reader.Has("kernel_shape") ? reader.Ints("kernel_shape") : default_kernel;
  a.strides = reader.Has("strides") ? reader.Ints("strides") : std::vector<int64_t>{1, 1};
  a.dilations = has_dilations && reader.Has("dilations") ? reader.Ints("dilations") : std::vector<int64_t>{1, 1};
  const std::vector<int64_t> pads = reader.Has("pads") ? reader.Ints("pads") : std::vector<int64_t>{0, 0, 0, 0};
  const std::string auto_pad = reader.String("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && auto_pad != "VALID" && auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER")
    throw NodeError(node, "unknown auto_pad '" + auto_pad + "'", "use NOTSET, SAME_UPPER, SAME_LOWER or VALID");
  if ((!a.kernel.empty() && a.kernel.size() != 2) || a.strides.size() != 2 || a.dilations.size() != 2 ||
      pads.size() != 4)
    throw NodeError(node, "only 2-D windows are supported", "use 4-D NCHW tensors");
  // ONNX orders pads as [top, left, bottom, right] for 2-D: x1_begin, x2_begin, x1_end, x2_end.
  a.pads = pads;
  for (int64_t v : a.strides)
    if (v <= 0) throw NodeError(node, "stride must be positive");
  for (int64_t v : a.dilations)
    if (v <= 0) throw NodeError(node, "dilation must be positive");
  for (int64_t v : a.kernel)
    if (v <= 0) throw NodeError(node, "kernel_shape must be positive");
  if (auto_pad == "VALID") {
    a.pads.assign(4, 0);
  } else if (auto_pad != "NOTSET") {
    if (node.inputs.empty() || node.inputs[0] < 0) throw NodeError(node, "the input is missing");
    const ir::Shape& x = graph.tensor(node.inputs[0]).shape;
    if (x.size() != 4)
      throw NodeError(node, "expects a 4-D NCHW input, got " + ir::ShapeToString(x), "reshape the model to NCHW");
    if (a.kernel.size() != 2) throw NodeError(node, "auto_pad=" + auto_pad + " needs the kernel size");
    for (size_t i = 0; i < 2; ++i)
      SamePadding(x[2 + i], a.kernel[i], a.strides[i], a.dilations[i], auto_pad == "SAME_UPPER", a.pads[i],
                  a.pads[i + 2]);
  }
  for (int64_t v : a.pads)
    if (v < 0) throw NodeError(node, "negative padding is not supported");
  a.ceil_mode = reader.Int("ceil_mode", 0) != 0;
  for (size_t i = 0; i < 4 && !a.kernel.empty(); ++i)
    if (a.pads[i] >= a.kernel[i % 2])
      throw NodeError(node, "padding " + std::to_string(a.pads[i]) + " is not smaller than the kernel",
                      "the ONNX spec requires pads < kernel_shape; re-export the model");
}

void Require4d(const ir::Graph& g, const ir::Node& n, size_t input) {
  const ir::Shape& s = InputShape(g, n, input);
  if (s.size() != 4)
    throw NodeError(n, "expects a 4-D NCHW input, got " + ir::ShapeToString(s), "reshape the model to NCHW");
}

}  // namespace rknnsim::ops
