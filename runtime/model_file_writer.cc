#include "runtime/model_file_writer.h"

#include <vector>

#include "common/error.h"
#include "runtime/model_file_schema.h"

namespace rknnsim::runtime {
namespace {

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
uint64_t SizeBound(const ir::Graph& g, const isa::Program& p) {
  constexpr uint64_t kPerObject = 1024;  // table + vtable + offsets + padding, generously
  uint64_t bytes = kPerObject;
  const auto longs = [](const std::vector<int64_t>& v) { return v.size() * 8 + 16; };
  for (const ir::Tensor& t : g.tensors())
    bytes += kPerObject + t.name.size() + longs(t.shape) + t.quant.scale.size() * 4 + t.quant.zero_point.size() * 4 +
             t.float_data.size() * 4 + t.bytes.size() + 64;
  for (const ir::Node& n : g.nodes()) {
    const ir::Attributes& a = n.attrs;
    bytes += 2 * kPerObject + n.name.size() + (n.inputs.size() + n.outputs.size()) * 4 + longs(a.kernel) +
             longs(a.strides) + longs(a.pads) + longs(a.dilations) + longs(a.target_shape);
  }
  bytes += (g.inputs().size() + g.outputs().size()) * 4 + kPerObject;
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

uint64_t SizeBound(const CompiledModel& m) {
  uint64_t bytes = m.source_name.size() + SizeBound(m.graph, m.program);
  for (const ShapeVariant& v : m.dynamic_shapes) bytes += SizeBound(v.graph, v.program);
  return bytes;
}

}  // namespace

void BuildModelPayload(flatbuffers::FlatBufferBuilder& b, const CompiledModel& model) {
  if (SizeBound(model) >= FLATBUFFERS_MAX_BUFFER_SIZE)
    throw Error("model '" + model.source_name + "' is too large for the rknn-sim model file format (2 GiB limit)");
  b.ForceDefaults(true);
  const auto source_name = b.CreateString(model.source_name);
  const auto graph = WriteGraph(b, model.graph);
  const auto program = WriteProgram(b, model.program);
  std::vector<Off<fb::ShapeVariant>> sets;
  for (const ShapeVariant& v : model.dynamic_shapes) {
    const auto set_graph = WriteGraph(b, v.graph);
    const auto set_program = WriteProgram(b, v.program);
    sets.push_back(fb::CreateShapeVariant(b, set_graph, set_program));
  }
  const auto dynamic_shapes = sets.empty() ? 0 : b.CreateVector(sets);
  fb::FinishModelFileBuffer(b, fb::CreateModelFile(b, source_name, graph, program, dynamic_shapes));
}

}  // namespace rknnsim::runtime
