#include "runtime/model_file_reader.h"

#include <cstring>
#include <vector>

#include "common/error.h"
#include "isa/program_invariants.h"
#include "runtime/model_file_schema.h"

namespace rknnsim::runtime {
namespace {

template <typename T>
using Off = flatbuffers::Offset<T>;

std::string Quoted(const std::string& name) { return "'" + name + "'"; }

// Reading. The Verifier has proven every offset and vector in bounds; the Reader converts and
// range-checks enums. It also charges every decoded byte against the payload size: a buffer from
// SerializeModel never decodes to more than its own size, so a forged one whose offsets alias
// the same data many times cannot make the loader allocate without bound.

class Reader {
 public:
  Reader(const uint8_t* payload, size_t size, const std::string& what)
      : base_(payload), budget_(size), what_(what) {}

  [[noreturn]] void Fail(const void* at, const std::string& message) const {
    throw Error(what_ + ": invalid model file: " + message + " (at offset " + std::to_string(OffsetOf(at)) + ")",
                kRecompileHint);
  }

  uint64_t OffsetOf(const void* at) const {
    return kModelFileHeaderSize + static_cast<uint64_t>(static_cast<const uint8_t*>(at) - base_);
  }

  void Charge(uint64_t bytes, const void* at) {
    if (bytes > budget_)
      throw Error(what_ + ": corrupted model file: data near offset " + std::to_string(OffsetOf(at)) +
                      " is referenced more than once (decodes to more than the file holds)",
                  kRecompileHint);
    budget_ -= bytes;
  }
  void ChargeTable(const void* table) { Charge(4, table); }

  std::string String(const flatbuffers::String* s) {
    if (!s) return {};
    Charge(s->size(), s);
    return std::string(s->c_str(), s->size());
  }

  template <typename T>
  std::vector<T> Scalars(const flatbuffers::Vector<T>* v) {
    if (!v || v->size() == 0) return {};
    const size_t n = v->size();
    Charge(uint64_t{n} * sizeof(T), v);
    std::vector<T> out(n);
#if FLATBUFFERS_LITTLEENDIAN
    std::memcpy(out.data(), v->Data(), n * sizeof(T));
#else
    for (size_t i = 0; i < n; ++i) out[i] = v->Get(static_cast<flatbuffers::uoffset_t>(i));
#endif
    return out;
  }

  template <typename Out, typename In>
  Out Enum(In value, In max, const char* field, const void* at) const {
    const auto raw = static_cast<unsigned>(value);
    if (raw > static_cast<unsigned>(max))
      Fail(at, std::string(field) + " value " + std::to_string(raw) + " is out of range (0.." +
                   std::to_string(static_cast<unsigned>(max)) + ")");
    return static_cast<Out>(raw);
  }

  ir::QuantParams Quant(const fb::QuantParams* q) {
    ir::QuantParams out;
    if (!q) return out;
    ChargeTable(q);
    out.scale = Scalars(q->scale());
    out.zero_point = Scalars(q->zero_point());
    out.axis = q->axis();
    return out;
  }

  ir::Tensor Tensor(const fb::Tensor* t) {
    ChargeTable(t);
    ir::Tensor out;
    out.name = String(t->name());
    out.shape = Scalars(t->shape());
    out.dtype = Enum<ir::DType>(t->dtype(), fb::DType::MAX, "tensor dtype", t);
    out.quant = Quant(t->quant());
    out.float_data = Scalars(t->float_data());
    out.bytes = Scalars(t->bytes());
    out.is_constant = t->is_constant();
    return out;
  }

