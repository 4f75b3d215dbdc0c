#include "compiler/frontend/onnx_importer.h"

#include <cstring>
#include <limits>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>
#include <onnx/onnx_pb.h>


#include "common/error.h"
#include "common/file_io.h"
#include "compiler/frontend/onnx_decompose.h"
#include "compiler/frontend/onnx_upgrade.h"
#include "compiler/frontend/onnx_windows_1d.h"
#include "compiler/ops/custom_op.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/op_util.h"
#include "compiler/ops/quantize_linear.h"

namespace rknnsim::frontend {
namespace {

constexpr int64_t kMinOpset = 9;
// Opsets 18-21 (what current PyTorch and Hugging Face exporters write) are read natively: the ops
// whose inputs or attributes changed there (Reduce* axes as an input, Split num_outputs, Resize
// axes/keep_aspect_ratio_policy/half_pixel_symmetric, Pad axes and wrap, Q/DQ output_dtype) parse
// both forms; Mish (18) and Gelu (20) are ops of their own.
constexpr int64_t kMaxOpset = 21;
// What models below kMinOpset are upgraded to: the first opset where Upsample became Resize and
// the ops' attributes reached the form the importer reads.
constexpr int64_t kUpgradeOpset = 11;
constexpr int64_t kMinIrVersion = 3;
constexpr int64_t kMaxIrVersion = 10;  // IR 10 is what opset 21 exporters write

ir::Tensor ConvertInitializer(const onnx::TensorProto& t);

using TypeMap = std::unordered_map<std::string, int64_t>;  // tensor name → ONNX element type
using ShapeMap = std::unordered_map<std::string, ir::Shape>;  // tensor name → declared static shape

class OnnxAttrReader : public ops::AttrReader {
 public:
  OnnxAttrReader(const onnx::NodeProto& node, const TypeMap& types, const ShapeMap& declared)
      : node_(node), types_(types), declared_(declared) {
    for (const auto& a : node.attribute()) attrs_[a.name()] = &a;
  }
  ir::Shape DeclaredOutputShape(size_t index) const override {
    if (index >= static_cast<size_t>(node_.output_size())) return {};
    auto it = declared_.find(node_.output(static_cast<int>(index)));
    return it == declared_.end() ? ir::Shape{} : it->second;
  }
  int64_t InputType(size_t index) const override {
    if (index >= static_cast<size_t>(node_.input_size())) return 0;
    auto it = types_.find(node_.input(static_cast<int>(index)));
    return it == types_.end() ? 0 : it->second;
  }
  bool Has(const std::string& name) const override { return attrs_.count(name) != 0; }
  int64_t Int(const std::string& name, int64_t fallback) const override {
    const auto* a = Find(name);
    return a ? a->i() : fallback;
  }
  float Float(const std::string& name, float fallback) const override {
    const auto* a = Find(name);
    if (!a) return fallback;
    if (a->type() == onnx::AttributeProto::TENSOR) {  // e.g. ConstantOfShape's value
      const ir::Tensor t = ConvertInitializer(a->t());
      return t.float_data.empty() ? fallback : t.float_data[0];
    }
    return a->f();
  }
  std::vector<int64_t> Ints(const std::string& name) const override {
    const auto* a = Find(name);
    return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : std::vector<int64_t>{};
  }
  std::string String(const std::string& name, const std::string& fallback) const override {
    const auto* a = Find(name);
    return a ? a->s() : fallback;
  }

