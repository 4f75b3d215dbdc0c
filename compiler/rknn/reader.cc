// Decodes the verified FlatBuffer of either layout into RknnModel. Every index read from the file
// is range-checked here, so later stages may index freely.
#include <algorithm>
#include <cstring>
#include <fstream>

#include <flatbuffers/flatbuffers.h>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/file_io.h"
#include "compiler/rknn/model.h"
#include "compiler/rknn/rknn_model_generated.h"
#include "compiler/rknn/rknn_model_t3_generated.h"
#include "isa/regcmd.h"

namespace rknnsim::rknn {
namespace {

template <typename T>
std::vector<T> Vec(const flatbuffers::Vector<T>* v) {
  return v ? std::vector<T>(v->begin(), v->end()) : std::vector<T>{};
}

std::string Str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

// The fields both layouts share under the same ids (Tensor 0-5, Node 1-5).
template <typename FbTensor>
RTensor CommonTensor(const FbTensor& t) {
  RTensor r;
  r.dtype = t.dtype();
  r.native_flag = t.native_flag();
  r.kind = t.kind();
  r.native_shape = Vec(t.native_shape());
  r.shape = Vec(t.shape());
  r.name = Str(t.name());
  r.scale = Vec(t.scale());
  r.zero_point = Vec(t.zero_point());
  r.size = t.size();
  r.offset = t.offset();
  return r;
}

// A custom operator node's attributes: the toolkit keeps the ONNX node's attributes as a BSON
// document of name -> {dtype, value} (dual_residual's `alpha`: {"dtype": "f", "value": 0.5}),
// parsed by nlohmann::json, which checks every size in it. Only numbers, strings and lists of
// numbers are kept; anything else, or bytes that are not BSON, leave no attributes.
std::string CustomAttrs(const uint8_t* data, size_t size) {
  // The parser recurses into nested documents: a cap on the size bounds the depth (at least 5
  // bytes a level, so at most about 3,300 levels; 20,000 parse on an 8 MB stack).
  constexpr size_t kMaxAttributeBytes = 16 << 10;
  if (size > kMaxAttributeBytes) return {};
  const nlohmann::json doc = nlohmann::json::from_bson(data, data + size, /*strict=*/true, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return {};
  nlohmann::json attrs = nlohmann::json::object();
  for (const auto& [name, entry] : doc.items()) {
    if (!entry.is_object() || !entry.contains("value")) continue;
    const nlohmann::json& value = entry["value"];
    const bool numbers = value.is_array() && std::all_of(value.begin(), value.end(), [](const nlohmann::json& v) {
      return v.is_number();
    });
    if (value.is_number() || value.is_string() || numbers) attrs[name] = value;
  }
  // Names and strings from the file need not be UTF-8 (the rknn fuzz target's find): replaced, not thrown.
  return attrs.empty() ? std::string() : attrs.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

template <typename FbNode>
RNode CommonNode(const FbNode& n) {
  RNode r;
  r.type = Str(n.type());
  r.name = Str(n.name());
  r.executor = n.executor();
  r.inputs = Vec(n.inputs());
  r.outputs = Vec(n.outputs());
  return r;
}

RAttrs DecodeAttrs(const fb::Node& n) {
  RAttrs a;
  a.tag = static_cast<uint8_t>(n.attr_type());
  if (const fb::ConvAttr* c = n.attr_as_ConvAttr()) {
    a.auto_pad = Str(c->auto_pad());
    a.dilations = Vec(c->dilations()), a.kernel = Vec(c->kernel_shape()), a.pads = Vec(c->pads());
    a.strides = Vec(c->strides()), a.group = c->group();
  } else if (const fb::MaxPoolAttr* p = n.attr_as_MaxPoolAttr()) {
    a.auto_pad = Str(p->auto_pad());
    a.dilations = Vec(p->dilations()), a.kernel = Vec(p->kernel_shape()), a.pads = Vec(p->pads());
    a.strides = Vec(p->strides());
  } else if (const fb::ConcatAttr* c = n.attr_as_ConcatAttr()) {
    a.axis = c->axis(), a.has_axis = true;
  } else if (const fb::SplitAttr* s = n.attr_as_SplitAttr()) {
    a.axis = s->axis(), a.has_axis = true, a.split = Vec(s->split());
  } else if (const fb::TransposeAttr* t = n.attr_as_TransposeAttr()) {
    a.perm = Vec(t->perm());
  } else if (const fb::ResizeAttr* r = n.attr_as_ResizeAttr()) {
    a.mode = Str(r->mode()), a.coordinate_mode = Str(r->coordinate_transformation_mode());
    a.nearest_mode = Str(r->nearest_mode());
  } else if (const fb::ArgMaxAttr* m = n.attr_as_ArgMaxAttr()) {
    a.axis = m->axis(), a.has_axis = true, a.keepdims = m->keepdims();
  }
  return a;
}

template <typename FbGraph>
std::vector<RRelocation> Relocations(const FbGraph& g) {
  std::vector<RRelocation> out;
  if (!g.relocations()) return out;
  for (const auto* r : *g.relocations())
    if (r->entries())
      for (const auto* e : *r->entries()) out.push_back(RRelocation{Str(r->name()), e->offset(), e->word()});
  return out;
}

std::vector<uint8_t> Copy(const uint8_t* p, size_t n) { return std::vector<uint8_t>(p, p + n); }

// The FlatBuffer is copied to its own allocation so that every field is naturally aligned
// (generated accessors read scalars in place).
template <typename Root>
std::vector<uint8_t> Verified(const Bytes& fbytes, const std::string& what, const char* schema) {
  std::vector<uint8_t> buf(fbytes.data, fbytes.data + fbytes.size);
  flatbuffers::Verifier verifier(buf.data(), buf.size());
  if (buf.size() < 8 || !flatbuffers::BufferHasIdentifier(buf.data(), "RKNN"))
    throw Error(what + ": corrupted .rknn file: no 'RKNN' FlatBuffer identifier in the model at offset " +
                std::to_string(fbytes.offset + 4));
  if (!verifier.VerifyBuffer<Root>("RKNN"))
    throw Error(what + ": corrupted .rknn file: the model FlatBuffer at offset " + std::to_string(fbytes.offset) +
                " (" + std::to_string(fbytes.size) + " bytes) fails verification against " + schema);
  return buf;
}

void DecodeL(const Container& c, RknnModel& m, const std::string& what) {
  const std::vector<uint8_t> buf = Verified<fb::Model>(c.flatbuffer, what, "rknn_model.fbs");
  const fb::Model& model = *flatbuffers::GetRoot<fb::Model>(buf.data());
  m.format = Str(model.format()), m.target = Str(model.target()), m.compiler = Str(model.compiler());
  m.compiler_version = model.compiler_version(), m.framework = Str(model.framework());
  m.attrs_text = Str(model.attrs());
  if (!model.graphs() || model.graphs()->size() != 1)
    throw Error(what + ": corrupted .rknn file: the model holds " +
                std::to_string(model.graphs() ? model.graphs()->size() : 0) + " graphs, expected 1");
  const fb::Graph& g = *model.graphs()->Get(0);
  const auto* blobs = model.blobs() ? model.blobs() : model.blobs_v2();
  if (g.tensors())
    for (const fb::Tensor* t : *g.tensors()) {
      RTensor r = CommonTensor(*t);
      r.compressed = t->compressed() == 1;
      if (r.is_constant()) {
        const int32_t b = t->blob();
        if (!blobs || b < 0 || static_cast<uint32_t>(b) >= blobs->size())
          throw Error(what + ": corrupted .rknn file: constant '" + r.name + "' refers to blob " + std::to_string(b) +
                      " of " + std::to_string(blobs ? blobs->size() : 0));
        if (const auto* d = blobs->Get(static_cast<uint32_t>(b))->data()) r.data = Copy(d->data(), d->size());
        if (r.kind == static_cast<uint8_t>(TensorKind::kRegcmd)) m.regcmd_bytes += r.data.size();
        if (r.kind == static_cast<uint8_t>(TensorKind::kTask)) m.task_bytes += r.data.size();
      }
      m.tensors.push_back(std::move(r));
    }
  if (g.nodes())
    for (const fb::Node* n : *g.nodes()) {
      RNode r = CommonNode(*n);
      r.attrs = DecodeAttrs(*n);
      if (n->custom_attrs()) r.custom_attrs = CustomAttrs(n->custom_attrs()->data(), n->custom_attrs()->size());
      m.nodes.push_back(std::move(r));
    }
  m.inputs = Vec(g.inputs()), m.outputs = Vec(g.outputs());
  if (model.memory()) m.internal_bytes = model.memory()->internal_size();
  m.task_count = static_cast<uint32_t>(m.task_bytes / isa::kNpuTaskRecordBytes);
  m.relocations = Relocations(g);
}

void DecodeT(const Container& c, RknnModel& m, const std::string& what) {
  const std::vector<uint8_t> buf = Verified<fbt::Model>(c.flatbuffer, what, "rknn_model_t3.fbs");
  const fbt::Model& model = *flatbuffers::GetRoot<fbt::Model>(buf.data());
  m.format = Str(model.format()), m.target = Str(model.target()), m.compiler = Str(model.compiler());
  m.compiler_version = model.compiler_version(), m.framework = Str(model.framework());
  m.attrs_text = Str(model.attrs());
  if (!model.graphs() || model.graphs()->size() != 1)
    throw Error(what + ": corrupted .rknn file: the model holds " +
                std::to_string(model.graphs() ? model.graphs()->size() : 0) + " graphs, expected 1");
  const fbt::Graph& g = *model.graphs()->Get(0);
  if (g.tensors())
    for (const fbt::Tensor* t : *g.tensors()) {
      RTensor r = CommonTensor(*t);
      if (r.kind == static_cast<uint8_t>(TensorKind::kRegcmd)) {
        r.data = Copy(c.regcmd.data, c.regcmd.size);
      } else if (r.kind == static_cast<uint8_t>(TensorKind::kTask)) {
        r.data = Copy(c.tasks.data, c.tasks.size);
      } else if (r.is_constant() && r.size > 0) {
        if (r.offset < 0 || static_cast<uint64_t>(r.offset) + static_cast<uint64_t>(r.size) > c.weights.size)
          throw Error(what + ": corrupted .rknn file: constant '" + r.name + "' (" + std::to_string(r.size) +
                      " bytes at " + std::to_string(r.offset) + ") lies outside the " + std::to_string(c.weights.size) +
                      "-byte weight section");
        r.data = Copy(c.weights.data + r.offset, static_cast<size_t>(r.size));
      }
      m.tensors.push_back(std::move(r));
    }
  if (g.nodes())
    for (const fbt::Node* n : *g.nodes()) m.nodes.push_back(CommonNode(*n));
  m.inputs = Vec(g.inputs()), m.outputs = Vec(g.outputs());
  m.internal_bytes = c.t3.internal_bytes;
  m.regcmd_bytes = c.regcmd.size, m.task_bytes = c.tasks.size;
  m.task_count = c.t3.task_count;
  m.relocations = Relocations(g);
}

void CheckIndices(const RknnModel& m, const std::string& what) {
  const int32_t count = static_cast<int32_t>(m.tensors.size());
  auto check = [&](int32_t id, const std::string& who) {
    if (id < 0 || id >= count)
      throw Error(what + ": corrupted .rknn file: " + who + " refers to tensor " + std::to_string(id) + " of " +
                  std::to_string(count));
  };
  for (const RNode& n : m.nodes) {
    for (int32_t id : n.inputs) check(id, "node '" + n.name + "'");
    for (int32_t id : n.outputs) check(id, "node '" + n.name + "'");
  }
  for (int32_t id : m.inputs) check(id, "a graph input");
  for (int32_t id : m.outputs) check(id, "a graph output");
  if (m.inputs.empty() || m.outputs.empty())
    throw Error(what + ": corrupted .rknn file: the graph has no inputs or no outputs");
}

}  // namespace

const char* DTypeName(uint8_t dtype) {
  static const char* const kNames[] = {"undefined", "float32", "uint8",   "int8",   "uint16", "int16",
                                       "int32",     "int64",   "string",  "bool",   "float16", "float64",
                                       "uint32",    "uint64",  "complex64", "complex128", "bfloat16"};
  return dtype < sizeof(kNames) / sizeof(kNames[0]) ? kNames[dtype] : "unknown";
}

size_t DTypeBytes(uint8_t dtype) {
  static const size_t kBytes[] = {0, 4, 1, 1, 2, 2, 4, 8, 0, 1, 2, 8, 4, 8, 8, 16, 2};
  return dtype < sizeof(kBytes) / sizeof(kBytes[0]) ? kBytes[dtype] : 0;
}

const char* KindName(uint8_t kind) {
  static const char* const kNames[] = {"placeholder", "input",       "output",        "intermediate",
                                       "weight",      "const",       "helper",        "register blob",
                                       "derived const", "regcmd",    "task"};
  return kind < sizeof(kNames) / sizeof(kNames[0]) ? kNames[kind] : "unknown";
}

uint64_t RknnModel::ConstantBytes() const {
  uint64_t n = 0;
  for (const RTensor& t : tensors)
    if (t.is_constant() && t.kind != static_cast<uint8_t>(TensorKind::kRegcmd) &&
        t.kind != static_cast<uint8_t>(TensorKind::kTask))
      n += t.data.size();
  return n;
}

RknnModel ReadRknn(const std::vector<uint8_t>& bytes, const std::string& what) {
  const Container c = ParseContainer(bytes.data(), bytes.size(), what);
  RknnModel m;
  m.container_version = c.version;
  m.layout = c.layout;
  m.file_bytes = bytes.size();
  if (c.layout == Layout::kL)
    DecodeL(c, m, what);
  else
    DecodeT(c, m, what);
  CheckIndices(m, what);
  // The model info ends in NUL padding in some files; the JSON itself is what matters.
  std::string_view json = c.json;
  while (!json.empty() && json.back() == '\0') json.remove_suffix(1);
  const nlohmann::json info = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (info.is_discarded() || !info.is_object())
    throw Error(what + ": corrupted .rknn file: the model info at the end of the file is not JSON");
  if (info.contains("version") && info["version"].is_string()) m.toolkit_version = info["version"].get<std::string>();
  if (m.internal_bytes == 0)
    for (const RTensor& t : m.tensors)
      if (t.is_activation() && t.offset >= 0 && t.size > 0)
        m.internal_bytes = std::max<uint64_t>(m.internal_bytes, static_cast<uint64_t>(t.offset + t.size));
  return m;
}

RknnModel ReadRknnFile(const std::string& path) { return ReadRknn(ReadFileBytes(path), "'" + path + "'"); }

bool LooksLikeRknn(const uint8_t* head, size_t n) {
  auto is = [&](const char* magic) {
    return n >= std::strlen(magic) && std::memcmp(head, magic, std::strlen(magic)) == 0;
  };
  // "RKNNSIM\0" is our own model file, not a Rockchip one.
  if (is("RKNNSIM")) return false;
  return is("RKNN") || is("CYPTRKNN") || is("RKNX") || is("VPMN");
}

bool LooksLikeRknn(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  uint8_t head[8] = {};
  in.read(reinterpret_cast<char*>(head), sizeof(head));
  return LooksLikeRknn(head, static_cast<size_t>(in.gcount()));
}

}  // namespace rknnsim::rknn