  ir::Attributes Attributes(const fb::Attributes* a) {
    ir::Attributes out;
    if (!a) return out;
    ChargeTable(a);
    out.kernel = Scalars(a->kernel());
    out.strides = Scalars(a->strides());
    out.pads = Scalars(a->pads());
    out.dilations = Scalars(a->dilations());
    out.group = a->group();
    out.axis = a->axis();
    out.ceil_mode = a->ceil_mode();
    out.count_include_pad = a->count_include_pad();
    out.alpha = a->alpha();
    out.beta = a->beta();
    out.trans_a = a->trans_a();
    out.trans_b = a->trans_b();
    out.activation = Enum<ir::Activation>(a->activation(), fb::Activation::MAX, "activation", a);
    out.clip_min = a->clip_min();
    out.clip_max = a->clip_max();
    // As ParseClip refuses at import (the activation helpers assume lo <= hi).
    if (out.activation == ir::Activation::kClip && out.clip_min > out.clip_max)
      Fail(a, "a Clip activation's min " + std::to_string(out.clip_min) + " is not at most its max " +
                  std::to_string(out.clip_max));
    out.target_shape = Scalars(a->target_shape());
    out.axes = Scalars(a->axes());
    out.ints = Scalars(a->ints());
    out.floats = Scalars(a->floats());
    out.mode = String(a->mode());
    out.coordinate_mode = String(a->coordinate_mode());
    out.nearest_mode = String(a->nearest_mode());
    out.epsilon = a->epsilon();
    out.keepdims = a->keepdims();
    out.blocksize = a->blocksize();
    out.to = a->to();
    out.output_padding = Scalars(a->output_padding());
    out.cubic_coeff_a = a->cubic_coeff_a();
    out.exclude_outside = a->exclude_outside();
    out.custom_attrs = String(a->custom_attrs());
    return out;
  }

  ir::Node Node(const fb::Node* n) {
    ChargeTable(n);
    ir::Node out;
    out.op = Enum<ir::OpKind>(n->op(), fb::OpKind::MAX, "node op", n);
    out.name = String(n->name());
    out.inputs = Scalars(n->inputs());
    out.outputs = Scalars(n->outputs());
    out.attrs = Attributes(n->attrs());
    out.on_cpu = n->on_cpu();
    return out;
  }

  ir::Graph Graph(const fb::Graph* g) {
    ChargeTable(g);
    tensor_at.clear(), node_at.clear();  // a file with dynamic shapes holds several graphs
    ir::Graph out;
    if (const auto* tensors = g->tensors()) {
      out.tensors().reserve(tensors->size());
      for (const fb::Tensor* t : *tensors) {
        tensor_at.push_back(t);
        out.AddTensor(Tensor(t));  // AddTensor also rebuilds the name index
      }
    }
    if (const auto* nodes = g->nodes()) {
      out.nodes().reserve(nodes->size());
      for (const fb::Node* n : *nodes) {
        node_at.push_back(n);
        out.nodes().push_back(Node(n));
      }
    }
    out.inputs() = Scalars(g->inputs());
    out.outputs() = Scalars(g->outputs());
    graph_at = g;
    return out;
  }

  isa::Surface Surface(const fb::Surface* stored, const void* owner) const {
    isa::Surface out;
    if (!stored) return out;
    // A corrupted file can misplace a struct; copy it out instead of reading it in place.
    fb::Surface s;
    std::memcpy(static_cast<void*>(&s), static_cast<const void*>(stored), sizeof(s));
    out.addr = s.addr();
    out.channels = s.channels();
    out.height = s.height();
    out.width = s.width();
    out.c2 = s.c2();
    out.type = Enum<isa::ElemType>(s.type(), fb::ElemType::MAX, "surface element type", owner);
    return out;
  }