 private:
  const onnx::AttributeProto* Find(const std::string& name) const {
    auto it = attrs_.find(name);
    return it == attrs_.end() ? nullptr : it->second;
  }
  const onnx::NodeProto& node_;
  const TypeMap& types_;
  const ShapeMap& declared_;
  std::unordered_map<std::string, const onnx::AttributeProto*> attrs_;
};

// Copies `count` little-endian values of type T from raw_data or the typed repeated field. The
// shape's count is checked against the bytes the file holds before anything is allocated, so a
// corrupted shape cannot ask for more memory than the file's own size.
template <typename T, typename Repeated>
std::vector<float> ReadValues(const onnx::TensorProto& t, const Repeated& typed, int64_t count) {
  if (t.has_raw_data()) {
    const std::string& raw = t.raw_data();
    if (raw.size() != static_cast<size_t>(count) * sizeof(T))
      throw Error("initializer '" + t.name() + "' holds " + std::to_string(raw.size()) + " bytes, its shape needs " +
                      std::to_string(count * static_cast<int64_t>(sizeof(T))),
                  "the model file is corrupted; re-export it");
    std::vector<float> out(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) {
      T v;
      std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
      out[i] = static_cast<float>(v);
    }
    return out;
  }
  if (typed.size() != count)
    throw Error("initializer '" + t.name() + "' holds " + std::to_string(typed.size()) + " values, its shape needs " +
                    std::to_string(count),
                "the model file is corrupted; re-export it");
  std::vector<float> out(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) out[i] = static_cast<float>(typed.Get(static_cast<int>(i)));
  return out;
}

template <typename T>
std::vector<float> ReadNarrow(const onnx::TensorProto& t, int64_t count) {
  if (t.has_raw_data()) return ReadValues<T>(t, t.int32_data(), count);
  std::vector<float> out = ReadValues<int32_t>(t, t.int32_data(), count);
  for (float& v : out) v = static_cast<float>(static_cast<T>(v));
  return out;
}

ir::Tensor ConvertInitializer(const onnx::TensorProto& t) {
  ir::Tensor out;
  out.name = t.name();
  out.is_constant = true;
  int64_t count = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || (d > 0 && count > (int64_t{1} << 40) / d))
      throw Error("initializer '" + t.name() + "' has an invalid shape", "the model file is corrupted");
    out.shape.push_back(d);
    count *= d;
  }
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    throw Error("initializer '" + t.name() + "' stores its data in an external file",
                "save the model with all tensors inside the .onnx file (onnx.save(..., save_as_external_data=False))");
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT: out.float_data = ReadValues<float>(t, t.float_data(), count); break;
    case onnx::TensorProto::DOUBLE: out.float_data = ReadValues<double>(t, t.double_data(), count); break;
    case onnx::TensorProto::INT64: out.float_data = ReadValues<int64_t>(t, t.int64_data(), count); break;
    case onnx::TensorProto::INT32: out.float_data = ReadValues<int32_t>(t, t.int32_data(), count); break;
    // ONNX stores these narrow types in int32_data when not in raw_data.
    case onnx::TensorProto::INT8: out.float_data = ReadNarrow<int8_t>(t, count); break;
    case onnx::TensorProto::UINT8: out.float_data = ReadNarrow<uint8_t>(t, count); break;
    case onnx::TensorProto::INT16: out.float_data = ReadNarrow<int16_t>(t, count); break;
    case onnx::TensorProto::UINT16: out.float_data = ReadNarrow<uint16_t>(t, count); break;
    case onnx::TensorProto::BOOL: out.float_data = ReadNarrow<uint8_t>(t, count); break;
    case onnx::TensorProto::FLOAT16:
      throw Error("initializer '" + t.name() + "' is float16",
                  "export the model in float32; rknn-sim converts weights to fp16 itself with --no-quant");
    default:
      throw Error("initializer '" + t.name() + "' has unsupported data type " + std::to_string(t.data_type()));
  }
  return out;
}

ir::Shape InputShapeOf(const onnx::ValueInfoProto& v) {
  if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape())
    throw Error("graph input '" + v.name() + "' has no static tensor shape",
                "fix the input shape when exporting (no dynamic axes)");
  ir::Shape shape;
  for (const auto& d : v.type().tensor_type().shape().dim()) {
    if (!d.has_dim_value() || d.dim_value() <= 0)
      throw Error("graph input '" + v.name() + "' has a dynamic dimension" +
                      (d.has_dim_param() ? " '" + d.dim_param() + "'" : std::string()),
                  "fix the input shape with input_size_list (--input-size-list), or export without dynamic_axes");
    shape.push_back(d.dim_value());
  }
  return shape;
}

