#include "compiler/rknn/graph_import.h"

#include <algorithm>
#include <unordered_set>

#include "common/error.h"

namespace rknnsim::rknn {
namespace {

ir::DType IrType(uint8_t dtype) {
  switch (dtype) {
    case 1: return ir::DType::kFloat32;
    case 10: return ir::DType::kFloat16;
    case 6: case 7: case 12: case 13: return ir::DType::kInt32;  // int64 results (ArgMax) held as int32
    default: return ir::DType::kInt8;
  }
}

ir::Shape ToShape(const std::vector<int32_t>& v) { return ir::Shape(v.begin(), v.end()); }

// The components a fused type is made of, longest names first so that "LeakyRelu" is not read as
// "Leaky" + "Relu".
const std::vector<std::string>& Components() {
  static const std::vector<std::string> kParts = {"LeakyRelu", "GlobalAveragePool", "ExSwish", "Sigmoid", "Concat",
                                                  "Resize",    "MaxPool",           "Reshape", "Transpose", "Split",
                                                  "ArgMax",    "Conv",              "Relu",    "Clip",      "Add"};
  return kParts;
}

std::vector<std::string> SplitFusedType(const std::string& type) {
  std::vector<std::string> parts;
  size_t at = 0;
  while (at < type.size()) {
    bool found = false;
    for (const std::string& p : Components())
      if (type.compare(at, p.size(), p) == 0) {
        parts.push_back(p), at += p.size(), found = true;
        break;
      }
    if (!found) return {};
  }
  return parts;
}

class Importer {
 public:
  explicit Importer(const RknnModel& m) : m_(m), ir_of_(m.tensors.size(), -1), produced_(m.tensors.size(), false) {
    for (const RNode& n : m.nodes)
      for (int32_t out : n.outputs) produced_[static_cast<size_t>(out)] = true;
    for (int32_t in : m.inputs) produced_[static_cast<size_t>(in)] = true;
  }

  ImportedGraph Run() {
    for (int32_t in : m_.inputs) out_.graph.inputs().push_back(Tensor(in));
    for (size_t i = 0; i < m_.nodes.size(); ++i) ImportNode(m_.nodes[i], static_cast<int>(i));
    for (int32_t o : m_.outputs) out_.graph.outputs().push_back(Tensor(o));
    return std::move(out_);
  }

 private:
  // The IR tensor of file tensor `id`, created on first use.
  int Tensor(int32_t id) {
    if (ir_of_[id] >= 0) return ir_of_[id];
    const RTensor& r = m_.tensors[id];
    ir::Tensor t;
    t.name = r.name;
    t.shape = ToShape(r.shape);
    t.dtype = IrType(r.dtype);
    if (t.dtype == ir::DType::kInt8) {
      // Activations carry per-tensor scale/zero point; a missing pair means the identity mapping.
      t.quant.scale = r.scale.empty() ? std::vector<float>{1.0f} : std::vector<float>{r.scale[0]};
      t.quant.zero_point = r.zero_point.empty() ? std::vector<int32_t>{0} : std::vector<int32_t>{r.zero_point[0]};
    }
    ir_of_[id] = out_.graph.AddTensor(std::move(t));
    return ir_of_[id];
  }

  int NewTensor(const ir::Tensor& like, const std::string& suffix) {
    ir::Tensor t = like;
    t.name += "#" + suffix;
    return out_.graph.AddTensor(std::move(t));
  }

  std::string UniqueName(const std::string& base) {
    std::string name = base;
    for (int k = 1; !names_.insert(name).second; ++k) name = base + "#" + std::to_string(k);
    return name;
  }

  void Emit(ir::Node node, int origin) {
    node.name = UniqueName(node.name);
    out_.origin[node.name] = origin;
    out_.graph.nodes().push_back(std::move(node));
  }

  // Activation inputs that some node produces (or the graph feeds): the file also lists the
  // compiler's "_exSecondary" scratch surfaces, which no node writes and which the IR does not model.
  std::vector<int32_t> DataInputs(const RNode& n) const {
    std::vector<int32_t> ins;
    for (int32_t id : n.inputs)
      if (m_.tensors[id].is_activation() && produced_[id]) ins.push_back(id);
    return ins;
  }

  static std::string LocalName(const RNode& n) {
    const size_t colon = n.name.find(':');
    return colon == std::string::npos ? n.name : n.name.substr(colon + 1);
  }

  [[noreturn]] void Unmapped(const RNode& n, const std::string& why) const {
    throw Error("node '" + n.name + "' of type '" + n.type + "': " + why,
                "this fused type has no mapping to the rknn-sim IR yet; docs/rknn-format.md lists the mapped ones");
  }