  isa::Task Task(const fb::Task* t) {
    ChargeTable(t);
    isa::Task out;
    out.layer = t->layer();
    out.op = Enum<isa::TaskOp>(t->op(), fb::TaskOp::MAX, "task op", t);
    out.enable_mask = t->enable_mask();
    out.input = Surface(t->input(), t);
    out.input2 = Surface(t->input2(), t);
    out.output = Surface(t->output(), t);
    out.out_row_begin = t->out_row_begin();
    out.out_rows = t->out_rows();
    out.kernel_begin = t->kernel_begin();
    out.kernels = t->kernels();
    out.kernel_h = t->kernel_h();
    out.kernel_w = t->kernel_w();
    out.stride_h = t->stride_h();
    out.stride_w = t->stride_w();
    out.dilation_h = t->dilation_h();
    out.dilation_w = t->dilation_w();
    out.pad_top = t->pad_top();
    out.pad_left = t->pad_left();
    out.pad_bottom = t->pad_bottom();
    out.pad_right = t->pad_right();
    out.weight_addr = t->weight_addr();
    out.weight_bytes = t->weight_bytes();
    out.weight_kernel_atom = t->weight_kernel_atom();
    out.dpu_table_addr = t->dpu_table_addr();
    out.fused_lut = t->fused_lut();
    out.lut_addr = t->lut_addr();
    out.fused_add = t->fused_add();
    out.add_zp = t->add_zp();
    out.add_clamp_lo = t->add_clamp_lo();
    out.add_clamp_hi = t->add_clamp_hi();
    out.input_zp = t->input_zp();
    out.input2_zp = t->input2_zp();
    out.output_zp = t->output_zp();
    out.clamp_lo = t->clamp_lo();
    out.clamp_hi = t->clamp_hi();
    out.scale_a = t->scale_a();
    out.scale_b = t->scale_b();
    out.shift = t->shift();
    out.act = Enum<isa::ActKind>(t->act(), fb::ActKind::MAX, "task activation", t);
    out.clip_min = t->clip_min();
    out.clip_max = t->clip_max();
    out.conv_mode = Enum<isa::ConvMode>(t->conv_mode(), fb::ConvMode::MAX, "conv mode", t);
    out.cpu_node = t->cpu_node();
    for (const auto& [field, list] : {std::pair{t->cpu_inputs(), &out.cpu_inputs}, std::pair{t->cpu_outputs(), &out.cpu_outputs}})
      if (field)
        for (const fb::Surface* s : *field) list->push_back(Surface(s, t));
    out.convert_scale = t->convert_scale();
    out.core = t->core();
    return out;
  }

  std::vector<std::vector<int64_t>> Shapes(const flatbuffers::Vector<Off<fb::Dims>>* v) {
    std::vector<std::vector<int64_t>> out;
    if (!v) return out;
    out.reserve(v->size());
    for (const fb::Dims* d : *v) {
      ChargeTable(d);
      out.push_back(Scalars(d->values()));
    }
    return out;
  }

  isa::Layer Layer(const fb::Layer* l) {
    ChargeTable(l);
    isa::Layer out;
    out.name = String(l->name());
    out.op_type = String(l->op_type());
    out.data_type = String(l->data_type());
    out.target = String(l->target());
    out.input_shapes = Shapes(l->input_shapes());
    out.output_shapes = Shapes(l->output_shapes());
    out.macs = l->macs();
    return out;
  }

  isa::IoTensor Io(const fb::IoTensor* io) {
    ChargeTable(io);
    isa::IoTensor out;
    out.name = String(io->name());
    out.shape = Scalars(io->shape());
    out.scale = io->scale();
    out.zero_point = io->zero_point();
    out.surface = Surface(io->surface(), io);
    return out;
  }

  std::vector<isa::IoTensor> Ios(const flatbuffers::Vector<Off<fb::IoTensor>>* v, std::vector<const void*>& at) {
    std::vector<isa::IoTensor> out;
    if (!v) return out;
    out.reserve(v->size());
    for (const fb::IoTensor* io : *v) {
      at.push_back(io);
      out.push_back(Io(io));
    }
    return out;
  }