// Tensors whose shape the graph declares in full (outputs and value_info with every dimension a
// positive value); a declaration with a symbolic or missing dimension is left out.
ShapeMap DeclaredShapes(const onnx::GraphProto& g) {
  ShapeMap shapes;
  auto add = [&](const onnx::ValueInfoProto& v) {
    if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) return;
    ir::Shape shape;
    for (const auto& d : v.type().tensor_type().shape().dim()) {
      if (!d.has_dim_value() || d.dim_value() <= 0) return;
      shape.push_back(d.dim_value());
    }
    shapes[v.name()] = std::move(shape);
  };
  for (const auto& v : g.output()) add(v);
  for (const auto& v : g.value_info()) add(v);
  return shapes;
}

int64_t DefaultOpset(const onnx::ModelProto& model) {
  int64_t opset = -1;
  for (const auto& imp : model.opset_import())
    if (imp.domain().empty() || imp.domain() == "ai.onnx") opset = imp.version();
  return opset;
}

// Checks the IR version and opset; a model below kMinOpset (opsets 1-8, as ONNX's own
// pytorch-converted cases and old exporters write them) is upgraded in place to kUpgradeOpset by
// ONNX's own version converter, so the importer only meets the opsets it implements.
int64_t CheckVersions(onnx::ModelProto& model, const std::string& what) {
  if (model.ir_version() < kMinIrVersion || model.ir_version() > kMaxIrVersion)
    throw Error(what + ": ONNX IR version " + std::to_string(model.ir_version()) + " is outside the supported range " +
                    std::to_string(kMinIrVersion) + "-" + std::to_string(kMaxIrVersion),
                "re-export with an opset between 9 and " + std::to_string(kMaxOpset));
  int64_t opset = DefaultOpset(model);
  if (opset >= 1 && opset < kMinOpset) {
    UpgradeOpset(model, opset, kUpgradeOpset, what);
    opset = DefaultOpset(model);
  }
  if (opset < kMinOpset || opset > kMaxOpset)
    throw Error(what + ": ONNX opset " + std::to_string(opset) + " is not supported (supported: 1-" +
                    std::to_string(kMaxOpset) + "; below " + std::to_string(kMinOpset) + " upgraded)",
                "re-export with torch.onnx.export(..., opset_version=" + std::to_string(kMaxOpset) + ")");
  return opset;
}

// Puts Gemm into the form the kernels expect: constant weights [N, K], alpha and beta folded.
void CanonicalizeGemm(ir::Graph& g, ir::Node& node) {
  ir::Tensor& w = g.tensor(node.inputs[1]);
  if (!w.is_constant) throw ops::NodeError(node, "Gemm with non-constant weights is not supported");
  if (w.shape.size() != 2) throw ops::NodeError(node, "Gemm weights must be 2-D");
  ir::Attributes& a = node.attrs;
  if (!a.trans_b) {
    const int64_t k = w.shape[0], n = w.shape[1];
    std::vector<float> t(w.float_data.size());
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < n; ++j) t[j * k + i] = w.float_data[i * n + j];
    w.float_data = std::move(t);
    w.shape = {n, k};
    a.trans_b = true;
    if (w.quant.axis >= 0) w.quant.axis = 1 - w.quant.axis;  // parameters of a DequantizeLinear'd weight
  }
  if (a.alpha != 1.0f) {
    for (float& v : w.float_data) v *= a.alpha;
    for (float& s : w.quant.scale) s *= a.alpha;
  }
  if (node.inputs.size() == 3) {
    ir::Tensor& c = g.tensor(node.inputs[2]);
    if (!c.is_constant) throw ops::NodeError(node, "Gemm with a non-constant C is not supported");
    if (c.float_data.size() != 1 && c.float_data.size() != static_cast<size_t>(w.shape[0]))
      throw ops::NodeError(node, "Gemm with a bias C of shape " + ir::ShapeToString(c.shape) +
                                     " is not supported (only a scalar or one value per output column)",
                           "fold the bias into a following Add");
    if (c.float_data.size() == 1) c.float_data.assign(static_cast<size_t>(w.shape[0]), c.float_data[0]);
    c.shape = {w.shape[0]};
    for (float& v : c.float_data) v *= a.beta;
  }
  a.alpha = a.beta = 1.0f;
}