  void ImportNode(const RNode& n, int index) {
    if (n.type == "InputOperator" || n.type == "OutputOperator") return;  // the graph's I/O lists say the same
    const std::vector<std::string> parts = SplitFusedType(n.type);
    if (parts.empty()) Unmapped(n, "unknown op type");
    if (n.outputs.empty()) Unmapped(n, "no output tensor");
    if (parts[0] == "Conv") return ImportConvChain(n, index, parts);
    if (parts[0] == "Add") return ImportAddChain(n, index, parts, 0);
    if (parts.size() != 1) Unmapped(n, "unknown fused combination");
    ImportSingle(n, index, parts[0]);
  }

  void ImportSingle(const RNode& n, int index, const std::string& type) {
    ir::Node node;
    node.name = LocalName(n);
    const std::vector<int32_t> data = DataInputs(n);
    if (data.empty()) Unmapped(n, "no data input");
    const RAttrs& a = n.attrs;
    if (type == "Concat" || type == "Split") {
      node.op = type == "Concat" ? ir::OpKind::kConcat : ir::OpKind::kSplit;
      node.attrs.axis = a.has_axis ? a.axis : 1;
      node.attrs.ints.assign(a.split.begin(), a.split.end());
      for (int32_t id : type == "Concat" ? data : std::vector<int32_t>{data[0]}) node.inputs.push_back(Tensor(id));
    } else {
      node.inputs.push_back(Tensor(data[0]));
      if (type == "Relu") node.op = ir::OpKind::kRelu;
      else if (type == "Clip") node.op = ir::OpKind::kClip, node.attrs.clip_min = 0, node.attrs.clip_max = 6;
      else if (type == "LeakyRelu") node.op = ir::OpKind::kLeakyRelu, node.attrs.alpha = 0.01f;
      else if (type == "Sigmoid") node.op = ir::OpKind::kSigmoid;
      else if (type == "ExSwish") node.op = ir::OpKind::kSwish;
      else if (type == "GlobalAveragePool") node.op = ir::OpKind::kGlobalAveragePool;
      else if (type == "Resize") {
        node.op = ir::OpKind::kResize;
        node.attrs.mode = a.mode.empty() ? "nearest" : a.mode;
        node.attrs.coordinate_mode = a.coordinate_mode, node.attrs.nearest_mode = a.nearest_mode;
        // The file gives the output shape, not the scales: Resize's `sizes` form says the same.
        for (int32_t id : n.outputs)
          if (m_.tensors[id].is_activation()) {
            const ir::Shape out = ToShape(m_.tensors[id].shape);
            node.attrs.ints.assign(out.begin(), out.end());
            break;
          }
      } else if (type == "MaxPool") {
        node.op = ir::OpKind::kMaxPool;
        const ir::Shape& in = m_.tensors[data[0]].shape.size() == 4 ? ToShape(m_.tensors[data[0]].shape) : ir::Shape{};
        if (a.kernel.size() != 2 || in.empty()) Unmapped(n, "MaxPool without a 2-D kernel attribute");
        node.attrs.kernel.assign(a.kernel.begin(), a.kernel.end());
        node.attrs.strides = a.strides.size() == 2 ? ir::Shape(a.strides.begin(), a.strides.end()) : ir::Shape{1, 1};
        node.attrs.dilations = {1, 1};
        node.attrs.pads = a.pads.size() == 4 ? PadsTlbr(a.pads) : ir::Shape{0, 0, 0, 0};
      } else if (type == "ArgMax") {
        node.op = ir::OpKind::kArgMax;
        node.attrs.axis = a.has_axis ? a.axis : 1, node.attrs.keepdims = a.keepdims;
      } else if (type == "Reshape") {
        node.op = ir::OpKind::kReshape;
        node.attrs.target_shape = ToShape(m_.tensors[n.outputs[0]].shape);
      } else if (type == "Transpose") {
        node.op = ir::OpKind::kTranspose;
        node.attrs.axes.assign(a.perm.begin(), a.perm.end());
      } else {
        Unmapped(n, "no IR mapping");
      }
    }
    for (int32_t id : n.outputs)
      if (m_.tensors[id].is_activation()) node.outputs.push_back(Tensor(id));
    Emit(std::move(node), index);
  }

  // The files store ONNX pads [top, left, bottom, right] as written by the source model.
  static ir::Shape PadsTlbr(const std::vector<int32_t>& p) { return {p[0], p[1], p[2], p[3]}; }