  isa::Program Program(const fb::Program* p) {
    ChargeTable(p);
    program_at = p;
    task_at.clear(), input_at.clear(), output_at.clear();
    isa::Program out;
    out.target = String(p->target());
    out.platform = String(p->platform());
    out.compute_type = Enum<isa::ElemType>(p->compute_type(), fb::ElemType::MAX, "program compute type", p);
    if (const auto* layers = p->layers()) {
      out.layers.reserve(layers->size());
      for (const fb::Layer* l : *layers) out.layers.push_back(Layer(l));
    }
    if (const auto* tasks = p->tasks()) {
      out.tasks.reserve(tasks->size());
      for (const fb::Task* t : *tasks) {
        task_at.push_back(t);
        out.tasks.push_back(Task(t));
      }
    }
    out.inputs = Ios(p->inputs(), input_at);
    out.outputs = Ios(p->outputs(), output_at);
    out.weights = Scalars(p->weights());
    if (const fb::MemoryPlan* m = p->memory()) {
      out.memory.weight_base = m->weight_base();
      out.memory.weight_bytes = m->weight_bytes();
      out.memory.internal_base = m->internal_base();
      out.memory.internal_bytes = m->internal_bytes();
      out.memory.other_bytes = m->other_bytes();
    }
    out.batch = p->batch();
    out.batch_stride = p->batch_stride();
    return out;
  }

  // Where each element came from, for the offsets in the semantic checks' messages.
  std::vector<const void*> tensor_at, node_at, task_at, input_at, output_at;
  const void* graph_at = nullptr;
  const void* program_at = nullptr;