// A custom node's attributes as the JSON object ops::kCustomOp keeps (numbers, strings, lists of
// them; tensors as their values).
std::string AttributesAsJson(const onnx::NodeProto& n) {
  nlohmann::json j = nlohmann::json::object();
  for (const onnx::AttributeProto& a : n.attribute()) {
    switch (a.type()) {
      case onnx::AttributeProto::FLOAT: j[a.name()] = a.f(); break;
      case onnx::AttributeProto::INT: j[a.name()] = a.i(); break;
      case onnx::AttributeProto::STRING: j[a.name()] = a.s(); break;
      case onnx::AttributeProto::FLOATS: j[a.name()] = std::vector<float>(a.floats().begin(), a.floats().end()); break;
      case onnx::AttributeProto::INTS: j[a.name()] = std::vector<int64_t>(a.ints().begin(), a.ints().end()); break;
      case onnx::AttributeProto::STRINGS:
        j[a.name()] = std::vector<std::string>(a.strings().begin(), a.strings().end());
        break;
      case onnx::AttributeProto::TENSOR: j[a.name()] = ConvertInitializer(a.t()).float_data; break;
      default:
        throw Error("node '" + n.name() + "': custom operator attribute '" + a.name() + "' has a type rknn-sim cannot keep",
                    "use numbers, strings, lists of them or a tensor");
    }
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);  // string attributes may not be UTF-8
}

// Ops whose output shape depends on the data: the NPU toolchain cannot compile them (manual §7).
bool IsDataDependentOp(const std::string& op_type) {
  static const std::set<std::string> ops = {"NonZero", "NonMaxSuppression", "TopK", "Loop", "If", "Scan",
                                            "Unique", "Compress", "RandomNormal", "RandomUniform"};
  return ops.count(op_type) != 0;
}

