#include "compiler/frontend/onnx_importer.h"

#include <cstring>
#include <limits>
#include <unordered_map>

#include <onnx/onnx_pb.h>

#include "common/error.h"
#include "common/file_io.h"
#include "compiler/ops/op_def.h"
#include "compiler/ops/op_util.h"

namespace rknnsim::frontend {
namespace {

constexpr int64_t kMinOpset = 9;
constexpr int64_t kMaxOpset = 17;
constexpr int64_t kMinIrVersion = 3;
constexpr int64_t kMaxIrVersion = 8;

class OnnxAttrReader : public ops::AttrReader {
 public:
  explicit OnnxAttrReader(const onnx::NodeProto& node) {
    for (const auto& a : node.attribute()) attrs_[a.name()] = &a;
  }
  bool Has(const std::string& name) const override { return attrs_.count(name) != 0; }
  int64_t Int(const std::string& name, int64_t fallback) const override {
    const auto* a = Find(name);
    return a ? a->i() : fallback;
  }
  float Float(const std::string& name, float fallback) const override {
    const auto* a = Find(name);
    return a ? a->f() : fallback;
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
  std::unordered_map<std::string, const onnx::AttributeProto*> attrs_;
};

// Copies `count` little-endian values of type T from raw_data or the typed repeated field.
template <typename T, typename Repeated>
std::vector<float> ReadValues(const onnx::TensorProto& t, const Repeated& typed, int64_t count) {
  std::vector<float> out(static_cast<size_t>(count));
  if (t.has_raw_data()) {
    const std::string& raw = t.raw_data();
    if (raw.size() != static_cast<size_t>(count) * sizeof(T))
      throw Error("initializer '" + t.name() + "' holds " + std::to_string(raw.size()) + " bytes, its shape needs " +
                      std::to_string(count * static_cast<int64_t>(sizeof(T))),
                  "the model file is corrupted; re-export it");
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
  for (int64_t i = 0; i < count; ++i) out[i] = static_cast<float>(typed.Get(static_cast<int>(i)));
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
  const auto elem = v.type().tensor_type().elem_type();
  if (elem != onnx::TensorProto::FLOAT)
    throw Error("graph input '" + v.name() + "' has element type " + std::to_string(elem) + ", expected float32");
  ir::Shape shape;
  for (const auto& d : v.type().tensor_type().shape().dim()) {
    if (!d.has_dim_value() || d.dim_value() <= 0)
      throw Error("graph input '" + v.name() + "' has a dynamic dimension" +
                      (d.has_dim_param() ? " '" + d.dim_param() + "'" : std::string()),
                  "export with fixed input sizes (no dynamic_axes)");
    shape.push_back(d.dim_value());
  }
  return shape;
}

void CheckVersions(const onnx::ModelProto& model, const std::string& what) {
  if (model.ir_version() < kMinIrVersion || model.ir_version() > kMaxIrVersion)
    throw Error(what + ": ONNX IR version " + std::to_string(model.ir_version()) + " is outside the supported range " +
                    std::to_string(kMinIrVersion) + "-" + std::to_string(kMaxIrVersion),
                "re-export with an opset between 9 and 17");
  int64_t opset = -1;
  for (const auto& imp : model.opset_import())
    if (imp.domain().empty() || imp.domain() == "ai.onnx") opset = imp.version();
  if (opset < kMinOpset || opset > kMaxOpset)
    throw Error(what + ": ONNX opset " + std::to_string(opset) + " is not supported (supported: 9-17)",
                "re-export with torch.onnx.export(..., opset_version=13)");
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
  }
  if (a.alpha != 1.0f)
    for (float& v : w.float_data) v *= a.alpha;
  if (node.inputs.size() == 3) {
    ir::Tensor& c = g.tensor(node.inputs[2]);
    if (!c.is_constant) throw ops::NodeError(node, "Gemm with a non-constant C is not supported");
    if (c.float_data.size() == 1) c.float_data.assign(static_cast<size_t>(w.shape[0]), c.float_data[0]);
    c.shape = {w.shape[0]};
    for (float& v : c.float_data) v *= a.beta;
  }
  a.alpha = a.beta = 1.0f;
}

}  // namespace

ir::Graph ImportOnnxBytes(const std::string& bytes, const std::string& what) {
  onnx::ModelProto model;
  if (bytes.empty() || !model.ParseFromString(bytes))
    throw Error(what + ": cannot parse the ONNX protobuf (Error parsing message): the file is truncated, "
                       "corrupted or not an ONNX model",
                "check the download or re-export the model");
  if (!model.has_graph()) throw Error(what + ": the ONNX file holds no graph");
  CheckVersions(model, what);
  const onnx::GraphProto& proto = model.graph();

  ir::Graph g;
  std::unordered_map<std::string, int> alias;  // Identity/Dropout outputs → their input tensor
  auto resolve = [&](const std::string& name) {
    auto it = alias.find(name);
    return it != alias.end() ? it->second : g.FindTensor(name);
  };

  for (const auto& init : proto.initializer()) g.AddTensor(ConvertInitializer(init));
  for (const auto& in : proto.input()) {
    if (g.FindTensor(in.name()) >= 0) continue;  // initializers may be listed as inputs (IR < 4)
    ir::Tensor t;
    t.name = in.name();
    t.shape = InputShapeOf(in);
    g.inputs().push_back(g.AddTensor(std::move(t)));
  }
  if (g.inputs().empty()) throw Error(what + ": the graph has no inputs");

  int index = 0;
  for (const onnx::NodeProto& np : proto.node()) {
    const std::string name = np.name().empty() ? np.op_type() + "_" + std::to_string(index) : np.name();
    ++index;
    if (!np.domain().empty() && np.domain() != "ai.onnx")
      throw Error("node '" + name + "': operator domain '" + np.domain() + "' is not supported");
    if (np.op_type() == "Constant") {
      const OnnxAttrReader reader(np);
      if (!reader.Has("value") || np.output_size() != 1)
        throw Error("node '" + name + "': only Constant with a tensor 'value' is supported");
      for (const auto& a : np.attribute())
        if (a.name() == "value") {
          ir::Tensor t = ConvertInitializer(a.t());
          t.name = np.output(0);
          g.AddTensor(std::move(t));
        }
      continue;
    }
    if (np.op_type() == "Identity" || np.op_type() == "Dropout") {
      const int src = np.input_size() ? resolve(np.input(0)) : -1;
      if (src < 0) throw Error("node '" + name + "': input is not defined before use");
      alias[np.output(0)] = src;
      continue;
    }
    const ops::OpDef* def = ops::FindOnnxOp(np.op_type());
    if (!def)
      throw Error("node '" + name + "': operator '" + np.op_type() + "' is not supported",
                  "cut the graph before it with outputs=, or replace it in the source model");
    ir::Node node;
    node.op = def->kind;
    node.name = name;
    for (const std::string& in : np.input()) {
      if (in.empty()) {  // optional input left out
        node.inputs.push_back(-1);
        continue;
      }
      const int id = resolve(in);
      if (id < 0) throw Error("node '" + name + "': input '" + in + "' is not defined before use",
                              "the graph is not topologically sorted or is incomplete");
      node.inputs.push_back(id);
    }
    const OnnxAttrReader reader(np);
    def->parse(reader, g, node);
    while (!node.inputs.empty() && node.inputs.back() < 0) node.inputs.pop_back();
    for (int id : node.inputs)
      if (id < 0) throw ops::NodeError(node, "an optional input in the middle is not supported");
    if (node.op == ir::OpKind::kGemm) CanonicalizeGemm(g, node);
    const std::vector<ir::Shape> shapes = def->infer(g, node);
    if (np.output_size() < 1) throw ops::NodeError(node, "node has no output");
    for (size_t i = 0; i < shapes.size(); ++i) {
      ir::Tensor t;
      t.name = np.output(static_cast<int>(i));
      t.shape = shapes[i];
      node.outputs.push_back(g.AddTensor(std::move(t)));
    }
    g.nodes().push_back(std::move(node));
  }

  for (const auto& out : proto.output()) {
    const int id = resolve(out.name());
    if (id < 0) throw Error(what + ": graph output '" + out.name() + "' is not produced by any node");
    g.outputs().push_back(id);
  }
  if (g.outputs().empty()) throw Error(what + ": the graph has no outputs");
  return g;
}

ir::Graph ImportOnnxFile(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  return ImportOnnxBytes(std::string(bytes.begin(), bytes.end()), path);
}

}  // namespace rknnsim::frontend
