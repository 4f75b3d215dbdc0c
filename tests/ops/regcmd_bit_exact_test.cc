// The two executions of Rockchip's decoded tasks (docs/rknn-format.md §8) on tasks built here
// rather than read from a file, so that every stage is exercised with values the shared files
// do not all show: the SystemC platform (sim/kernels/regcmd_conv_kernel.cc and the units) and
// the register-level reference (compiler/rknn/regcmd_reference.cc) must give the same bytes for
// the input converter, the stages' ReLU bounds, BN's PReLU and every BS operand source. One case
// is also checked against values worked out by hand. Runs on rv1106 (one platform per process).
#include <cstring>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "compiler/rknn/regcmd_program.h"
#include "compiler/rknn/regcmd_reference.h"
#include "isa/platform_config.h"
#include "sim/simulator.h"

namespace rknnsim {
namespace {

constexpr uint64_t kInternalBase = 4096;

struct Case {
  uint32_t channels = 3, height = 6, width = 7, in_c2 = 3;
  uint32_t kernels = 5, stored_channels = 4, kernel = 3, stride = 1, pad = 1;
  bool depthwise = false;
};

// The one layer of a synthetic program, and a cube of C2-byte atoms laid out densely at `addr`.
isa::Layer SyntheticLayer(const std::string& op) {
  isa::Layer layer;
  layer.name = op + ":synthetic";
  layer.op_type = op;
  layer.data_type = "INT8";
  layer.target = "NPU";
  return layer;
}
isa::StridedCube DenseCube(uint64_t addr, uint32_t height, uint32_t width, uint32_t c2) {
  return isa::StridedCube{addr, uint64_t{height} * width * c2, uint64_t{width} * c2, c2, c2};
}

// A program of one conv task of `c` with random weights, operands and stages set by `stages`.
rknn::RegcmdProgram ConvProgram(const Case& c, const isa::PlatformConfig& platform, std::mt19937& rng,
                                const std::function<void(isa::RegcmdTask&)>& stages) {
  std::uniform_int_distribution<int> byte(-128, 127);
  rknn::RegcmdProgram out;
  isa::Program& p = out.program;
  p.target = "rv1106";
  p.platform = platform.platform;
  isa::Task t;
  t.op = isa::TaskOp::kConv;
  t.enable_mask = isa::kUnitCna | isa::kUnitCore | isa::kUnitDpu | isa::kUnitDpuRdma;
  isa::RegcmdTask& r = t.regcmd;
  r.on = true;
  r.depthwise = c.depthwise;
  t.conv_mode = c.depthwise ? isa::ConvMode::kDepthwise : isa::ConvMode::kDirect;
  t.kernel_h = t.kernel_w = c.kernel;
  t.stride_h = t.stride_w = c.stride;
  t.pad_top = t.pad_left = c.pad;
  const uint32_t out_h = (c.height + 2 * c.pad - c.kernel) / c.stride + 1;
  const uint32_t out_w = (c.width + 2 * c.pad - c.kernel) / c.stride + 1;
  t.pad_bottom = (out_h - 1) * c.stride + c.kernel - c.pad - c.height;
  t.pad_right = (out_w - 1) * c.stride + c.kernel - c.pad - c.width;
  t.kernels = c.depthwise ? c.channels : c.kernels;
  t.out_rows = out_h;

  // Constants: weights, then the BS operand stream (grouped: biases, weight offsets, multipliers).
  const uint32_t taps = c.kernel * c.kernel;
  r.weight_kernels = t.kernels;
  r.weight_channels = c.depthwise ? c.channels : c.stored_channels;
  r.weight_ob = 16, r.weight_ib = c.depthwise ? 16 : c.stored_channels;
  if (c.depthwise) {  // whole blocks of 16 channels, the rest in a tail block
    r.weight_block_channels = c.channels / 16 * 16;
    r.weight_tail_ib = c.channels % 16;
  }
  t.weight_kernel_atom = c.depthwise ? 1 : r.weight_ob;
  t.weight_bytes = r.weight_kernels * r.weight_channels * taps;
  if (c.depthwise) t.weight_bytes = c.channels * taps;
  p.weights.resize(t.weight_bytes);
  for (uint8_t& w : p.weights) w = static_cast<uint8_t>(byte(rng));
  r.bs_operands = isa::BsOperands::kGrouped;
  r.bs_group = static_cast<uint32_t>(platform.dpu_bs_operand_group);
  t.dpu_table_addr = (p.weights.size() + 63) / 64 * 64;
  p.weights.resize(t.dpu_table_addr + r.BsOperandBytes(t.kernels));
  for (uint32_t k = 0; k < t.kernels; ++k) {
    const uint64_t group = t.dpu_table_addr + uint64_t{k / r.bs_group} * r.bs_group * 8, lane = k % r.bs_group;
    const int32_t bias = std::uniform_int_distribution<int32_t>(-40000, 40000)(rng);
    const int16_t ow = static_cast<int16_t>(std::uniform_int_distribution<int>(-3, 3)(rng));
    const uint16_t mul = static_cast<uint16_t>(std::uniform_int_distribution<int>(1, 30000)(rng));
    std::memcpy(&p.weights[group + lane * 4], &bias, 4);
    std::memcpy(&p.weights[group + r.bs_group * 4 + lane * 2], &ow, 2);
    std::memcpy(&p.weights[group + r.bs_group * 6 + lane * 2], &mul, 2);
  }
  r.bs_alu = r.bs_mul = true;
  r.bs_mul_shift = 12;
  r.ow_from_blob = true;
  r.pad_value = byte(rng);
  r.out_scale = 29698, r.out_shift = 24, r.out_offset = -91;
  stages(r);

  // The input as a graph input at the start of internal memory, the output dense after it.
  const uint64_t in_bytes = uint64_t{(c.channels + c.in_c2 - 1) / c.in_c2} * c.height * c.width * c.in_c2;
  r.source = DenseCube(kInternalBase, c.height, c.width, c.in_c2);
  t.input = isa::Surface{kInternalBase, c.channels, c.height, c.width, c.in_c2, isa::ElemType::kInt8};
  const uint32_t out_c2 = 8;
  const uint64_t out_addr = kInternalBase + (in_bytes + 63) / 64 * 64;
  r.destination = DenseCube(out_addr, out_h, out_w, out_c2);
  t.output = isa::Surface{out_addr, t.kernels, out_h, out_w, out_c2, isa::ElemType::kInt8};
  t.weight_addr = 0;

  p.layers.push_back(SyntheticLayer("Conv"));
  p.tasks.push_back(t);
  p.memory.weight_base = 0;
  p.memory.weight_bytes = p.weights.size();
  p.memory.internal_base = kInternalBase;
  p.memory.internal_bytes = out_addr + t.output.bytes() - kInternalBase;
  isa::IoTensor in{"x", {1, c.channels, c.height, c.width}, 1.0f, 0, 0.0f, 0, t.input};
  isa::IoTensor result{"y", {1, t.kernels, out_h, out_w}, 1.0f, 0, 0.0f, 0, t.output};
  p.inputs = {in};
  p.outputs = {result};
  return out;
}

// A program of one DPU-only task (flying mode) over a `channels` x `height` x `width` cube, its
// stages set by `stages`; input and output both in C2 = 16 surfaces.
rknn::RegcmdProgram DpuProgram(uint32_t channels, uint32_t height, uint32_t width, const isa::PlatformConfig& platform,
                               const std::function<void(isa::RegcmdTask&)>& stages) {
  rknn::RegcmdProgram out;
  isa::Program& p = out.program;
  p.target = "rv1106";
  p.platform = platform.platform;
  isa::Task t;
  t.op = isa::TaskOp::kRegcmdDpu;
  t.enable_mask = isa::kUnitDpu | isa::kUnitDpuRdma;
  isa::RegcmdTask& r = t.regcmd;
  r.on = true;
  t.kernels = channels;
  t.out_rows = height;
  stages(r);
  const uint32_t c2 = 16;
  const isa::Surface in{kInternalBase, channels, height, width, c2, isa::ElemType::kInt8};
  const uint64_t out_addr = kInternalBase + (in.bytes() + 63) / 64 * 64;
  const isa::Surface result{out_addr, channels, height, width, c2, isa::ElemType::kInt8};
  r.source = DenseCube(in.addr, height, width, c2);
  r.destination = DenseCube(out_addr, height, width, c2);
  t.input = in;
  t.output = result;
  p.layers.push_back(SyntheticLayer("Relu"));
  p.tasks.push_back(t);
  p.memory.internal_base = kInternalBase;
  p.memory.internal_bytes = out_addr + result.bytes() - kInternalBase;
  p.inputs = {isa::IoTensor{"x", {1, channels, height, width}, 1.0f, 0, 0.0f, 0, in}};
  p.outputs = {isa::IoTensor{"y", {1, channels, height, width}, 1.0f, 0, 0.0f, 0, result}};
  return out;
}

std::vector<uint8_t> RandomBytes(uint64_t n, std::mt19937& rng) {
  std::vector<uint8_t> v(n);
  for (uint8_t& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

void ExpectSameBytes(const rknn::RegcmdProgram& program, const isa::PlatformConfig& platform,
                     const std::vector<uint8_t>& input) {
  const std::vector<std::vector<uint8_t>> reference = rknn::RunRegcmdReference(program, {input});
  const sim::SimulationResult simulated = sim::Simulate(program.program, platform, {input});
  ASSERT_EQ(simulated.outputs.size(), 1u);
  EXPECT_EQ(simulated.outputs[0], reference[0]);
  // The stages must not collapse the output to one value, or the comparison proves little.
  int distinct = 0;
  for (int v = 0; v < 256; ++v) distinct += std::count(reference[0].begin(), reference[0].end(), static_cast<uint8_t>(v)) > 0;
  EXPECT_GT(distinct, 8);
}

class RegcmdBitExact : public testing::Test {
 protected:
  isa::PlatformConfig platform_ = isa::LoadPlatformForTarget("rv1106");
  std::mt19937 rng_{2026};
};

TEST_F(RegcmdBitExact, InputConverterOnUnsignedPixelsAndLeakyRelu) {
  for (int round = 0; round < 3; ++round) {
    Case c;
    c.stride = 1 + static_cast<uint32_t>(round % 2);
    const rknn::RegcmdProgram program = ConvProgram(c, platform_, rng_, [&](isa::RegcmdTask& r) {
      r.cvt = true;
      r.cvt_unsigned = true;
      for (int lane = 0; lane < 3; ++lane) {
        r.cvt_scale[lane] = 16384 + 1000 * lane;
        r.cvt_offset[lane] = -(int64_t{128} << 14) + 777 * lane;
        r.cvt_truncate[lane] = 14;
      }
      r.bs_relu = true, r.bs_relu_min = isa::RegcmdTask::kNoMin, r.bs_relu_max = isa::RegcmdTask::kNoMax;
      r.bs_mul_shift = static_cast<uint32_t>(round);  // LeakyReLU programs shift the BS product little
      r.bn_mul = r.bn_prelu = true, r.bn_mul_operand = 1638;
      r.bn_relu = true, r.bn_relu_min = isa::RegcmdTask::kNoMin, r.bn_relu_max = isa::RegcmdTask::kNoMax;
      r.out_shift += 14 - round;
    });
    ExpectSameBytes(program, platform_, RandomBytes(program.program.inputs[0].surface.bytes(), rng_));
  }
}

TEST_F(RegcmdBitExact, ClampedStagesAndDepthwise) {
  for (bool depthwise : {false, true}) {
    Case c;
    c.depthwise = depthwise;
    c.channels = depthwise ? 20 : 3;
    c.in_c2 = depthwise ? 16 : 3;
    const rknn::RegcmdProgram program = ConvProgram(c, platform_, rng_, [&](isa::RegcmdTask& r) {
      // Bounds inside the values' range, so that each clamp decides some outputs.
      r.bs_relu = true, r.bs_relu_min = -300000, r.bs_relu_max = 400000;
      r.bn_alu = true, r.bn_alu_operand = 12345;
      r.bn_relu = true, r.bn_relu_min = -150000, r.bn_relu_max = 250000;
      r.out_shift = 26, r.out_offset = 0;
    });
    ExpectSameBytes(program, platform_, RandomBytes(program.program.inputs[0].surface.bytes(), rng_));
  }
}

// RV1126B's packed-row weights ([kh][16 kernels][4 taps][4 lanes], the 4th tap unused) hold the
// same convolution as the native blocks: both layouts of one set of weights give the same bytes,
// and platform == reference on the packed one.
TEST_F(RegcmdBitExact, PackedRowWeightsAreTheSameConvolution) {
  Case c;
  const rknn::RegcmdProgram native = ConvProgram(c, platform_, rng_, [](isa::RegcmdTask&) {});
  rknn::RegcmdProgram packed = native;
  isa::Task& t = packed.program.tasks[0];
  const isa::RegcmdTask& from = native.program.tasks[0].regcmd;
  t.regcmd.weight_row_taps = 4;
  t.weight_addr = (packed.program.weights.size() + 63) / 64 * 64;
  t.weight_bytes = t.regcmd.weight_ob * c.kernel * t.regcmd.weight_row_taps * t.regcmd.weight_ib;
  packed.program.weights.resize(t.weight_addr + t.weight_bytes);
  // The unused 4th tap of every row gets noise: the convolution must not read it.
  for (uint64_t i = t.weight_addr; i < packed.program.weights.size(); ++i) packed.program.weights[i] = static_cast<uint8_t>(rng_());
  for (uint32_t k = 0; k < t.kernels; ++k)
    for (uint32_t i = 0; i < c.stored_channels; ++i)
      for (uint32_t y = 0; y < c.kernel; ++y)
        for (uint32_t x = 0; x < c.kernel; ++x)
          packed.program.weights[t.weight_addr + t.regcmd.WeightIndex(k, i, y, x, c.kernel, c.kernel)] =
              native.program.weights[native.program.tasks[0].weight_addr + from.WeightIndex(k, i, y, x, c.kernel, c.kernel)];
  const std::vector<uint8_t> input = RandomBytes(native.program.inputs[0].surface.bytes(), rng_);
  ExpectSameBytes(packed, platform_, input);
  EXPECT_EQ(rknn::RunRegcmdReference(packed, {input}), rknn::RunRegcmdReference(native, {input}));
}

// A 1x1 convolution of weight 1 with offset 0, bias 0, multiplier 1 and the identity output
// converter passes each converted pixel through: the converter alone decides the result, here
// uint8 pixel - 128 in lanes 0-2 as the RV110x files program it (and a ReLU at -100 / 100).
TEST_F(RegcmdBitExact, ConverterOfTheRv110xFilesSubtracts128) {
  Case c;
  c.kernels = 3, c.kernel = 1, c.pad = 0;
  rknn::RegcmdProgram program = ConvProgram(c, platform_, rng_, [&](isa::RegcmdTask& r) {
    r.cvt = true;
    r.cvt_unsigned = true;
    for (int lane = 0; lane < 3; ++lane) r.cvt_scale[lane] = 16384, r.cvt_offset[lane] = -(int64_t{128} << 14), r.cvt_truncate[lane] = 14;
    r.bs_alu = r.bs_mul = r.ow_from_blob = false;
    r.bs_relu = true, r.bs_relu_min = -100, r.bs_relu_max = 100;
    r.out_scale = 1, r.out_shift = 0, r.out_offset = 0;
  });
  isa::Program& p = program.program;
  const isa::Task& t = p.tasks[0];
  for (uint32_t k = 0; k < 3; ++k)
    for (uint32_t i = 0; i < c.stored_channels; ++i)
      p.weights[t.regcmd.WeightIndex(k, i, 0, 0, 1, 1)] = k == i ? 1 : 0;
  const std::vector<uint8_t> input = RandomBytes(p.inputs[0].surface.bytes(), rng_);
  const std::vector<std::vector<uint8_t>> reference = rknn::RunRegcmdReference(program, {input});
  const sim::SimulationResult simulated = sim::Simulate(p, platform_, {input});
  EXPECT_EQ(simulated.outputs[0], reference[0]);
  for (uint32_t ch = 0; ch < 3; ++ch)
    for (uint32_t y = 0; y < c.height; ++y)
      for (uint32_t x = 0; x < c.width; ++x) {
        const int expected = std::clamp(int{input[p.inputs[0].surface.Offset(ch, y, x)]} - 128, -100, 100);
        EXPECT_EQ(static_cast<int8_t>(reference[0][p.outputs[0].surface.Offset(ch, y, x)]), expected)
            << "channel " << ch << " at " << y << "," << x;
      }
}

// retinaface_rv1106's FPN convolutions add an upsampled map after their LeakyReLU and keep the BS
// product unshifted: BN shifts positive values by BN_MUL_SHIFT_VALUE and negative ones, after the
// Q14 slope, by DATA_FORMAT's BN_MUL_SHIFT_VALUE_NEG (8 and 8 in the file).
TEST_F(RegcmdBitExact, LeakyReluWithBnShifts) {
  for (uint32_t shift : {4u, 8u}) {
    const rknn::RegcmdProgram program = ConvProgram(Case{}, platform_, rng_, [&](isa::RegcmdTask& r) {
      r.bs_mul_shift = 0;
      r.bn_mul = r.bn_prelu = true, r.bn_mul_operand = 1638;
      r.bn_mul_shift = shift, r.bn_prelu_neg_shift = shift;
      r.out_shift = 36 - shift;
    });
    ExpectSameBytes(program, platform_, RandomBytes(program.program.inputs[0].surface.bytes(), rng_));
  }
}

// retinaface_rv1106's ReLU tasks (input and output zero point -128): DPU IN_OFFSET 128, BS ReLU at
// 0, output offset -128 and unit scale are the identity, in both executions.
TEST_F(RegcmdBitExact, DpuOnlyReluOfZeroPointMinus128IsTheIdentity) {
  const rknn::RegcmdProgram program = DpuProgram(20, 5, 6, platform_, [](isa::RegcmdTask& r) {
    r.in_offset = 128;
    r.bs_relu = true, r.bs_relu_min = 0, r.bs_relu_max = isa::RegcmdTask::kNoMax;
    r.out_scale = 1, r.out_shift = 0, r.out_offset = -128;
  });
  const std::vector<uint8_t> input = RandomBytes(program.program.inputs[0].surface.bytes(), rng_);
  const std::vector<std::vector<uint8_t>> reference = rknn::RunRegcmdReference(program, {input});
  const sim::SimulationResult simulated = sim::Simulate(program.program, platform_, {input});
  ASSERT_EQ(simulated.outputs.size(), 1u);
  EXPECT_EQ(simulated.outputs[0], reference[0]);
  const isa::Surface& s = program.program.inputs[0].surface;
  for (uint32_t c = 0; c < s.channels; ++c)
    for (uint32_t y = 0; y < s.height; ++y)
      for (uint32_t x = 0; x < s.width; ++x)
        ASSERT_EQ(reference[0][s.Offset(c, y, x)], input[s.Offset(c, y, x)]) << c << "," << y << "," << x;
}

// A requantizing Concat input (IN_OFFSET = the input's negated zero point, then a scale).
TEST_F(RegcmdBitExact, DpuOnlyRequantizationWithInputOffset) {
  const rknn::RegcmdProgram program = DpuProgram(20, 5, 6, platform_, [](isa::RegcmdTask& r) {
    r.in_offset = 11;
    r.bs_relu = true, r.bs_relu_min = 0, r.bs_relu_max = isa::RegcmdTask::kNoMax;
    r.out_scale = 26736, r.out_shift = 15, r.out_offset = -125;
  });
  ExpectSameBytes(program, platform_, RandomBytes(program.program.inputs[0].surface.bytes(), rng_));
}

}  // namespace
}  // namespace rknnsim