 private:
  const uint8_t* base_;
  uint64_t budget_;
  const std::string& what_;
};

// ---------------------------------------------------------------------------------------------
// Checks on the decoded graph: everything the executors index with.

bool MulOk(uint64_t a, uint64_t b, uint64_t& out) { return !__builtin_mul_overflow(a, b, &out); }

// Element count of a shape; false for a negative dimension or an overflow.
bool CountElements(const ir::Shape& shape, uint64_t& count) {
  count = 1;
  for (int64_t d : shape)
    if (d < 0 || !MulOk(count, static_cast<uint64_t>(d), count)) return false;
  return true;
}

void ValidateGraph(const ir::Graph& g, const Reader& r) {
  const size_t num_tensors = g.tensors().size();
  const auto id_ok = [&](int id) { return id >= 0 && static_cast<size_t>(id) < num_tensors; };
  for (size_t i = 0; i < num_tensors; ++i) {
    const ir::Tensor& t = g.tensors()[i];
    const void* at = r.tensor_at[i];
    const std::string who = "tensor " + std::to_string(i) + " " + Quoted(t.name);
    const ir::QuantParams& q = t.quant;
    if (!q.zero_point.empty() && q.zero_point.size() != q.scale.size())
      r.Fail(at, who + " has " + std::to_string(q.scale.size()) + " quantization scale(s) but " +
                     std::to_string(q.zero_point.size()) + " zero point(s)");
    if (q.axis < -1 || (q.axis >= 0 && static_cast<size_t>(q.axis) >= t.shape.size()))
      r.Fail(at, who + " has quantization axis " + std::to_string(q.axis) + " for a " +
                     std::to_string(t.shape.size()) + "-D shape");
    if (t.float_data.empty() && t.bytes.empty()) continue;
    uint64_t count = 0;
    if (!CountElements(t.shape, count))
      r.Fail(at, who + " has constant data but an invalid shape " + ir::ShapeToString(t.shape));
    if (!t.float_data.empty() && t.float_data.size() != count)
      r.Fail(at, who + " holds " + std::to_string(t.float_data.size()) + " float values, its shape " +
                     ir::ShapeToString(t.shape) + " needs " + std::to_string(count));
    uint64_t need = 0;
    if (!t.bytes.empty() && (!MulOk(count, ir::DTypeSize(t.dtype), need) || t.bytes.size() != need))
      r.Fail(at, who + " holds " + std::to_string(t.bytes.size()) + " bytes, its shape " +
                     ir::ShapeToString(t.shape) + " of " + ir::DTypeName(t.dtype) + " needs " + std::to_string(need));
  }
  for (size_t i = 0; i < g.nodes().size(); ++i) {
    const ir::Node& n = g.nodes()[i];
    const void* at = r.node_at[i];
    const std::string who = "node " + std::to_string(i) + " " + Quoted(n.name);
    if (n.inputs.empty() || n.outputs.empty()) r.Fail(at, who + " has no inputs or no outputs");
    for (size_t k = 0; k < n.inputs.size(); ++k)
      if (!id_ok(n.inputs[k]))
        r.Fail(at, who + " input " + std::to_string(k) + " refers to tensor " + std::to_string(n.inputs[k]) +
                       ", but the graph has " + std::to_string(num_tensors) + " tensors");
    for (size_t k = 0; k < n.outputs.size(); ++k)
      if (!id_ok(n.outputs[k]))
        r.Fail(at, who + " output " + std::to_string(k) + " refers to tensor " + std::to_string(n.outputs[k]) +
                       ", but the graph has " + std::to_string(num_tensors) + " tensors");
  }
  for (const auto& [ids, kind] : {std::pair{&g.inputs(), "input"}, std::pair{&g.outputs(), "output"}})
    for (size_t k = 0; k < ids->size(); ++k)
      if (!id_ok((*ids)[k]))
        r.Fail(r.graph_at, std::string("graph ") + kind + " " + std::to_string(k) + " refers to tensor " +
                               std::to_string((*ids)[k]) + ", but the graph has " + std::to_string(num_tensors) +
                               " tensors");
}

// The program's invariants (isa/program_invariants.h), refused at the offset of the field.
void ValidateProgram(const isa::Program& p, const ir::Graph& g, const Reader& r) {
  std::vector<isa::NodeArity> nodes;
  nodes.reserve(g.nodes().size());
  for (const ir::Node& n : g.nodes()) nodes.push_back({n.inputs.size(), n.outputs.size()});
  try {
    isa::CheckProgram(p, nodes);
  } catch (const isa::ProgramInvariantError& e) {
    const isa::ProgramLocus& at = e.locus();
    const void* field = r.program_at;
    using Kind = isa::ProgramLocus::Kind;
    if (at.kind == Kind::kTask) field = r.task_at.at(at.index);
    if (at.kind == Kind::kInput) field = r.input_at.at(at.index);
    if (at.kind == Kind::kOutput) field = r.output_at.at(at.index);
    r.Fail(field, e.message());
  }
}

// Every shape set is the same model at other input shapes: one target, one type, the same inputs
// and outputs by name (the front doors index a set's tensors by the first set's).
void CheckSameModel(const isa::Program& first, const isa::Program& set, const Reader& r, const void* at) {
  auto names = [](const std::vector<isa::IoTensor>& ios) {
    std::vector<std::string> out;
    for (const isa::IoTensor& io : ios) out.push_back(io.name);
    return out;
  };
  if (set.target != first.target || set.platform != first.platform || set.compute_type != first.compute_type ||
      names(set.inputs) != names(first.inputs) || names(set.outputs) != names(first.outputs) || set.batch != first.batch)
    r.Fail(at, "an input shape set of the model differs from the first in its target, type, batch, or input or "
               "output names");
}

}  // namespace

CompiledModel ReadModelPayload(const uint8_t* payload, size_t size, const std::string& what) {
  const fb::ModelFile* root = fb::GetModelFile(payload);
  Reader reader(payload, size, what);
  CompiledModel model;
  model.source_name = reader.String(root->source_name());
  // Each shape set is checked right after it is read, while the reader still knows where its
  // parts lie (the offsets of the messages).
  auto read_set = [&](const fb::Graph* graph, const fb::Program* program, ir::Graph& g, isa::Program& p) {
    g = reader.Graph(graph);
    p = reader.Program(program);
    ValidateGraph(g, reader);
    ValidateProgram(p, g, reader);
  };
  read_set(root->graph(), root->program(), model.graph, model.program);
  if (const auto* sets = root->dynamic_shapes()) {
    for (const fb::ShapeVariant* v : *sets) {
      reader.ChargeTable(v);
      ShapeVariant variant;
      read_set(v->graph(), v->program(), variant.graph, variant.program);
      CheckSameModel(model.program, variant.program, reader, v);
      model.dynamic_shapes.push_back(std::move(variant));
    }
  }
  return model;
}

}  // namespace rknnsim::runtime