  // Conv attributes: from the file's table (layout L) or, where the file has none (layout T),
  // derived from the shapes: stride = in/out rounded up, then the smallest symmetric pad that gives
  // the recorded output size, else the smallest bottom/right pad.
  void ConvAttrs(const RNode& n, const ir::Shape& in, const ir::Shape& w, const ir::Shape& out, ir::Attributes& a) {
    const RAttrs& r = n.attrs;
    a.kernel = {w[2], w[3]};
    a.dilations = r.dilations.size() == 2 ? ir::Shape(r.dilations.begin(), r.dilations.end()) : ir::Shape{1, 1};
    if (r.strides.size() == 2 && r.pads.size() == 4) {
      a.strides = ir::Shape(r.strides.begin(), r.strides.end());
      a.pads = PadsTlbr(r.pads);
      return;
    }
    a.strides.clear(), a.pads.assign(4, 0);
    for (int d = 0; d < 2; ++d) {
      const int64_t i = in[2 + d], o = out[2 + d], k = (w[2 + d] - 1) * a.dilations[d] + 1;
      const int64_t s = std::max<int64_t>(1, (i + o - 1) / o);
      a.strides.push_back(s);
      int64_t lo = -1, hi = -1;
      for (int64_t p : {int64_t{0}, (k - 1) / 2, k / 2})
        if ((i + 2 * p - k) / s + 1 == o && i + 2 * p >= k) {
          lo = hi = p;
          break;
        }
      if (lo < 0) lo = 0, hi = std::max<int64_t>(0, (o - 1) * s + k - i);
      a.pads[d] = lo, a.pads[2 + d] = hi;
    }
  }

  int WeightTensor(const RNode& n, int32_t id, bool depthwise) {
    const RTensor& r = m_.tensors[id];
    ir::Tensor t;
    t.name = r.name;
    t.shape = ToShape(r.shape);
    if (depthwise) std::swap(t.shape[0], t.shape[1]);  // the file writes depthwise kernels [1, C, kh, kw]
    t.dtype = ir::DType::kInt8;
    t.is_constant = true;
    const size_t kernels = static_cast<size_t>(t.shape[0]);
    // The files hold no float weight scale (docs/rknn-format.md §3); a unit scale keeps the
    // lowering's requantization well defined. Timing does not depend on it.
    t.quant.scale.assign(kernels, 1.0f);
    t.quant.zero_point.assign(kernels, 0);
    t.quant.axis = 0;
    std::vector<int8_t> codes = DecodeNativeWeights(r);
    if (codes.size() != static_cast<size_t>(t.num_elements())) {
      codes.assign(static_cast<size_t>(t.num_elements()), 0);
      out_.weights_decoded = false;
    }
    t.bytes.assign(codes.begin(), codes.end());
    if (t.shape.size() != 4) Unmapped(n, "weight '" + r.name + "' is not 4-D");
    return out_.graph.AddTensor(std::move(t));
  }

  int BiasTensor(const std::string& name, int64_t kernels) {
    ir::Tensor t;
    t.name = name;
    t.shape = {kernels};
    t.dtype = ir::DType::kInt32;
    t.is_constant = true;
    // The bias blob interleaves int32 biases with undecoded per-channel data (docs/rknn-format.md
    // §3); zeros stand in, which timing does not see.
    t.bytes.assign(static_cast<size_t>(kernels) * 4, 0);
    return out_.graph.AddTensor(std::move(t));
  }

  void ImportConvChain(const RNode& n, int index, const std::vector<std::string>& parts) {
    std::vector<int32_t> weights;
    for (int32_t id : n.inputs)
      if (m_.tensors[id].is_constant() && m_.tensors[id].shape.size() == 4) weights.push_back(id);
    const std::vector<int32_t> data = DataInputs(n);
    // The bias is optional: the float16 layout conversions of the toolkit's custom-op example
    // (dual_residual_custom_*) are 1x1 convolutions of [data, weight] alone.
    if (data.empty() || weights.empty() || n.inputs.size() < 2 || n.inputs[1] != weights[0])
      Unmapped(n, "expected inputs [data, weight, (bias), ...]");
    const ir::Shape in = ToShape(m_.tensors[data[0]].shape);
    const ir::Shape out = ToShape(m_.tensors[n.outputs[0]].shape);
    ir::Shape w = ToShape(m_.tensors[weights[0]].shape);
    if (in.size() != 4 || out.size() != 4 || w.size() != 4) Unmapped(n, "convolution on non-4-D tensors");
    const bool depthwise = w[0] == 1 && w[1] == in[1] && out[1] == in[1] && in[1] > 1;
    ir::Node conv;
    conv.op = ir::OpKind::kConv;
    conv.name = LocalName(n);
    conv.inputs = {Tensor(data[0]), WeightTensor(n, weights[0], depthwise)};
    const ir::Shape wir = out_.graph.tensor(conv.inputs[1]).shape;  // a copy: AddTensor may reallocate
    if (!depthwise && wir[1] != in[1]) Unmapped(n, "grouped convolution other than depthwise");
    conv.attrs.group = depthwise ? in[1] : 1;
    const bool has_bias = n.inputs.size() > 2 && !m_.tensors[n.inputs[2]].is_activation();
    conv.inputs.push_back(BiasTensor(has_bias ? m_.tensors[n.inputs[2]].name : "bias_of_node_" + std::to_string(index), wir[0]));
    ConvAttrs(n, in, wir, out, conv.attrs);
    size_t next = 1;
    next = FuseActivation(parts, next, conv.attrs);
    const int final_out = Tensor(n.outputs[0]);
    conv.outputs = {next == parts.size() ? final_out : NewTensor(out_.graph.tensor(final_out), "conv")};
    int current = conv.outputs[0];
    Emit(std::move(conv), index);
    // Any second data input is the residual operand of a fused Add.
    const int operand = data.size() > 1 ? Tensor(data[1]) : -1;
    EmitTail(n, index, parts, next, current, operand, final_out);
  }

