// The compiled model file: exact round trip of every field, and a one-line rknnsim::Error (never a
// crash) for every kind of bad input: truncated, corrupted, foreign, future, inconsistent.
#include "runtime/model_file.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "common/error.h"
#include "isa/task_kinds.h"
#include "runtime/model_file_generated.h"

namespace rknnsim::runtime {
namespace {

constexpr size_t kHeader = 24;

isa::Surface MakeSurface(uint64_t addr, uint32_t channels, uint32_t height, uint32_t width) {
  isa::Surface s;
  s.addr = addr, s.channels = channels, s.height = height, s.width = width, s.c2 = 16;
  s.type = isa::ElemType::kInt8;
  return s;
}

// A 1x1 conv 3 -> 2 channels on a 4x4 int8 input, split into two kernel tiles. DDR layout:
// weights [0x1000, 0x1058): packed weights (32 bytes) at 0x1000, DPU table (24 bytes) at 0x1040;
// feature maps [0x2000, 0x2200).
CompiledModel MakeModel() {
  CompiledModel m;
  m.source_name = "models/tiny.onnx";

  ir::Tensor in;
  in.name = "input";
  in.shape = {1, 3, 4, 4};
  in.dtype = ir::DType::kInt8;
  in.quant.scale = {0.5f};
  in.quant.zero_point = {-3};
  ir::Tensor w;
  w.name = "conv.weight";
  w.shape = {2, 3, 1, 1};
  w.dtype = ir::DType::kInt8;
  w.quant.scale = {0.125f, 0.25f};
  w.quant.zero_point = {0, 0};
  w.quant.axis = 0;
  w.float_data = {0.5f, -1.25f, 2.0f, 3.5f, -0.75f, 1.0f};
  w.bytes = {4, 0xF6, 16, 14, 0xFD, 4};
  w.is_constant = true;
  ir::Tensor out;
  out.name = "output";
  out.shape = {1, 2, 4, 4};
  out.dtype = ir::DType::kInt8;
  out.quant.scale = {0.25f};
  out.quant.zero_point = {5};
  m.graph.AddTensor(in);
  m.graph.AddTensor(w);
  m.graph.AddTensor(out);

  ir::Node n;
  n.op = ir::OpKind::kConv;
  n.name = "/conv1/Conv";
  n.inputs = {0, 1};
  n.outputs = {2};
  ir::Attributes& a = n.attrs;
  a.kernel = {1, 1};
  a.strides = {2, 3};
  a.pads = {0, 1, 2, 3};
  a.dilations = {1, 2};
  a.group = 3;
  a.axis = -2;
  a.ceil_mode = true;
  a.count_include_pad = true;
  a.alpha = 0.5f;
  a.beta = 2.5f;
  a.trans_a = true;
  a.trans_b = true;
  a.activation = ir::Activation::kClip;
  a.clip_min = -1.5f;
  a.clip_max = 6.0f;
  a.target_shape = {1, -1};
  m.graph.nodes().push_back(n);
  m.graph.inputs() = {0};
  m.graph.outputs() = {2};

  isa::Program& p = m.program;
  p.target = "rk3566";
  p.platform = "rk356x";
  p.compute_type = isa::ElemType::kInt8;
  isa::Layer layer;
  layer.name = "Conv:/conv1/Conv";
  layer.op_type = "ConvClip";
  layer.data_type = "INT8";
  layer.target = "NPU";
  layer.input_shapes = {{1, 3, 4, 4}, {2, 3, 1, 1}};
  layer.output_shapes = {{1, 2, 4, 4}};
  layer.macs = 96;
  p.layers.push_back(layer);

  isa::Task t;
  t.layer = 0;
  t.op = isa::TaskOp::kConv;
  t.enable_mask = isa::kUnitCna | isa::kUnitCore | isa::kUnitDpu;
  t.input = MakeSurface(0x2000, 3, 4, 4);
  t.output = MakeSurface(0x2100, 2, 4, 4);
  t.out_rows = 4;
  t.kernels = 1;
  t.weight_addr = 0x1000;
  t.weight_bytes = 32;
  t.weight_kernel_atom = 2;
  t.dpu_table_addr = 0x1040;
  t.input_zp = -3;
  t.output_zp = 5;
  t.clamp_lo = -100;
  t.clamp_hi = 120;
  t.act = isa::ActKind::kClip;
  t.clip_min = -1.5f;
  t.clip_max = 6.0f;
  p.tasks.push_back(t);
  // Second tile: every field away from its default (input2 is not used by a conv but round-trips).
  t.input2 = MakeSurface(0x2000, 3, 2, 2);
  t.input2.type = isa::ElemType::kFp16;
  t.input2.c2 = 8;
  t.out_row_begin = 2;
  t.out_rows = 2;
  t.kernel_begin = 1;
  t.kernels = 1;
  t.stride_h = 2, t.stride_w = 3, t.dilation_h = 4, t.dilation_w = 5;
  t.pad_top = 1, t.pad_left = 2, t.pad_bottom = 3, t.pad_right = 4;
  t.input2_zp = 7;
  t.scale_a = 12345, t.scale_b = -54321, t.shift = 17;
  t.act = isa::ActKind::kRelu;
  p.tasks.push_back(t);

  isa::IoTensor io_in;
  io_in.name = "input";
  io_in.shape = {1, 3, 4, 4};
  io_in.scale = 0.5f;
  io_in.zero_point = -3;
  io_in.surface = p.tasks[0].input;
  p.inputs.push_back(io_in);
  isa::IoTensor io_out;
  io_out.name = "output";
  io_out.shape = {1, 2, 4, 4};
  io_out.scale = 0.25f;
  io_out.zero_point = 5;
  io_out.surface = p.tasks[0].output;
  p.outputs.push_back(io_out);

  p.weights.resize(0x58);
  for (size_t i = 0; i < p.weights.size(); ++i) p.weights[i] = static_cast<uint8_t>(i * 37 + 11);
  p.memory.weight_base = 0x1000;
  p.memory.weight_bytes = p.weights.size();
  p.memory.internal_base = 0x2000;
  p.memory.internal_bytes = 0x200;
  p.memory.other_bytes = 2 * sizeof(isa::Task);
  return m;
}

// ---- field-by-field comparison ----

void ExpectSurfaceEq(const isa::Surface& a, const isa::Surface& b) {
  EXPECT_EQ(a.addr, b.addr);
  EXPECT_EQ(a.channels, b.channels);
  EXPECT_EQ(a.height, b.height);
  EXPECT_EQ(a.width, b.width);
  EXPECT_EQ(a.c2, b.c2);
  EXPECT_EQ(a.type, b.type);
}

void ExpectTensorEq(const ir::Tensor& a, const ir::Tensor& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.shape, b.shape);
  EXPECT_EQ(a.dtype, b.dtype);
  EXPECT_EQ(a.quant.scale, b.quant.scale);
  EXPECT_EQ(a.quant.zero_point, b.quant.zero_point);
  EXPECT_EQ(a.quant.axis, b.quant.axis);
  EXPECT_EQ(a.float_data, b.float_data);
  EXPECT_EQ(a.bytes, b.bytes);
  EXPECT_EQ(a.is_constant, b.is_constant);
}

void ExpectNodeEq(const ir::Node& a, const ir::Node& b) {
  EXPECT_EQ(a.op, b.op);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.inputs, b.inputs);
  EXPECT_EQ(a.outputs, b.outputs);
  const ir::Attributes &x = a.attrs, &y = b.attrs;
  EXPECT_EQ(x.kernel, y.kernel);
  EXPECT_EQ(x.strides, y.strides);
  EXPECT_EQ(x.pads, y.pads);
  EXPECT_EQ(x.dilations, y.dilations);
  EXPECT_EQ(x.group, y.group);
  EXPECT_EQ(x.axis, y.axis);
  EXPECT_EQ(x.ceil_mode, y.ceil_mode);
  EXPECT_EQ(x.count_include_pad, y.count_include_pad);
  EXPECT_EQ(x.alpha, y.alpha);
  EXPECT_EQ(x.beta, y.beta);
  EXPECT_EQ(x.trans_a, y.trans_a);
  EXPECT_EQ(x.trans_b, y.trans_b);
  EXPECT_EQ(x.activation, y.activation);
  EXPECT_EQ(x.clip_min, y.clip_min);
  EXPECT_EQ(x.clip_max, y.clip_max);
  EXPECT_EQ(x.target_shape, y.target_shape);
}

