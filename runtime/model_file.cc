// The compiled model file: a 24-byte header, then a FlatBuffer (runtime/model_file.fbs).
//
//   offset  size  field
//        0     8  magic "RKNNSIM\0"
//        8     4  format version (isa::kProgramVersion), little-endian
//       12     4  CRC-32 (zlib) of the FlatBuffer bytes, little-endian
//       16     8  FlatBuffer size in bytes, little-endian
//       24     -  FlatBuffer, file identifier "RKSM"
//
// Loading checks the header, the checksum, the FlatBuffers structure (Verifier) and then the
// semantics the executors rely on (ids, enums, payload sizes, DDR and weight ranges), so a bad
// file is rejected with one line instead of crashing the simulator later.
#include "runtime/model_file.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <tuple>
#include <utility>

#include <flatbuffers/flatbuffers.h>

#include "common/error.h"
#include "common/file_io.h"
#include "runtime/model_file_generated.h"

namespace rknnsim::runtime {
namespace {

constexpr char kMagic[8] = {'R', 'K', 'N', 'N', 'S', 'I', 'M', '\0'};
constexpr size_t kHeaderSize = 24;
constexpr uint32_t kFormatVersion = isa::kProgramVersion;
constexpr uint32_t kMaxCores = 32;     // rknn_core_mask is a bit mask (RKNN_API.md)
constexpr uint32_t kMaxBatch = 65536;  // far beyond any rknn_batch_size; bounds a forged file's loops
constexpr const char* kRecompileHint = "recompile the model with `rknn-sim convert`";

// The schema's enums carry the C++ enums' values (a new C++ enumerator needs a schema entry).
static_assert(int(fb::DType::Float32) == int(ir::DType::kFloat32) && int(fb::DType::Float16) == int(ir::DType::kFloat16) &&
              int(fb::DType::Int8) == int(ir::DType::kInt8) && int(fb::DType::Int32) == int(ir::DType::kInt32));
static_assert(int(fb::OpKind::Conv) == int(ir::OpKind::kConv) && int(fb::OpKind::Reshape) == int(ir::OpKind::kReshape) &&
              int(fb::OpKind::Sub) == int(ir::OpKind::kSub) && int(fb::OpKind::ConvTranspose) == int(ir::OpKind::kConvTranspose) &&
              int(fb::OpKind::Concat) == int(ir::OpKind::kConcat) && int(fb::OpKind::Swish) == int(ir::OpKind::kSwish) &&
              int(fb::OpKind::ZeroInsert) == int(ir::OpKind::kZeroInsert) &&
              int(fb::OpKind::MAX) == int(ir::OpKind::kThresholdedRelu),
              "runtime/model_file.fbs OpKind must list ir::OpKind in order");
static_assert(int(fb::Activation::None) == int(ir::Activation::kNone) &&
              int(fb::Activation::Relu) == int(ir::Activation::kRelu) &&
              int(fb::Activation::Clip) == int(ir::Activation::kClip));
static_assert(int(fb::TaskOp::Conv) == int(isa::TaskOp::kConv) &&
              int(fb::TaskOp::EltwiseAdd) == int(isa::TaskOp::kEltwiseAdd) &&
              int(fb::TaskOp::MaxPool) == int(isa::TaskOp::kMaxPool) &&
              int(fb::TaskOp::GlobalAvgPool) == int(isa::TaskOp::kGlobalAvgPool) &&
              int(fb::TaskOp::Cpu) == int(isa::TaskOp::kCpu) && int(fb::TaskOp::Lut) == int(isa::TaskOp::kLut) &&
              int(fb::TaskOp::Copy) == int(isa::TaskOp::kCopy) && int(fb::TaskOp::Convert) == int(isa::TaskOp::kConvert) &&
              int(fb::TaskOp::Upsample) == int(isa::TaskOp::kUpsample) &&
              int(fb::TaskOp::EltwiseMul) == int(isa::TaskOp::kEltwiseMul) &&
              int(fb::TaskOp::AvgPool) == int(isa::TaskOp::kAvgPool) &&
              int(fb::TaskOp::ZeroInsert) == int(isa::TaskOp::kZeroInsert));
static_assert(int(fb::ElemType::Int8) == int(isa::ElemType::kInt8) && int(fb::ElemType::Fp16) == int(isa::ElemType::kFp16));
static_assert(int(fb::ActKind::None) == int(isa::ActKind::kNone) && int(fb::ActKind::Relu) == int(isa::ActKind::kRelu) &&
              int(fb::ActKind::Clip) == int(isa::ActKind::kClip));

std::string Hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

std::string Quoted(const std::string& name) { return "'" + name + "'"; }

// ---------------------------------------------------------------------------------------------
// Little-endian header fields.

void PutLe(uint8_t* p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint64_t GetLe(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

uint32_t Crc32(const uint8_t* data, size_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (size > 0) {
    const uInt chunk = static_cast<uInt>(std::min<size_t>(size, size_t{1} << 30));
    crc = crc32(crc, data, chunk);
    data += chunk, size -= chunk;
  }
  return static_cast<uint32_t>(crc);
}

// ---------------------------------------------------------------------------------------------
// Writing: one small function per struct. Enum values are written as they are (the reader
// range-checks them).

using Builder = flatbuffers::FlatBufferBuilder;
template <typename T>
using Off = flatbuffers::Offset<T>;

fb::Surface ToFb(const isa::Surface& s) {
  return fb::Surface(s.addr, s.channels, s.height, s.width, s.c2, static_cast<fb::ElemType>(s.type));
}

Off<fb::QuantParams> WriteQuant(Builder& b, const ir::QuantParams& q) {
  const auto scale = b.CreateVector(q.scale);
  const auto zero_point = b.CreateVector(q.zero_point);
  return fb::CreateQuantParams(b, scale, zero_point, q.axis);
}

Off<fb::Tensor> WriteTensor(Builder& b, const ir::Tensor& t) {
  const auto name = b.CreateString(t.name);
  const auto shape = b.CreateVector(t.shape);
  const auto quant = WriteQuant(b, t.quant);
  const auto float_data = b.CreateVector(t.float_data);
  const auto bytes = b.CreateVector(t.bytes);
  fb::TensorBuilder tb(b);
  tb.add_name(name);
  tb.add_shape(shape);
  tb.add_dtype(static_cast<fb::DType>(t.dtype));
  tb.add_quant(quant);
  tb.add_float_data(float_data);
  tb.add_bytes(bytes);
  tb.add_is_constant(t.is_constant);
  return tb.Finish();
}

Off<fb::Attributes> WriteAttributes(Builder& b, const ir::Attributes& a) {
  const auto kernel = b.CreateVector(a.kernel);
  const auto strides = b.CreateVector(a.strides);
  const auto pads = b.CreateVector(a.pads);
  const auto dilations = b.CreateVector(a.dilations);
  const auto target_shape = b.CreateVector(a.target_shape);
  const auto axes = b.CreateVector(a.axes);
  const auto ints = b.CreateVector(a.ints);
  const auto floats = b.CreateVector(a.floats);
  const auto mode = b.CreateString(a.mode);
  const auto coordinate_mode = b.CreateString(a.coordinate_mode);
  const auto nearest_mode = b.CreateString(a.nearest_mode);
  const auto output_padding = b.CreateVector(a.output_padding);
  const auto custom_attrs = b.CreateString(a.custom_attrs);
  fb::AttributesBuilder ab(b);
  ab.add_kernel(kernel);
  ab.add_strides(strides);
  ab.add_pads(pads);
  ab.add_dilations(dilations);
  ab.add_group(a.group);
  ab.add_axis(a.axis);
  ab.add_ceil_mode(a.ceil_mode);
  ab.add_count_include_pad(a.count_include_pad);
  ab.add_alpha(a.alpha);
  ab.add_beta(a.beta);
  ab.add_trans_a(a.trans_a);
  ab.add_trans_b(a.trans_b);
  ab.add_activation(static_cast<fb::Activation>(a.activation));
  ab.add_clip_min(a.clip_min);
  ab.add_clip_max(a.clip_max);
  ab.add_target_shape(target_shape);
  ab.add_axes(axes);
  ab.add_ints(ints);
  ab.add_floats(floats);
  ab.add_mode(mode);
  ab.add_coordinate_mode(coordinate_mode);
  ab.add_nearest_mode(nearest_mode);
  ab.add_epsilon(a.epsilon);
  ab.add_keepdims(a.keepdims);
  ab.add_blocksize(a.blocksize);
  ab.add_to(a.to);
  ab.add_output_padding(output_padding);
  ab.add_cubic_coeff_a(a.cubic_coeff_a);
  ab.add_exclude_outside(a.exclude_outside);
  ab.add_custom_attrs(custom_attrs);
  return ab.Finish();
}

Off<fb::Node> WriteNode(Builder& b, const ir::Node& n) {
  const auto name = b.CreateString(n.name);
  const auto inputs = b.CreateVector(n.inputs);
  const auto outputs = b.CreateVector(n.outputs);
  const auto attrs = WriteAttributes(b, n.attrs);
  return fb::CreateNode(b, static_cast<fb::OpKind>(n.op), name, inputs, outputs, attrs, n.on_cpu);
}

Off<fb::Graph> WriteGraph(Builder& b, const ir::Graph& g) {
  std::vector<Off<fb::Tensor>> tensors;
  tensors.reserve(g.tensors().size());
  for (const ir::Tensor& t : g.tensors()) tensors.push_back(WriteTensor(b, t));
  std::vector<Off<fb::Node>> nodes;
  nodes.reserve(g.nodes().size());
  for (const ir::Node& n : g.nodes()) nodes.push_back(WriteNode(b, n));
  const auto tensors_vec = b.CreateVector(tensors);
  const auto nodes_vec = b.CreateVector(nodes);
  const auto inputs = b.CreateVector(g.inputs());
  const auto outputs = b.CreateVector(g.outputs());
  return fb::CreateGraph(b, tensors_vec, nodes_vec, inputs, outputs);
}

Off<flatbuffers::Vector<const fb::Surface*>> WriteSurfaces(Builder& b, const std::vector<isa::Surface>& surfaces) {
  std::vector<fb::Surface> out;
  out.reserve(surfaces.size());
  for (const isa::Surface& s : surfaces) out.push_back(ToFb(s));
  return b.CreateVectorOfStructs(out);
}

Off<fb::Task> WriteTask(Builder& b, const isa::Task& t) {
  const fb::Surface input = ToFb(t.input), input2 = ToFb(t.input2), output = ToFb(t.output);
  const auto cpu_inputs = WriteSurfaces(b, t.cpu_inputs);
  const auto cpu_outputs = WriteSurfaces(b, t.cpu_outputs);
  fb::TaskBuilder tb(b);
  tb.add_layer(t.layer);
  tb.add_op(static_cast<fb::TaskOp>(t.op));
  tb.add_enable_mask(t.enable_mask);
  tb.add_input(&input);
  tb.add_input2(&input2);
  tb.add_output(&output);
  tb.add_out_row_begin(t.out_row_begin);
  tb.add_out_rows(t.out_rows);
  tb.add_kernel_begin(t.kernel_begin);
  tb.add_kernels(t.kernels);
  tb.add_kernel_h(t.kernel_h);
  tb.add_kernel_w(t.kernel_w);
  tb.add_stride_h(t.stride_h);
  tb.add_stride_w(t.stride_w);
  tb.add_dilation_h(t.dilation_h);
  tb.add_dilation_w(t.dilation_w);
  tb.add_pad_top(t.pad_top);
  tb.add_pad_left(t.pad_left);
  tb.add_pad_bottom(t.pad_bottom);
  tb.add_pad_right(t.pad_right);
  tb.add_weight_addr(t.weight_addr);
  tb.add_weight_bytes(t.weight_bytes);
  tb.add_weight_kernel_atom(t.weight_kernel_atom);
  tb.add_dpu_table_addr(t.dpu_table_addr);
  tb.add_input_zp(t.input_zp);
  tb.add_input2_zp(t.input2_zp);
  tb.add_output_zp(t.output_zp);
  tb.add_clamp_lo(t.clamp_lo);
  tb.add_clamp_hi(t.clamp_hi);
  tb.add_scale_a(t.scale_a);
  tb.add_scale_b(t.scale_b);
  tb.add_shift(t.shift);
  tb.add_act(static_cast<fb::ActKind>(t.act));
  tb.add_clip_min(t.clip_min);
  tb.add_clip_max(t.clip_max);
  tb.add_conv_mode(static_cast<fb::ConvMode>(t.conv_mode));
  tb.add_cpu_node(t.cpu_node);
  tb.add_cpu_inputs(cpu_inputs);
  tb.add_cpu_outputs(cpu_outputs);
  tb.add_convert_scale(t.convert_scale);
  tb.add_core(t.core);
  tb.add_fused_lut(t.fused_lut);
  tb.add_lut_addr(t.lut_addr);
  tb.add_fused_add(t.fused_add);
  tb.add_add_zp(t.add_zp);
  tb.add_add_clamp_lo(t.add_clamp_lo);
  tb.add_add_clamp_hi(t.add_clamp_hi);
  return tb.Finish();
}

Off<flatbuffers::Vector<Off<fb::Dims>>> WriteShapes(Builder& b, const std::vector<std::vector<int64_t>>& shapes) {
  std::vector<Off<fb::Dims>> dims;
  dims.reserve(shapes.size());
  for (const auto& s : shapes) dims.push_back(fb::CreateDims(b, b.CreateVector(s)));
  return b.CreateVector(dims);
}

Off<fb::Layer> WriteLayer(Builder& b, const isa::Layer& l) {
  const auto name = b.CreateString(l.name);
  const auto op_type = b.CreateString(l.op_type);
  const auto data_type = b.CreateString(l.data_type);
  const auto target = b.CreateString(l.target);
  const auto input_shapes = WriteShapes(b, l.input_shapes);
  const auto output_shapes = WriteShapes(b, l.output_shapes);
  return fb::CreateLayer(b, name, op_type, data_type, target, input_shapes, output_shapes, l.macs);
}

Off<fb::IoTensor> WriteIo(Builder& b, const isa::IoTensor& io) {
  const auto name = b.CreateString(io.name);
  const auto shape = b.CreateVector(io.shape);
  const fb::Surface surface = ToFb(io.surface);
  return fb::CreateIoTensor(b, name, shape, io.scale, io.zero_point, &surface);
}

Off<flatbuffers::Vector<Off<fb::IoTensor>>> WriteIos(Builder& b, const std::vector<isa::IoTensor>& ios) {
  std::vector<Off<fb::IoTensor>> offs;
  offs.reserve(ios.size());
  for (const isa::IoTensor& io : ios) offs.push_back(WriteIo(b, io));
  return b.CreateVector(offs);
}

Off<fb::Program> WriteProgram(Builder& b, const isa::Program& p) {
  const auto target = b.CreateString(p.target);
  const auto platform = b.CreateString(p.platform);
  std::vector<Off<fb::Layer>> layers;
  layers.reserve(p.layers.size());
  for (const isa::Layer& l : p.layers) layers.push_back(WriteLayer(b, l));
  const auto layers_vec = b.CreateVector(layers);
  std::vector<Off<fb::Task>> tasks;
  tasks.reserve(p.tasks.size());
  for (const isa::Task& t : p.tasks) tasks.push_back(WriteTask(b, t));
  const auto tasks_vec = b.CreateVector(tasks);
  const auto inputs = WriteIos(b, p.inputs);
  const auto outputs = WriteIos(b, p.outputs);
  const auto weights = b.CreateVector(p.weights);
  const fb::MemoryPlan memory(p.memory.weight_base, p.memory.weight_bytes, p.memory.internal_base,
                              p.memory.internal_bytes, p.memory.other_bytes);
  return fb::CreateProgram(b, target, platform, static_cast<fb::ElemType>(p.compute_type), layers_vec, tasks_vec,
                           inputs, outputs, weights, &memory, p.batch, p.batch_stride);
}

// A generous upper bound of the FlatBuffer size, to refuse models beyond the format's 2 GiB limit
// with an Error instead of tripping the builder's assertion.
uint64_t SizeBound(const CompiledModel& m) {
  constexpr uint64_t kPerObject = 1024;  // table + vtable + offsets + padding, generously
  uint64_t bytes = m.source_name.size() + kPerObject;
  const auto longs = [](const std::vector<int64_t>& v) { return v.size() * 8 + 16; };
  for (const ir::Tensor& t : m.graph.tensors())
    bytes += kPerObject + t.name.size() + longs(t.shape) + t.quant.scale.size() * 4 + t.quant.zero_point.size() * 4 +
             t.float_data.size() * 4 + t.bytes.size() + 64;
  for (const ir::Node& n : m.graph.nodes()) {
    const ir::Attributes& a = n.attrs;
    bytes += 2 * kPerObject + n.name.size() + (n.inputs.size() + n.outputs.size()) * 4 + longs(a.kernel) +
             longs(a.strides) + longs(a.pads) + longs(a.dilations) + longs(a.target_shape);
  }
  bytes += (m.graph.inputs().size() + m.graph.outputs().size()) * 4 + kPerObject;
  const isa::Program& p = m.program;
  bytes += p.target.size() + p.platform.size() + p.weights.size() + kPerObject + p.tasks.size() * kPerObject;
  for (const isa::Layer& l : p.layers) {
    bytes += kPerObject + l.name.size() + l.op_type.size() + l.data_type.size() + l.target.size();
    for (const auto& s : l.input_shapes) bytes += kPerObject + longs(s);
    for (const auto& s : l.output_shapes) bytes += kPerObject + longs(s);
  }
  for (const auto* ios : {&p.inputs, &p.outputs})
    for (const isa::IoTensor& io : *ios) bytes += kPerObject + io.name.size() + longs(io.shape);
  return bytes;
}

// ---------------------------------------------------------------------------------------------
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
    return kHeaderSize + static_cast<uint64_t>(static_cast<const uint8_t*>(at) - base_);
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
// Semantic checks on the decoded model: everything the executors and the simulator index with.

bool MulOk(uint64_t a, uint64_t b, uint64_t& out) { return !__builtin_mul_overflow(a, b, &out); }

// Element count of a shape; false for a negative dimension or an overflow.
bool CountElements(const ir::Shape& shape, uint64_t& count) {
  count = 1;
  for (int64_t d : shape)
    if (d < 0 || !MulOk(count, static_cast<uint64_t>(d), count)) return false;
  return true;
}

// Bytes of a surface as isa::Surface::bytes() computes them, in 64 bits, false on overflow.
bool SurfaceBytes(const isa::Surface& s, uint64_t& bytes) {
  const uint64_t c1 = (uint64_t{s.channels} + s.c2 - 1) / s.c2;
  return MulOk(uint64_t{s.width}, s.c2, bytes) && MulOk(bytes, isa::ElemBytes(s.type), bytes) &&
         MulOk(bytes, s.height, bytes) && MulOk(bytes, c1, bytes);
}

// [begin, begin + size) inside [lo, hi)?
bool RangeInside(uint64_t begin, uint64_t size, uint64_t lo, uint64_t hi) {
  return begin >= lo && begin <= hi && size <= hi - begin;
}

std::string Range(uint64_t begin, uint64_t size) { return "[" + Hex(begin) + ", " + Hex(begin + size) + ")"; }

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

void CheckSurface(const Reader& r, const void* at, const std::string& who, const isa::Surface& s, uint64_t ddr) {
  if (s.c2 == 0) r.Fail(at, who + " has c2 = 0");
  uint64_t bytes = 0;
  if (!SurfaceBytes(s, bytes) || !RangeInside(s.addr, bytes, 0, ddr))
    r.Fail(at, who + " at " + Hex(s.addr) + " (" + std::to_string(s.channels) + "x" + std::to_string(s.height) + "x" +
                   std::to_string(s.width) + ", c2 " + std::to_string(s.c2) + ") lies outside DDR [0, " + Hex(ddr) +
                   ")");
}

void ValidateProgram(const isa::Program& p, const ir::Graph& g, const Reader& r) {
  const isa::MemoryPlan& m = p.memory;
  if (m.internal_bytes > std::numeric_limits<uint64_t>::max() - m.internal_base)
    r.Fail(r.program_at, "memory plan internal region " + Hex(m.internal_base) + " + " + Hex(m.internal_bytes) +
                             " overflows 64 bits");
  const uint64_t ddr = p.DdrBytes();
  // Every image's copy of the feature maps must lie in the internal region.
  if (p.batch == 0 || p.batch > kMaxBatch)
    r.Fail(r.program_at, "batch size " + std::to_string(p.batch) + " is outside 1.." + std::to_string(kMaxBatch));
  if (p.batch > 1 && (p.batch_stride == 0 || p.batch_stride > m.internal_bytes / (p.batch - 1)))
    r.Fail(r.program_at, "batch stride " + Hex(p.batch_stride) + " of " + std::to_string(p.batch) +
                             " images does not fit the internal region of " + Hex(m.internal_bytes) + " bytes");
  const uint64_t wbase = m.weight_base, wsize = p.weights.size();
  if (!RangeInside(wbase, wsize, 0, ddr))
    r.Fail(r.program_at, "weight image " + Range(wbase, wsize) + " lies outside DDR [0, " + Hex(ddr) + ")");

  for (size_t i = 0; i < p.tasks.size(); ++i) {
    const isa::Task& t = p.tasks[i];
    const void* at = r.task_at[i];
    std::string who = "task " + std::to_string(i) + " (" + isa::TaskOpName(t.op) + ")";
    if (t.layer >= p.layers.size())
      r.Fail(at, who + " refers to layer " + std::to_string(t.layer) + ", but the program has " +
                     std::to_string(p.layers.size()) + " layers");
    who = "task " + std::to_string(i) + " (" + isa::TaskOpName(t.op) + " of layer " + Quoted(p.layers[t.layer].name) + ")";
    if (t.core >= kMaxCores)
      r.Fail(at, who + " runs on NPU core " + std::to_string(t.core) + "; core masks have " + std::to_string(kMaxCores) +
                     " bits");
    if (t.op == isa::TaskOp::kCpu) {
      // The CPU runs a graph node: its surfaces must match the node's inputs and outputs.
      if (t.cpu_node >= g.nodes().size())
        r.Fail(at, who + " runs node " + std::to_string(t.cpu_node) + " but the graph has " +
                       std::to_string(g.nodes().size()) + " nodes");
      const ir::Node& node = g.nodes()[t.cpu_node];
      if (t.cpu_inputs.size() != node.inputs.size() || t.cpu_outputs.size() != node.outputs.size())
        r.Fail(at, who + " has " + std::to_string(t.cpu_inputs.size()) + "/" + std::to_string(t.cpu_outputs.size()) +
                       " surfaces for a node with " + std::to_string(node.inputs.size()) + "/" +
                       std::to_string(node.outputs.size()) + " inputs/outputs");
      for (size_t k = 0; k < t.cpu_inputs.size(); ++k)
        if (t.cpu_inputs[k].channels != 0) CheckSurface(r, at, who + " CPU input surface", t.cpu_inputs[k], ddr);
      for (const isa::Surface& s : t.cpu_outputs) CheckSurface(r, at, who + " CPU output surface", s, ddr);
      continue;
    }
    CheckSurface(r, at, who + " input surface", t.input, ddr);
    if (t.op == isa::TaskOp::kEltwiseAdd || t.op == isa::TaskOp::kEltwiseMul || t.fused_add)
      CheckSurface(r, at, who + " second input surface", t.input2, ddr);
    CheckSurface(r, at, who + " output surface", t.output, ddr);
    if (t.kernel_h == 0 || t.kernel_w == 0 || t.stride_h == 0 || t.stride_w == 0 || t.dilation_h == 0 ||
        t.dilation_w == 0)
      r.Fail(at, who + " has a zero kernel size, stride or dilation");
    if (uint64_t{t.out_row_begin} + t.out_rows > t.output.height ||
        uint64_t{t.kernel_begin} + t.kernels > t.output.channels)
      r.Fail(at, who + " tile (rows " + std::to_string(t.out_row_begin) + "+" + std::to_string(t.out_rows) +
                     ", kernels " + std::to_string(t.kernel_begin) + "+" + std::to_string(t.kernels) +
                     ") exceeds its output surface (" + std::to_string(t.output.height) + " rows, " +
                     std::to_string(t.output.channels) + " channels)");
    if (t.op == isa::TaskOp::kLut) {
      if (!RangeInside(t.dpu_table_addr, 256, wbase, wbase + wsize))
        r.Fail(at, who + " lookup table " + Range(t.dpu_table_addr, 256) + " lies outside the weight region " +
                       Range(wbase, wsize));
      if (t.input.bytes() != t.output.bytes() || t.input.type != isa::ElemType::kInt8)
        r.Fail(at, who + " maps surfaces of different sizes or non-int8 data");
    }
    if (t.fused_lut && t.op != isa::TaskOp::kConv) r.Fail(at, who + " fuses a lookup table but is not a conv task");
    // A fused Add reads its operand pixel for pixel like the output: same geometry and layout, int8.
    if (t.fused_add &&
        (t.op != isa::TaskOp::kConv || t.fused_lut || t.output.type != isa::ElemType::kInt8 ||
         t.input2.type != t.output.type || t.input2.c2 != t.output.c2 || t.input2.channels != t.output.channels ||
         t.input2.height != t.output.height || t.input2.width != t.output.width))
      r.Fail(at, who + " fuses an Add whose operand is not an int8 surface of the conv output's shape");
    // The add's integer steps (docs/quantization.md §9) shift by `shift` and clamp to int8.
    if ((t.fused_add || t.op == isa::TaskOp::kEltwiseAdd) && (t.shift < 0 || t.shift > 62))
      r.Fail(at, who + " adds with a shift of " + std::to_string(t.shift) + " (0..62)");
    if (t.fused_add && !(-128 <= t.add_clamp_lo && t.add_clamp_lo <= t.add_clamp_hi && t.add_clamp_hi <= 127))
      r.Fail(at, who + " clamps its Add to [" + std::to_string(t.add_clamp_lo) + ", " + std::to_string(t.add_clamp_hi) +
                     "], not a range inside int8");
    if (t.op == isa::TaskOp::kCopy && (t.input.bytes() != t.output.bytes() || t.input.type != t.output.type))
      r.Fail(at, who + " copies between surfaces of different sizes or types");
    if (t.op == isa::TaskOp::kConvert) {
      // int8 <-> fp16 of one tensor (docs/quantization.md §17): same elements, the other type.
      if (t.input.type == t.output.type || t.input.channels != t.output.channels ||
          t.input.height != t.output.height || t.input.width != t.output.width)
        r.Fail(at, who + " converts between surfaces of different shapes or of the same type");
      if (!(std::isfinite(t.convert_scale) && t.convert_scale > 0.0f))
        r.Fail(at, who + " has a conversion scale that is not a positive finite number");
    }
    if (t.op == isa::TaskOp::kUpsample &&
        (t.input.type != t.output.type || t.input.c2 != t.output.c2 || t.input.channels != t.output.channels ||
         uint64_t{t.input.height} * t.stride_h != t.output.height ||
         uint64_t{t.input.width} * t.stride_w != t.output.width))
      r.Fail(at, who + " output surface is not its input replicated " + std::to_string(t.stride_h) + "x" +
                     std::to_string(t.stride_w));
    if (t.op == isa::TaskOp::kZeroInsert &&
        (t.input.type != t.output.type || t.input.c2 != t.output.c2 || t.input.channels != t.output.channels ||
         t.stride_h == 0 || t.stride_w == 0 || t.input.height == 0 || t.input.width == 0 ||
         (uint64_t{t.input.height} - 1) * t.stride_h + 1 != t.output.height ||
         (uint64_t{t.input.width} - 1) * t.stride_w + 1 != t.output.width))
      r.Fail(at, who + " output surface is not its input spread by " + std::to_string(t.stride_h) + "x" +
                     std::to_string(t.stride_w));
    // Mul reads input and output alike and input2 per channel or per element (docs/isa.md).
    if (t.op == isa::TaskOp::kEltwiseMul &&
        (t.input.bytes() != t.output.bytes() || t.input.type != t.output.type || t.input2.type != t.output.type ||
         t.input2.c2 != t.output.c2 || t.input2.channels != t.output.channels ||
         !((t.input2.height == 1 && t.input2.width == 1) ||
           (t.input2.height == t.output.height && t.input2.width == t.output.width))))
      r.Fail(at, who + " multiplier surface is neither per channel nor of the output's shape");
    if (t.op != isa::TaskOp::kConv) continue;

    if (t.weight_kernel_atom == 0) r.Fail(at, who + " has a weight kernel atom of 0");
    if (!RangeInside(t.weight_addr, t.weight_bytes, wbase, wbase + wsize))
      r.Fail(at, who + " weights " + Range(t.weight_addr, t.weight_bytes) + " lie outside the weight region " +
                     Range(wbase, wsize));
    // The packed layer (docs/isa.md); the size saturates instead of wrapping on corrupted fields.
    const uint64_t need = isa::PackedWeightBytes(t);
    if (need > t.weight_bytes)
      r.Fail(at, who + " has " + std::to_string(t.weight_bytes) + " weight bytes, its shape needs " +
                     std::to_string(need));
    // {bias, scale, shift} or fp32 bias, by the layer's own type (hybrid models mix both).
    const uint64_t entry = t.output.type == isa::ElemType::kInt8 ? 12 : 4;
    const uint64_t table_bytes = entry * t.output.channels;
    if (!RangeInside(t.dpu_table_addr, table_bytes, wbase, wbase + wsize))
      r.Fail(at, who + " DPU table " + Range(t.dpu_table_addr, table_bytes) + " lies outside the weight region " +
                     Range(wbase, wsize));
    if (t.fused_lut && (t.output.type != isa::ElemType::kInt8 || !RangeInside(t.lut_addr, 256, wbase, wbase + wsize)))
      r.Fail(at, who + " lookup table " + Range(t.lut_addr, 256) + " lies outside the weight region " +
                     Range(wbase, wsize) + " or follows a non-int8 output");
  }
  for (const auto& [ios, at, kind] :
       {std::tuple{&p.inputs, &r.input_at, "input"}, std::tuple{&p.outputs, &r.output_at, "output"}})
    for (size_t i = 0; i < ios->size(); ++i) {
      const std::string who = std::string(kind) + " " + std::to_string(i) + " " + Quoted((*ios)[i].name) + " surface";
      CheckSurface(r, (*at)[i], who, (*ios)[i].surface, ddr);
      // The last image's copy too (the batch fields were checked above, so this cannot overflow).
      isa::Surface last = (*ios)[i].surface;
      last.addr += p.batch_stride * (p.batch - 1);
      if (p.batch > 1) CheckSurface(r, (*at)[i], who + " of image " + std::to_string(p.batch - 1), last, ddr);
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::vector<uint8_t> SerializeModel(const CompiledModel& model) {
  if (SizeBound(model) >= FLATBUFFERS_MAX_BUFFER_SIZE)
    throw Error("model '" + model.source_name + "' is too large for the rknn-sim model file format (2 GiB limit)");
  Builder b(1 << 16);
  b.ForceDefaults(true);  // every field explicit: a file never depends on the schema's defaults
  const auto source_name = b.CreateString(model.source_name);
  const auto graph = WriteGraph(b, model.graph);
  const auto program = WriteProgram(b, model.program);
  fb::FinishModelFileBuffer(b, fb::CreateModelFile(b, source_name, graph, program));

  const uint8_t* payload = b.GetBufferPointer();
  const size_t size = b.GetSize();
  std::vector<uint8_t> out(kHeaderSize + size);
  std::memcpy(out.data(), kMagic, sizeof(kMagic));
  PutLe(out.data() + 8, kFormatVersion, 4);
  PutLe(out.data() + 12, Crc32(payload, size), 4);
  PutLe(out.data() + 16, size, 8);
  std::memcpy(out.data() + kHeaderSize, payload, size);
  return out;
}

void SaveModelFile(const std::string& path, const CompiledModel& model) {
  const std::vector<uint8_t> bytes = SerializeModel(model);
  WriteFileBytes(path, bytes.data(), bytes.size());
}

CompiledModel DeserializeModel(const std::vector<uint8_t>& bytes, const std::string& what) {
  const size_t n = bytes.size();
  const uint8_t* p = bytes.data();

  // Magic first (as far as the file goes), so a short foreign file is called foreign, not truncated.
  if (n > 0 && std::memcmp(p, kMagic, std::min(n, sizeof(kMagic))) != 0) {
    if (n >= 4 && std::memcmp(p, "RKNN", 4) == 0)
      throw Error(what + ": looks like a Rockchip .rknn file (magic 'RKNN'), which this command does not read yet",
                  "compile the source ONNX model with `rknn-sim convert` and pass the file it writes");
    throw Error(what + ": not an rknn-sim model file (no 'RKNNSIM' magic at offset 0)",
                "compile the ONNX model with `rknn-sim convert` and pass the file it writes");
  }
  if (n < kHeaderSize)
    throw Error(what + ": truncated model file: " + std::to_string(n) + " bytes" + (n == 0 ? " (empty file)" : "") +
                    ", shorter than the " + std::to_string(kHeaderSize) + "-byte header",
                kRecompileHint);

  const uint32_t version = static_cast<uint32_t>(GetLe(p + 8, 4));
  // Older versions lack only appended fields, whose defaults keep their meaning (batch 1, core 0).
  if (version < isa::kOldestReadableProgramVersion || version > kFormatVersion) {
    const std::string supported = "this build reads version " + std::to_string(kFormatVersion) +
                                  " and older ones down to " + std::to_string(isa::kOldestReadableProgramVersion);
    if (version > kFormatVersion)
      throw Error(what + ": model file format version " + std::to_string(version) + " (at offset 8) is newer than " +
                      "this rknn-sim supports (" + supported + ")",
                  "use a newer rknn-sim, or " + std::string(kRecompileHint));
    throw Error(what + ": model file format version " + std::to_string(version) + " (at offset 8) is no longer " +
                    "supported (" + supported + ")",
                kRecompileHint);
  }

  const uint32_t stored_crc = static_cast<uint32_t>(GetLe(p + 12, 4));
  const uint64_t size = GetLe(p + 16, 8);
  const uint64_t present = n - kHeaderSize;
  if (size > present)
    throw Error(what + ": truncated model file: the header (offset 16) promises " + std::to_string(size) +
                    " payload bytes after offset 24, but only " + std::to_string(present) + " are present",
                kRecompileHint);
  if (size < present)
    throw Error(what + ": corrupted model file: the header (offset 16) promises " + std::to_string(size) +
                    " payload bytes after offset 24, but " + std::to_string(present) + " follow",
                kRecompileHint);
  if (size >= FLATBUFFERS_MAX_BUFFER_SIZE)
    throw Error(what + ": model file payload of " + std::to_string(size) + " bytes exceeds the format's 2 GiB limit");

  const uint32_t crc = Crc32(p + kHeaderSize, size);
  if (crc != stored_crc)
    throw Error(what + ": corrupted model file: CRC-32 of bytes 24.." + std::to_string(n) + " is " + Hex(crc) +
                    ", the header (offset 12) says " + Hex(stored_crc),
                kRecompileHint);

  // FlatBuffers reads scalars in place: give it an 8-byte aligned payload.
  const uint8_t* payload = p + kHeaderSize;
  std::vector<uint64_t> aligned;
  if (reinterpret_cast<uintptr_t>(payload) % alignof(uint64_t) != 0) {
    aligned.resize((size + 7) / 8);
    std::memcpy(aligned.data(), payload, size);
    payload = reinterpret_cast<const uint8_t*>(aligned.data());
  }
  if (size < 8 || !fb::ModelFileBufferHasIdentifier(payload))
    throw Error(what + ": corrupted model file: the payload at offset 24 lacks the 'RKSM' identifier", kRecompileHint);
  flatbuffers::Verifier::Options options;
  options.max_depth = 64;
  // A table takes at least 8 bytes (its offset and its vtable offset); the bound keeps forged
  // buffers that reference tables many times from making verification slow.
  options.max_tables = static_cast<flatbuffers::uoffset_t>(size / 4 + 64);
  flatbuffers::Verifier verifier(payload, size, options);
  if (!fb::VerifyModelFileBuffer(verifier))
    throw Error(what + ": corrupted model file: the payload at offset 24 fails FlatBuffers verification "
                       "(bad offsets or sizes, or written by an incompatible rknn-sim)",
                kRecompileHint);

  const fb::ModelFile* root = fb::GetModelFile(payload);
  Reader reader(payload, size, what);
  CompiledModel model;
  model.source_name = reader.String(root->source_name());
  model.graph = reader.Graph(root->graph());
  model.program = reader.Program(root->program());
  ValidateGraph(model.graph, reader);
  ValidateProgram(model.program, model.graph, reader);
  return model;
}

CompiledModel LoadModelFile(const std::string& path) { return DeserializeModel(ReadFileBytes(path), path); }

}  // namespace rknnsim::runtime