  void ImportAddChain(const RNode& n, int index, const std::vector<std::string>& parts, size_t) {
    const std::vector<int32_t> data = DataInputs(n);
    if (data.size() != 2) Unmapped(n, "Add expects two data inputs");
    EmitTail(n, index, parts, 0, Tensor(data[0]), Tensor(data[1]), Tensor(n.outputs[0]));
  }

  // Relu/Clip right after an op that fuses activations (Conv, Add) become its activation.
  static size_t FuseActivation(const std::vector<std::string>& parts, size_t at, ir::Attributes& a) {
    if (at < parts.size() && parts[at] == "Relu") a.activation = ir::Activation::kRelu, ++at;
    else if (at < parts.size() && parts[at] == "Clip")
      a.activation = ir::Activation::kClip, a.clip_min = 0, a.clip_max = 6, ++at;
    return at;
  }

  // The rest of a fused chain: Add (with `operand`), LeakyRelu, Sigmoid, ExSwish, Relu, Clip.
  void EmitTail(const RNode& n, int index, const std::vector<std::string>& parts, size_t at, int current, int operand,
                int final_out) {
    while (at < parts.size()) {
      ir::Node node;
      node.name = LocalName(n) + "#" + parts[at];
      const std::string part = parts[at++];
      if (part == "Add") {
        if (operand < 0) Unmapped(n, "fused Add without a second operand");
        node.op = ir::OpKind::kAdd;
        node.inputs = {current, operand};
        operand = -1;
        at = FuseActivation(parts, at, node.attrs);
      } else {
        node.inputs = {current};
        if (part == "Relu") node.op = ir::OpKind::kRelu;
        else if (part == "Clip") node.op = ir::OpKind::kClip, node.attrs.clip_min = 0, node.attrs.clip_max = 6;
        else if (part == "LeakyRelu") node.op = ir::OpKind::kLeakyRelu, node.attrs.alpha = 0.01f;
        else if (part == "Sigmoid") node.op = ir::OpKind::kSigmoid;
        else if (part == "ExSwish") node.op = ir::OpKind::kSwish;
        else Unmapped(n, "'" + part + "' cannot follow in a fused chain");
      }
      current = at == parts.size() ? final_out : NewTensor(out_.graph.tensor(final_out), part);
      node.outputs = {current};
      Emit(std::move(node), index);
    }
  }

  const RknnModel& m_;
  std::vector<int> ir_of_;
  std::vector<bool> produced_;
  std::unordered_set<std::string> names_;
  ImportedGraph out_;
};

}  // namespace

std::vector<int8_t> DecodeNativeWeights(const RTensor& w) {
  const std::vector<int32_t>& nat = w.native_shape;
  if (w.compressed || w.dtype != 3 || nat.size() != 6 || w.shape.size() != 4) return {};
  for (int32_t d : nat)
    if (d <= 0) return {};
  const size_t n1 = nat[1], kh = nat[2], kw = nat[3], ob = nat[4], ib = nat[5];
  const size_t need = static_cast<size_t>(nat[0]) * n1 * kh * kw * ob * ib;
  const size_t O = w.shape[0], I = w.shape[1];
  if (need > w.data.size() || w.shape[2] != nat[2] || w.shape[3] != nat[3] || (O + ob - 1) / ob > size_t(nat[0]) ||
      (I + ib - 1) / ib > n1)
    return {};
  std::vector<int8_t> out(O * I * kh * kw);
  for (size_t o = 0; o < O; ++o)
    for (size_t i = 0; i < I; ++i)
      for (size_t y = 0; y < kh; ++y)
        for (size_t x = 0; x < kw; ++x)
          out[((o * I + i) * kh + y) * kw + x] = static_cast<int8_t>(
              w.data[((((o / ob * n1 + i / ib) * kh + y) * kw + x) * ob + o % ob) * ib + i % ib]);
  return out;
}

ImportedGraph ImportGraph(const RknnModel& model) { return Importer(model).Run(); }

}  // namespace rknnsim::rknn