void ExpectTaskEq(const isa::Task& a, const isa::Task& b) {
  EXPECT_EQ(a.layer, b.layer);
  EXPECT_EQ(a.op, b.op);
  EXPECT_EQ(a.enable_mask, b.enable_mask);
  ExpectSurfaceEq(a.input, b.input);
  ExpectSurfaceEq(a.input2, b.input2);
  ExpectSurfaceEq(a.output, b.output);
  EXPECT_EQ(a.out_row_begin, b.out_row_begin);
  EXPECT_EQ(a.out_rows, b.out_rows);
  EXPECT_EQ(a.kernel_begin, b.kernel_begin);
  EXPECT_EQ(a.kernels, b.kernels);
  EXPECT_EQ(a.kernel_h, b.kernel_h);
  EXPECT_EQ(a.kernel_w, b.kernel_w);
  EXPECT_EQ(a.stride_h, b.stride_h);
  EXPECT_EQ(a.stride_w, b.stride_w);
  EXPECT_EQ(a.dilation_h, b.dilation_h);
  EXPECT_EQ(a.dilation_w, b.dilation_w);
  EXPECT_EQ(a.pad_top, b.pad_top);
  EXPECT_EQ(a.pad_left, b.pad_left);
  EXPECT_EQ(a.pad_bottom, b.pad_bottom);
  EXPECT_EQ(a.pad_right, b.pad_right);
  EXPECT_EQ(a.weight_addr, b.weight_addr);
  EXPECT_EQ(a.weight_bytes, b.weight_bytes);
  EXPECT_EQ(a.weight_kernel_atom, b.weight_kernel_atom);
  EXPECT_EQ(a.dpu_table_addr, b.dpu_table_addr);
  EXPECT_EQ(a.input_zp, b.input_zp);
  EXPECT_EQ(a.input2_zp, b.input2_zp);
  EXPECT_EQ(a.output_zp, b.output_zp);
  EXPECT_EQ(a.clamp_lo, b.clamp_lo);
  EXPECT_EQ(a.clamp_hi, b.clamp_hi);
  EXPECT_EQ(a.scale_a, b.scale_a);
  EXPECT_EQ(a.scale_b, b.scale_b);
  EXPECT_EQ(a.shift, b.shift);
  EXPECT_EQ(a.act, b.act);
  EXPECT_EQ(a.clip_min, b.clip_min);
  EXPECT_EQ(a.clip_max, b.clip_max);
  EXPECT_EQ(a.fused_lut, b.fused_lut);
  EXPECT_EQ(a.lut_addr, b.lut_addr);
  EXPECT_EQ(a.fused_add, b.fused_add);
  EXPECT_EQ(a.add_zp, b.add_zp);
  EXPECT_EQ(a.add_clamp_lo, b.add_clamp_lo);
  EXPECT_EQ(a.add_clamp_hi, b.add_clamp_hi);
}