std::string Join(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

class OnnxImporter {
 public:
  // `source_opset` is the model's opset before ONNX's version converter upgraded it (if it did).
  OnnxImporter(const onnx::GraphProto& proto, std::string what, const OnnxLoadOptions& options, int64_t source_opset)
      : proto_(proto),
        what_(std::move(what)),
        options_(options),
        source_opset_(source_opset),
        declared_shapes_(DeclaredShapes(proto)) {}

  ir::Graph Run(int64_t opset) {
    g_.set_opset(opset);
    for (const auto& init : proto_.initializer()) {
      g_.AddTensor(ConvertInitializer(init));
      types_[init.name()] = init.data_type();
    }
    for (const auto& in : proto_.input())
      if (in.type().has_tensor_type() && !types_.count(in.name())) types_[in.name()] = in.type().tensor_type().elem_type();
    AddInputs();
    const std::vector<bool> needed = NeededNodes();
    for (int i = 0; i < proto_.node_size(); ++i)
      if (needed[static_cast<size_t>(i)]) ImportNode(proto_.node(i), i);
    SetOutputs();
    RemoveDeadNodes();
    return std::move(g_);
  }

 private:
  int Resolve(const std::string& name) const {
    auto it = alias_.find(name);
    return it != alias_.end() ? it->second : g_.FindTensor(name);
  }

  // Graph inputs: the model's (minus initializers), or the tensors named by `inputs`; shapes from
  // the model unless input_size_list fixes them.
  void AddInputs() {
    std::vector<std::string> names = options_.inputs;
    std::unordered_map<std::string, const onnx::ValueInfoProto*> declared;
    for (const auto& in : proto_.input()) declared[in.name()] = &in;
    if (names.empty())
      for (const auto& in : proto_.input())
        if (g_.FindTensor(in.name()) < 0) names.push_back(in.name());
    if (names.empty()) throw Error(what_ + ": the graph has no inputs");
    const auto& sizes = options_.input_size_list;
    if (!sizes.empty() && sizes.size() != names.size())
      throw Error(what_ + ": input_size_list has " + std::to_string(sizes.size()) + " shape(s) for " +
                      std::to_string(names.size()) + " input(s) (" + Join(names) + ")",
                  "give one shape per model input, in order");
    for (size_t i = 0; i < names.size(); ++i) {
      ir::Tensor t;
      t.name = names[i];
      if (!sizes.empty()) {
        t.shape = sizes[i];
        for (int64_t d : t.shape)
          if (d <= 0) throw Error(what_ + ": input_size_list gives a non-positive dimension for '" + t.name + "'");
      } else if (declared.count(names[i])) {
        t.shape = InputShapeOf(*declared[names[i]]);
      } else {
        throw Error(what_ + ": the shape of cut input '" + names[i] + "' is unknown",
                    "pass its shape with input_size_list (--input-size-list)");
      }
      if (declared.count(names[i])) CheckInputType(*declared[names[i]]);
      g_.inputs().push_back(g_.AddTensor(std::move(t)));
    }
  }

  void CheckInputType(const onnx::ValueInfoProto& v) const {
    if (!v.type().has_tensor_type()) throw Error("graph input '" + v.name() + "' is not a tensor");
    switch (v.type().tensor_type().elem_type()) {
      case onnx::TensorProto::FLOAT: case onnx::TensorProto::DOUBLE: case onnx::TensorProto::INT64:
      case onnx::TensorProto::INT32: case onnx::TensorProto::INT8: case onnx::TensorProto::UINT8:
      case onnx::TensorProto::BOOL:
        return;
      default:
        throw Error("graph input '" + v.name() + "' has unsupported element type " +
                    std::to_string(v.type().tensor_type().elem_type()), "use float32 inputs");
    }
  }

  // Nodes between the inputs and the requested outputs (all nodes without `outputs`).
  std::vector<bool> NeededNodes() const {
    std::unordered_map<std::string, int> producer;
    for (int i = 0; i < proto_.node_size(); ++i)
      for (const std::string& out : proto_.node(i).output()) producer[out] = i;
    std::vector<std::string> wanted = options_.outputs;
    if (wanted.empty())
      for (const auto& out : proto_.output()) wanted.push_back(out.name());
    for (const std::string& name : options_.outputs)
      if (!producer.count(name) && g_.FindTensor(name) < 0)
        throw Error(what_ + ": output '" + name + "' does not exist in the model",
                    "use a tensor name shown by netron, e.g. a node's output");
    std::vector<bool> needed(static_cast<size_t>(proto_.node_size()), false);
    std::set<std::string> stop(options_.inputs.begin(), options_.inputs.end());
    std::vector<std::string> stack = wanted;
    while (!stack.empty()) {
      const std::string name = stack.back();
      stack.pop_back();
      auto it = producer.find(name);
      if (it == producer.end() || stop.count(name) || needed[static_cast<size_t>(it->second)]) continue;
      needed[static_cast<size_t>(it->second)] = true;
      for (const std::string& in : proto_.node(it->second).input())
        if (!in.empty()) stack.push_back(in);
    }
    return needed;
  }

  void ImportNode(const onnx::NodeProto& np, int index) {
    const std::string name = np.name().empty() ? np.op_type() + "_" + std::to_string(index) : np.name();
    const bool custom = !np.domain().empty() && np.domain() != "ai.onnx";
    if (custom && !ops::FindCustomOp(np.op_type()))
      throw Error("node '" + name + "': operator '" + np.op_type() + "' of domain '" + np.domain() +
                      "' is not supported",
                  "if it is a custom operator, register it before loading the model (Python: "
                  "rknn.reg_custom_op(obj) with op_type, shape_infer and compute)");
    if (np.op_type() == "Constant") return ImportConstant(np, name);
    const std::vector<onnx::NodeProto> parts =
        Decompose(np, name, source_opset_, [this](const std::string& tensor) { return Facts(tensor); });
    for (const onnx::NodeProto& part : parts) ImportNode(part, index);
    if (!parts.empty()) return;
    if (np.op_type() == "Identity" || np.op_type() == "Dropout") {
      const int src = np.input_size() ? Resolve(np.input(0)) : -1;
      if (src < 0) throw Error("node '" + name + "': input is not defined before use");
      alias_[np.output(0)] = src;
      if (types_.count(np.input(0))) types_[np.output(0)] = types_[np.input(0)];
      return;
    }
    const ops::OpDef* def = custom ? &ops::kCustomOp : ops::FindOnnxOp(np.op_type());
    if (!def && IsDataDependentOp(np.op_type()))
      throw Error("node '" + name + "': operator '" + np.op_type() + "' makes tensor shapes depend on the data, "
                  "which the NPU cannot compile",
                  "cut the graph before it with outputs= (--outputs) and run that part on the CPU");
    if (!def)
      throw Error("node '" + name + "': operator '" + np.op_type() + "' is not supported",
                  "cut the graph before it with outputs= (--outputs), or replace it in the source model");
    ir::Node node;
    node.op = def->kind;
    node.name = name;
    for (const std::string& in : np.input()) {
      if (in.empty()) {  // optional input left out
        node.inputs.push_back(-1);
        continue;
      }
      const int id = Resolve(in);
      if (id < 0)
        throw Error("node '" + name + "': input '" + in + "' is not defined before use",
                    "the graph is not topologically sorted or is incomplete");
      node.inputs.push_back(id);
    }
    if (np.output_size() < 1) throw ops::NodeError(node, "node has no output");
    // Placeholder ids so parse() can see how many outputs the node has (Split).
    node.outputs.assign(static_cast<size_t>(np.output_size()), -1);
    if (custom) node.attrs.mode = np.op_type(), node.attrs.custom_attrs = AttributesAsJson(np);
    const OnnxAttrReader reader(np, types_, declared_shapes_);
    def->parse(reader, g_, node);
    while (!node.inputs.empty() && node.inputs.back() < 0) node.inputs.pop_back();
    for (int id : node.inputs)
      if (id < 0) throw ops::NodeError(node, "an optional input in the middle is not supported");
    if (node.op == ir::OpKind::kGemm) CanonicalizeGemm(g_, node);
    const std::vector<ir::Shape> shapes = def->infer(g_, node);
    node.outputs.clear();
    for (size_t i = 0; i < shapes.size(); ++i) {
      ir::Tensor t;
      t.name = i < static_cast<size_t>(np.output_size()) ? np.output(static_cast<int>(i)) : name + ":" + std::to_string(i);
      t.shape = shapes[i];
      node.outputs.push_back(g_.AddTensor(std::move(t)));
    }
    // Integer-typed results the Q/DQ ops read (a zero point made by Cast, a QuantizeLinear's output).
    if (node.op == ir::OpKind::kCast || node.op == ir::OpKind::kQuantizeLinear) types_[np.output(0)] = node.attrs.to;
    if (IsFoldable(node)) return Fold(node, *def);
    g_.nodes().push_back(std::move(node));
  }

  TensorFacts Facts(const std::string& tensor) const {
    const int id = tensor.empty() ? -1 : Resolve(tensor);
    if (id < 0) return {};
    const ir::Tensor& t = g_.tensor(id);
    return {true, t.is_constant, t.shape};
  }

  void ImportConstant(const onnx::NodeProto& np, const std::string& name) {
    if (np.output_size() != 1) throw Error("node '" + name + "': Constant must have one output");
    for (const auto& a : np.attribute()) {
      ir::Tensor t;
      if (a.name() == "value") {
        t = ConvertInitializer(a.t());
        types_[np.output(0)] = a.t().data_type();
      } else if (a.name() == "value_float" || a.name() == "value_int") {
        t.is_constant = true;
        t.float_data = {a.name() == "value_float" ? a.f() : static_cast<float>(a.i())};
      } else if (a.name() == "value_floats" || a.name() == "value_ints") {
        t.is_constant = true;
        if (a.name() == "value_floats") t.float_data.assign(a.floats().begin(), a.floats().end());
        for (int64_t v : a.ints()) t.float_data.push_back(static_cast<float>(v));
        t.shape = {static_cast<int64_t>(t.float_data.size())};
      } else {
        continue;
      }
      t.name = np.output(0);
      g_.AddTensor(std::move(t));
      return;
    }
    throw Error("node '" + name + "': Constant without a supported value attribute");
  }

  // All inputs constant (or only the input's static shape is read): evaluate now.
  bool IsFoldable(const ir::Node& node) const {
    if (node.op == ir::OpKind::kShape) return true;
    if (node.inputs.empty()) return node.op == ir::OpKind::kConstantOfShape || node.op == ir::OpKind::kRange;
    for (int id : node.inputs)
      if (!g_.tensor(id).is_constant) return false;
    return true;
  }

  void Fold(const ir::Node& node, const ops::OpDef& def) {
    static const std::vector<float> kNoData;
    std::vector<std::vector<float>> values(node.outputs.size());
    ops::FloatArgs args{g_, node, {}, values[0], {}};
    for (int id : node.inputs) args.in.push_back(g_.tensor(id).is_constant ? &g_.tensor(id).float_data : &kNoData);
    for (auto& v : values) args.outputs.push_back(&v);
    def.run_float(args);
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      ir::Tensor& t = g_.tensor(node.outputs[i]);
      if (static_cast<int64_t>(values[i].size()) != t.num_elements())
        throw ops::NodeError(node, "constant folding produced " + std::to_string(values[i].size()) +
                                       " values for shape " + ir::ShapeToString(t.shape));
      t.is_constant = true;
      t.float_data = std::move(values[i]);
    }
    // A dequantized constant (a QDQ model's weight or bias) keeps its parameters, so that
    // passes/fold_qdq.cc recovers the model's integers exactly instead of re-quantizing.
    if (node.op == ir::OpKind::kDequantizeLinear) g_.tensor(node.outputs[0]).quant = ops::QdqParams(g_, node);
  }

  void SetOutputs() {
    std::vector<std::string> names = options_.outputs;
    if (names.empty())
      for (const auto& out : proto_.output()) names.push_back(out.name());
    for (const std::string& name : names) {
      const int id = Resolve(name);
      if (id < 0) throw Error(what_ + ": graph output '" + name + "' is not produced by any node");
      g_.outputs().push_back(id);
    }
    if (g_.outputs().empty()) throw Error(what_ + ": the graph has no outputs");
  }

  // Drops nodes whose results no output needs (e.g. after folding or cutting).
  void RemoveDeadNodes() {
    std::vector<bool> live(g_.tensors().size(), false);
    for (int id : g_.outputs()) live[static_cast<size_t>(id)] = true;
    std::vector<ir::Node>& nodes = g_.nodes();
    std::vector<bool> keep(nodes.size(), false);
    for (size_t i = nodes.size(); i-- > 0;) {
      for (int out : nodes[i].outputs) keep[i] = keep[i] || live[static_cast<size_t>(out)];
      if (keep[i])
        for (int in : nodes[i].inputs) live[static_cast<size_t>(in)] = true;
    }
    std::vector<ir::Node> kept;
    for (size_t i = 0; i < nodes.size(); ++i)
      if (keep[i]) kept.push_back(std::move(nodes[i]));
    nodes = std::move(kept);
  }

  const onnx::GraphProto& proto_;
  std::string what_;
  const OnnxLoadOptions& options_;
  int64_t source_opset_;
  ShapeMap declared_shapes_;
  ir::Graph g_;
  std::unordered_map<std::string, int> alias_;  // Identity/Dropout outputs → their input tensor
  TypeMap types_;                               // element types where known (InputType)
};

}  // namespace

ir::Graph ImportOnnxBytes(const std::string& bytes, const std::string& what, const OnnxLoadOptions& options) {
  onnx::ModelProto model;
  if (bytes.empty() || !model.ParseFromString(bytes))
    throw Error(what + ": cannot parse the ONNX protobuf (Error parsing message): the file is truncated, "
                       "corrupted or not an ONNX model",
                "check the download or re-export the model");
  if (!model.has_graph()) throw Error(what + ": the ONNX file holds no graph");
  const int64_t source_opset = DefaultOpset(model);
  const int64_t opset = CheckVersions(model, what);  // may upgrade `model`
  LiftOneDimensionalWindows(model, opset);
  return OnnxImporter(model.graph(), what, options, source_opset).Run(opset);
}

ir::Graph ImportOnnxFile(const std::string& path, const OnnxLoadOptions& options) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  return ImportOnnxBytes(std::string(bytes.begin(), bytes.end()), path, options);
}

}  // namespace rknnsim::frontend
