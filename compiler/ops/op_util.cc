#include "compiler/ops/op_util.h"

#include "compiler/ops/op_def.h"

namespace rknnsim::ops {

void ParseWindow2d(const AttrReader& reader, ir::Node& node, bool has_dilations) {
  ir::Attributes& a = node.attrs;
  a.kernel = reader.Ints("kernel_shape");
  a.strides = reader.Has("strides") ? reader.Ints("strides") : std::vector<int64_t>{1, 1};
  a.dilations = has_dilations && reader.Has("dilations") ? reader.Ints("dilations") : std::vector<int64_t>{1, 1};
  const std::vector<int64_t> pads = reader.Has("pads") ? reader.Ints("pads") : std::vector<int64_t>{0, 0, 0, 0};
  const std::string auto_pad = reader.String("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && auto_pad != "VALID")
    throw NodeError(node, "auto_pad=" + auto_pad + " is not supported yet", "export the model with explicit pads");
  if ((!a.kernel.empty() && a.kernel.size() != 2) || a.strides.size() != 2 || a.dilations.size() != 2 ||
      pads.size() != 4)
    throw NodeError(node, "only 2-D windows are supported", "use 4-D NCHW tensors");
  // ONNX orders pads as [top, left, bottom, right] for 2-D: x1_begin, x2_begin, x1_end, x2_end.
  a.pads = pads;
  for (int64_t v : a.strides)
    if (v <= 0) throw NodeError(node, "stride must be positive");
  for (int64_t v : a.dilations)
    if (v <= 0) throw NodeError(node, "dilation must be positive");
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