void ExpectIoEq(const isa::IoTensor& a, const isa::IoTensor& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.shape, b.shape);
  EXPECT_EQ(a.scale, b.scale);
  EXPECT_EQ(a.zero_point, b.zero_point);
  ExpectSurfaceEq(a.surface, b.surface);
}

void ExpectModelEq(const CompiledModel& a, const CompiledModel& b) {
  EXPECT_EQ(a.source_name, b.source_name);
  ASSERT_EQ(a.graph.tensors().size(), b.graph.tensors().size());
  for (size_t i = 0; i < a.graph.tensors().size(); ++i) ExpectTensorEq(a.graph.tensors()[i], b.graph.tensors()[i]);
  ASSERT_EQ(a.graph.nodes().size(), b.graph.nodes().size());
  for (size_t i = 0; i < a.graph.nodes().size(); ++i) ExpectNodeEq(a.graph.nodes()[i], b.graph.nodes()[i]);
  EXPECT_EQ(a.graph.inputs(), b.graph.inputs());
  EXPECT_EQ(a.graph.outputs(), b.graph.outputs());
  for (const ir::Tensor& t : a.graph.tensors()) EXPECT_EQ(a.graph.FindTensor(t.name), b.graph.FindTensor(t.name));

  const isa::Program &p = a.program, &q = b.program;
  EXPECT_EQ(p.target, q.target);
  EXPECT_EQ(p.platform, q.platform);
  EXPECT_EQ(p.compute_type, q.compute_type);
  ASSERT_EQ(p.layers.size(), q.layers.size());
  for (size_t i = 0; i < p.layers.size(); ++i) {
    EXPECT_EQ(p.layers[i].name, q.layers[i].name);
    EXPECT_EQ(p.layers[i].op_type, q.layers[i].op_type);
    EXPECT_EQ(p.layers[i].data_type, q.layers[i].data_type);
    EXPECT_EQ(p.layers[i].target, q.layers[i].target);
    EXPECT_EQ(p.layers[i].input_shapes, q.layers[i].input_shapes);
    EXPECT_EQ(p.layers[i].output_shapes, q.layers[i].output_shapes);
    EXPECT_EQ(p.layers[i].macs, q.layers[i].macs);
  }
  ASSERT_EQ(p.tasks.size(), q.tasks.size());
  for (size_t i = 0; i < p.tasks.size(); ++i) ExpectTaskEq(p.tasks[i], q.tasks[i]);
  ASSERT_EQ(p.inputs.size(), q.inputs.size());
  for (size_t i = 0; i < p.inputs.size(); ++i) ExpectIoEq(p.inputs[i], q.inputs[i]);
  ASSERT_EQ(p.outputs.size(), q.outputs.size());
  for (size_t i = 0; i < p.outputs.size(); ++i) ExpectIoEq(p.outputs[i], q.outputs[i]);
  EXPECT_EQ(p.weights, q.weights);
  EXPECT_EQ(p.memory.weight_base, q.memory.weight_base);
  EXPECT_EQ(p.memory.weight_bytes, q.memory.weight_bytes);
  EXPECT_EQ(p.memory.internal_base, q.memory.internal_base);
  EXPECT_EQ(p.memory.internal_bytes, q.memory.internal_bytes);
  EXPECT_EQ(p.memory.other_bytes, q.memory.other_bytes);
}

// ---- helpers for bad files ----

// The message of the Error loading `bytes` throws, or "<loaded>". Any other exception or a crash
// fails the test.
std::string LoadError(const std::vector<uint8_t>& bytes) {
  try {
    DeserializeModel(bytes, "tiny.rksm");
  } catch (const Error& e) {
    return e.what();
  }
  return "<loaded>";
}

std::string LoadError(const CompiledModel& m) { return LoadError(SerializeModel(m)); }

bool Contains(const std::string& s, const std::string& key) { return s.find(key) != std::string::npos; }

#define EXPECT_LOAD_ERROR(bytes_or_model, key)                                  \
  do {                                                                          \
    const std::string msg_ = LoadError(bytes_or_model);                         \
    EXPECT_TRUE(Contains(msg_, key)) << "expected '" << (key) << "' in: " << msg_; \
    EXPECT_EQ(msg_.find('\n'), std::string::npos) << msg_;                      \
  } while (0)

uint32_t Crc32(const uint8_t* p, size_t n) {  // reference bitwise CRC-32 (zlib's polynomial)
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void PutLe(std::vector<uint8_t>& b, size_t at, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

// Rewrites the size and CRC fields so the damage reaches the FlatBuffers and semantic checks.
void FixHeader(std::vector<uint8_t>& b) {
  PutLe(b, 16, b.size() - kHeader, 8);
  PutLe(b, 12, Crc32(b.data() + kHeader, b.size() - kHeader), 4);
}

std::vector<uint8_t> WithPayload(const flatbuffers::FlatBufferBuilder& fbb) {
  std::vector<uint8_t> b(kHeader + fbb.GetSize());
  std::memcpy(b.data(), "RKNNSIM", 8);
  PutLe(b, 8, isa::kProgramVersion, 4);
  std::memcpy(b.data() + kHeader, fbb.GetBufferPointer(), fbb.GetSize());
  FixHeader(b);
  return b;
}

// ---- tests ----

TEST(ModelFile, RoundTripsEveryField) {
  const CompiledModel m = MakeModel();
  const std::vector<uint8_t> bytes = SerializeModel(m);
  ASSERT_GT(bytes.size(), 64u);
  EXPECT_EQ(std::memcmp(bytes.data(), "RKNNSIM\0", 8), 0);
  const CompiledModel back = DeserializeModel(bytes, "tiny.rksm");
  ExpectModelEq(m, back);
  EXPECT_EQ(SerializeModel(back), bytes);  // deterministic
}

// Version 3: a conv task's fused lookup table round-trips, and must lie in the weight image and
// follow an int8 conv.
TEST(ModelFile, FusedLookupTables) {
  CompiledModel m = MakeModel();
  m.program.weights.resize(0x158);  // a 256-byte table at 0x1058
  m.program.memory.weight_bytes = m.program.weights.size();
  m.program.tasks[1].fused_lut = true;
  m.program.tasks[1].lut_addr = 0x1058;
  ExpectModelEq(m, DeserializeModel(SerializeModel(m), "tiny.rksm"));
  CompiledModel outside = m;
  outside.program.tasks[1].lut_addr = 0x1060;
  EXPECT_LOAD_ERROR(outside, "lookup table [0x1060, 0x1160) lies outside the weight region");
  CompiledModel not_conv = m;
  not_conv.program.tasks[1].op = isa::TaskOp::kCopy;
  not_conv.program.tasks[1].input = not_conv.program.tasks[1].output;
  EXPECT_LOAD_ERROR(not_conv, "fuses a lookup table but is not a conv task");
}

// Version 4: a conv task's fused Add round-trips; its operand must be an int8 surface of the
// output's shape, its shift and clamp within what the add's arithmetic takes.
TEST(ModelFile, FusedAdds) {
  CompiledModel m = MakeModel();
  isa::Task& t = m.program.tasks[1];
  t.fused_add = true;
  t.input2 = t.output;
  t.input2_zp = 3, t.scale_a = 11489, t.scale_b = 25746, t.shift = 14;
  t.add_zp = -7, t.add_clamp_lo = -7, t.add_clamp_hi = 127;
  ExpectModelEq(m, DeserializeModel(SerializeModel(m), "tiny.rksm"));
  CompiledModel layout = m;
  layout.program.tasks[1].input2.c2 = 8;  // another layout of the same shape
  EXPECT_LOAD_ERROR(layout, "fuses an Add whose operand is not an int8 surface");
  CompiledModel shift = m;
  shift.program.tasks[1].shift = 70;
  EXPECT_LOAD_ERROR(shift, "adds with a shift of 70");
  CompiledModel clamp = m;
  clamp.program.tasks[1].add_clamp_lo = 100, clamp.program.tasks[1].add_clamp_hi = 50;
  EXPECT_LOAD_ERROR(clamp, "clamps its Add to [100, 50]");
}

// Every kind of isa/task_kinds.h that compiled programs store has its row's name in the schema's
// TaskOp enum at its value; the kinds never stored (decoded from Rockchip files) come last.
TEST(ModelFile, TaskKindsMatchTheSchema) {
  size_t stored = 0;
  for (const isa::TaskKind& kind : isa::kTaskKinds) {
    if (!kind.file_name) continue;
    EXPECT_EQ(static_cast<size_t>(kind.op), stored) << kind.name << " is stored after a kind that is not";
    EXPECT_STREQ(fb::EnumNameTaskOp(static_cast<fb::TaskOp>(kind.op)), kind.file_name) << kind.name;
    ++stored;
  }
  EXPECT_EQ(stored, static_cast<size_t>(fb::TaskOp::MAX) + 1);
}

// Version 5: a model built with dynamic_input keeps a graph and program per input shape set; each
// set is checked as the first one is, and the message locates the bad part.
TEST(ModelFile, DynamicShapeSets) {
  CompiledModel m = MakeModel();
  CompiledModel second = MakeModel();
  second.program.tasks[0].out_rows = 2;  // something that differs from the first set
  m.dynamic_shapes.push_back({second.graph, second.program});
  const CompiledModel back = DeserializeModel(SerializeModel(m), "dynamic.rksm");
  ExpectModelEq(m, back);
  ASSERT_EQ(back.dynamic_shapes.size(), 1u);
  CompiledModel as_first;
  as_first.source_name = second.source_name;
  as_first.graph = back.dynamic_shapes[0].graph;
  as_first.program = back.dynamic_shapes[0].program;
  ExpectModelEq(second, as_first);
  CompiledModel bad = m;
  bad.dynamic_shapes[0].program.tasks[1].layer = 5;
  EXPECT_LOAD_ERROR(bad, "refers to layer 5");
  CompiledModel other_target = m;  // every set is the same model: one target, the same I/O names
  other_target.dynamic_shapes[0].program.target = "rv1106";
  EXPECT_LOAD_ERROR(other_target, "differs from the first");
}

TEST(ModelFile, HeaderLayout) {
  const std::vector<uint8_t> b = SerializeModel(MakeModel());
  auto le = [&](size_t at, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t{b[at + i]} << (8 * i);
    return v;
  };
  EXPECT_EQ(le(8, 4), isa::kProgramVersion);
  EXPECT_EQ(le(12, 4), Crc32(b.data() + kHeader, b.size() - kHeader));
  EXPECT_EQ(le(16, 8), b.size() - kHeader);
  EXPECT_EQ(std::memcmp(b.data() + kHeader + 4, "RKSM", 4), 0);  // FlatBuffers file identifier
}

TEST(ModelFile, RoundTripsEmptyModel) {
  CompiledModel m;
  ExpectModelEq(m, DeserializeModel(SerializeModel(m), "empty"));
}

TEST(ModelFile, SavesAndLoadsFiles) {
  const CompiledModel m = MakeModel();
  const std::string path = ::testing::TempDir() + "model_file_test.rksm";
  SaveModelFile(path, m);
  ExpectModelEq(m, LoadModelFile(path));
  std::remove(path.c_str());
  EXPECT_THROW(LoadModelFile(path), Error);
}

TEST(ModelFile, RejectsEmptyAndTruncatedFiles) {
  EXPECT_LOAD_ERROR(std::vector<uint8_t>{}, "truncated");
  const std::vector<uint8_t> good = SerializeModel(MakeModel());
  std::vector<size_t> lengths;
  for (size_t n = 0; n < 64; ++n) lengths.push_back(n);
  for (size_t n : {size_t{100}, good.size() / 2, good.size() - 8, good.size() - 1}) lengths.push_back(n);
  for (size_t n : lengths) {
    SCOPED_TRACE("prefix of " + std::to_string(n) + " bytes");
    EXPECT_LOAD_ERROR(std::vector<uint8_t>(good.begin(), good.begin() + static_cast<long>(n)), "truncated");
  }
}

TEST(ModelFile, RejectsTrailingBytes) {
  std::vector<uint8_t> b = SerializeModel(MakeModel());
  b.push_back(0);
  EXPECT_LOAD_ERROR(b, "corrupted");
}

TEST(ModelFile, RejectsCorruptedPayload) {
  const std::vector<uint8_t> good = SerializeModel(MakeModel());
  for (size_t at : {kHeader, kHeader + 5, good.size() / 2, good.size() - 1}) {
    std::vector<uint8_t> b = good;
    b[at] ^= 0x40;
    EXPECT_LOAD_ERROR(b, "CRC-32");
  }
}

TEST(ModelFile, RejectsForeignFiles) {
  std::vector<uint8_t> b = SerializeModel(MakeModel());
  b[3] = 'X';
  EXPECT_LOAD_ERROR(b, "not an rknn-sim model file");
  EXPECT_LOAD_ERROR(std::vector<uint8_t>({'h', 'e', 'l', 'l', 'o'}), "not an rknn-sim model file");
  std::vector<uint8_t> rknn(200, 0);
  std::memcpy(rknn.data(), "RKNN", 4);
  EXPECT_LOAD_ERROR(rknn, ".rknn");
}

TEST(ModelFile, RejectsOtherVersions) {
  std::vector<uint8_t> b = SerializeModel(MakeModel());
  PutLe(b, 8, isa::kProgramVersion + 1, 4);
  EXPECT_LOAD_ERROR(b, "newer");
  EXPECT_LOAD_ERROR(b, "version " + std::to_string(isa::kProgramVersion));
  PutLe(b, 8, 0, 4);
  EXPECT_LOAD_ERROR(b, "no longer supported");
}

TEST(ModelFile, RejectsInvalidFlatBuffer) {
  std::vector<uint8_t> b = SerializeModel(MakeModel());
  PutLe(b, kHeader, 0x7FFFFFF0u, 4);  // root offset far outside the buffer
  FixHeader(b);
  EXPECT_LOAD_ERROR(b, "verification");
  b = SerializeModel(MakeModel());
  std::memcpy(b.data() + kHeader + 4, "XXXX", 4);
  FixHeader(b);
  EXPECT_LOAD_ERROR(b, "RKSM");
  b.resize(kHeader + 3);
  FixHeader(b);
  EXPECT_LOAD_ERROR(b, "RKSM");
}

TEST(ModelFile, RejectsBadIds) {
  CompiledModel m = MakeModel();
  m.graph.nodes()[0].inputs[1] = 7;
  EXPECT_LOAD_ERROR(m, "input 1 refers to tensor 7");
  m = MakeModel();
  m.graph.nodes()[0].outputs[0] = -1;
  EXPECT_LOAD_ERROR(m, "refers to tensor -1");
  m = MakeModel();
  m.graph.outputs() = {3};
  EXPECT_LOAD_ERROR(m, "graph output 0 refers to tensor 3");
  m = MakeModel();
  m.graph.inputs() = {0, 99};
  EXPECT_LOAD_ERROR(m, "graph input 1");
  m = MakeModel();
  m.graph.nodes()[0].outputs.clear();
  EXPECT_LOAD_ERROR(m, "no outputs");
  m = MakeModel();
  m.program.tasks[1].layer = 1;
  EXPECT_LOAD_ERROR(m, "refers to layer 1");
}

TEST(ModelFile, RejectsBadEnums) {
  const std::vector<std::pair<std::function<void(CompiledModel&)>, std::string>> cases = {
      {[](CompiledModel& m) { m.graph.tensors()[1].dtype = static_cast<ir::DType>(4); }, "dtype value 4"},
      {[](CompiledModel& m) { m.graph.nodes()[0].op = static_cast<ir::OpKind>(200); }, "node op value 200"},
      {[](CompiledModel& m) { m.graph.nodes()[0].attrs.activation = static_cast<ir::Activation>(3); }, "activation"},
      {[](CompiledModel& m) { m.program.compute_type = static_cast<isa::ElemType>(2); }, "compute type"},
      {[](CompiledModel& m) { m.program.tasks[0].op = static_cast<isa::TaskOp>(200); }, "task op"},
      {[](CompiledModel& m) { m.program.tasks[0].act = static_cast<isa::ActKind>(9); }, "task activation"},
      {[](CompiledModel& m) { m.program.tasks[1].output.type = static_cast<isa::ElemType>(7); }, "element type"},
      {[](CompiledModel& m) { m.program.outputs[0].surface.type = static_cast<isa::ElemType>(7); }, "element type"},
  };
  for (const auto& [mutate, key] : cases) {
    CompiledModel m = MakeModel();
    mutate(m);
    EXPECT_LOAD_ERROR(m, key);
    EXPECT_LOAD_ERROR(m, "out of range");
  }
}

TEST(ModelFile, RejectsInconsistentTensors) {
  CompiledModel m = MakeModel();
  m.graph.tensors()[1].float_data.pop_back();
  EXPECT_LOAD_ERROR(m, "holds 5 float values");
  m = MakeModel();
  m.graph.tensors()[1].bytes.push_back(0);
  EXPECT_LOAD_ERROR(m, "holds 7 bytes");
  m = MakeModel();
  m.graph.tensors()[1].dtype = ir::DType::kInt32;  // 6 bytes cannot be 6 int32 values
  EXPECT_LOAD_ERROR(m, "needs 24");
  m = MakeModel();
  m.graph.tensors()[1].shape = {2, -3, 1, 1};
  EXPECT_LOAD_ERROR(m, "invalid shape");
  m = MakeModel();
  m.graph.tensors()[1].shape = {int64_t{1} << 40, int64_t{1} << 40, 1, 1};  // element count overflows
  EXPECT_LOAD_ERROR(m, "invalid shape");
  m = MakeModel();
  m.graph.tensors()[1].quant.zero_point = {0};
  EXPECT_LOAD_ERROR(m, "zero point");
  m = MakeModel();
  m.graph.tensors()[1].quant.axis = 4;
  EXPECT_LOAD_ERROR(m, "quantization axis 4");
}

TEST(ModelFile, RejectsBadProgramRanges) {
  const std::vector<std::pair<std::function<void(CompiledModel&)>, std::string>> cases = {
      {[](CompiledModel& m) { m.program.tasks[0].output.addr = 0x2180; }, "output surface"},
      {[](CompiledModel& m) { m.program.tasks[1].input.height = 0xFFFFFFFF; }, "outside DDR"},
      {[](CompiledModel& m) { m.program.tasks[0].input.c2 = 0; }, "c2 = 0"},
      {[](CompiledModel& m) { m.program.tasks[0].op = isa::TaskOp::kEltwiseAdd; }, "second input surface"},
      {[](CompiledModel& m) { m.program.inputs[0].surface.addr = 0x21C0; }, "input 0 'input' surface"},
      {[](CompiledModel& m) { m.program.outputs[0].surface.c2 = 0; }, "c2 = 0"},
      {[](CompiledModel& m) { m.program.memory.internal_bytes = 0x100; }, "outside DDR"},
      {[](CompiledModel& m) { m.program.memory.internal_base = ~uint64_t{0}; }, "overflows"},
      {[](CompiledModel& m) { m.program.memory.weight_base = 0x21D0; }, "weight image"},
      {[](CompiledModel& m) { m.program.tasks[0].weight_addr = 0x1040; }, "weight region"},
      {[](CompiledModel& m) { m.program.tasks[0].weight_addr = 0xFF0; }, "weight region"},
      {[](CompiledModel& m) { m.program.tasks[0].weight_bytes = 16; }, "weight bytes"},
      {[](CompiledModel& m) { m.program.tasks[0].weight_kernel_atom = 0; }, "kernel atom"},
      {[](CompiledModel& m) { m.program.tasks[1].dpu_table_addr = 0x1048; }, "DPU table"},
      {[](CompiledModel& m) { m.program.tasks[1].kernel_begin = 2; }, "tile"},
      {[](CompiledModel& m) { m.program.tasks[1].out_rows = 3; }, "tile"},
      {[](CompiledModel& m) { m.program.tasks[0].stride_w = 0; }, "stride"},
      {[](CompiledModel& m) {
         m.program.tasks[0].op = isa::TaskOp::kUpsample;
         m.program.tasks[0].stride_h = 3;
       },
       "replicated 3x1"},
      {[](CompiledModel& m) {
         m.program.tasks[1].op = isa::TaskOp::kEltwiseMul;
         m.program.tasks[1].input2 = m.program.tasks[1].input;
         m.program.tasks[1].input2.height += 1;
       },
       "multiplier surface"},
  };
  for (const auto& [mutate, key] : cases) {
    SCOPED_TRACE(key);
    CompiledModel m = MakeModel();
    mutate(m);
    EXPECT_LOAD_ERROR(m, key);
    EXPECT_LOAD_ERROR(m, "invalid model file");
  }
}

// A forged buffer whose tensor vector references one large tensor many times must not make the
// loader allocate far beyond the file's size.
TEST(ModelFile, RejectsAliasedData) {
  flatbuffers::FlatBufferBuilder fbb;
  const auto bytes = fbb.CreateVector(std::vector<uint8_t>(4096, 1));
  const auto shape = fbb.CreateVector(std::vector<int64_t>{4096});
  fb::TensorBuilder tb(fbb);
  tb.add_shape(shape);
  tb.add_dtype(fb::DType::Int8);
  tb.add_bytes(bytes);
  const auto tensor = tb.Finish();
  const auto tensors = fbb.CreateVector(std::vector<flatbuffers::Offset<fb::Tensor>>(100000, tensor));
  const auto graph = fb::CreateGraph(fbb, tensors);
  const auto program = fb::CreateProgram(fbb);
  fb::FinishModelFileBuffer(fbb, fb::CreateModelFile(fbb, 0, graph, program));
  EXPECT_LOAD_ERROR(WithPayload(fbb), "referenced more than once");
}

TEST(ModelFile, HandWrittenMinimalBufferLoads) {
  flatbuffers::FlatBufferBuilder fbb;
  const auto graph = fb::CreateGraph(fbb);
  const auto program = fb::CreateProgram(fbb);  // absent fields take the C++ defaults
  fb::FinishModelFileBuffer(fbb, fb::CreateModelFile(fbb, fbb.CreateString("x"), graph, program));
  const CompiledModel m = DeserializeModel(WithPayload(fbb), "minimal");
  EXPECT_EQ(m.source_name, "x");
  EXPECT_TRUE(m.graph.tensors().empty());
  EXPECT_EQ(m.program.compute_type, isa::ElemType::kInt8);
}

// Random damage behind a valid header (the CRC fixed up): every outcome is a clean load or an
// Error. Run under ASan/UBSan this also proves no out-of-bounds read.
TEST(ModelFile, SurvivesRandomCorruption) {
  const std::vector<uint8_t> good = SerializeModel(MakeModel());
  std::mt19937 rng(12345);
  int loaded = 0, rejected = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::vector<uint8_t> b = good;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) {
      const size_t at = kHeader + rng() % (b.size() - kHeader);
      b[at] = (iter % 3 == 0) ? static_cast<uint8_t>(rng()) : static_cast<uint8_t>(b[at] ^ (1u << (rng() % 8)));
    }
    if (iter % 5 == 0) b.resize(kHeader + rng() % (b.size() - kHeader));
    FixHeader(b);
    const std::string msg = LoadError(b);
    (msg == "<loaded>" ? loaded : rejected)++;
    EXPECT_EQ(msg.find('\n'), std::string::npos);
  }
  EXPECT_GT(rejected, 0);
  std::printf("random corruption: %d loaded, %d rejected\n", loaded, rejected);
}

}  // namespace
}  // namespace rknnsim::runtime
