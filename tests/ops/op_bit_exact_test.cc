// Per-op golden tests of the compiler backend: each lowered op, at shapes that need tiling, odd
// channel counts and every window setting, runs on the SystemC platform and must equal the
// int8 (or fp16) reference executor bit for bit. The target comes from RKNN_SIM_TEST_TARGET
// (one platform per process: SystemC elaborates once).
#include <cstdlib>
#include <cstring>
#include <random>

#include <gtest/gtest.h>

#include "compiler/lower/lowering.h"
#include "compiler/lower/placement.h"
#include "compiler/ops/op_def.h"
#include "compiler/passes/lower_conv_transpose.h"
#include "compiler/quant/calibration.h"
#include "compiler/quant/quantizer.h"
#include "compiler/reference/quant_executor.h"
#include "runtime/cpu_runner.h"
#include "runtime/tensor_io.h"
#include "sim/simulator.h"
#include "tests/ops/one_op_graph.h"

namespace rknnsim {
namespace {

using testing_support::OneOpGraph;
using testing_support::Target;
using testing_support::Window;

// Quantizes (or converts to fp16), lowers, simulates and compares with the reference.
// `config`: quantized_algorithm / quantized_method (the default is normal / channel, min/max);
// `lowered` receives the program.
void ExpectBitExact(ir::Graph g, bool fp16 = false, const quant::QuantConfig& config = {},
                    isa::Program* lowered = nullptr) {
  const std::vector<quant::Sample> samples = testing_support::RandomSamples(g, 2);
  if (fp16)
    quant::ConvertToFp16(g);
  else
    quant::QuantizeInt8(g, quant::Calibrate(g, samples, config), quant::WeightOptionsFor(config));
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(Target());
  lower::AssignPlacement(g, platform);
  runtime::CompiledModel model;
  model.graph = g;
  model.program = lower::Lower(g, platform, Target());
  const isa::Program& program = model.program;
  if (lowered) *lowered = program;
  const sim::CpuOpRunner cpu_runner = runtime::MakeCpuRunner(model);
  for (const quant::Sample& sample : samples) {
    std::vector<std::vector<uint8_t>> packed;
    for (size_t i = 0; i < sample.size(); ++i) packed.push_back(runtime::PackInput(sample[i], program.inputs[i]));
    const sim::SimulationResult result = sim::Simulate(program, platform, packed, &cpu_runner);
    const auto expected = reference::DequantizeOutputs(g, reference::RunQuantized(g, sample));
    ASSERT_EQ(result.outputs.size(), expected.size());
    for (size_t o = 0; o < expected.size(); ++o) {
      const std::vector<float> actual = runtime::UnpackOutput(result.outputs[o], program.outputs[o]);
      ASSERT_EQ(actual.size(), expected[o].size());
      size_t mismatches = 0, first = 0;
      for (size_t i = 0; i < actual.size(); ++i)
        if (std::memcmp(&actual[i], &expected[o][i], sizeof(float)) != 0 && mismatches++ == 0) first = i;
      EXPECT_EQ(mismatches, 0u) << "first mismatch at " << first << ": platform " << actual[first]
                                << " reference " << expected[o][first] << " (" << program.tasks.size() << " tasks)";
    }
  }
}

struct ConvCase {
  const char* name;
  int64_t cin, cout, h, w, k, stride, pad, dilation, group;
  ir::Activation act;
};

class ConvBitExact : public ::testing::TestWithParam<ConvCase> {};

TEST_P(ConvBitExact, PlatformEqualsReference) {
  const ConvCase& c = GetParam();
  for (bool fp16 : {false, true}) {
    OneOpGraph b;
    const int x = b.Input({1, c.cin, c.h, c.w});
    const int w = b.Const({c.cout, c.cin / c.group, c.k, c.k}, 0.3f);
    const int bias = b.Const({c.cout}, 0.5f);
    ir::Attributes a = Window(c.k, c.stride, c.pad, c.dilation);
    a.group = c.group;
    a.activation = c.act;
    a.clip_min = 0.0f, a.clip_max = 6.0f;
    b.Node(ir::OpKind::kConv, {x, w, bias}, a);
    SCOPED_TRACE(fp16 ? "fp16" : "int8");
    ExpectBitExact(b.graph(), fp16);
  }
}

// DDR keeps a weight image it already holds, and the MAC array's weight cache trusts DDR's epoch
// for it instead of comparing bytes (DmaPort::UnchangedSince): programs of one layout but other
// weights, run in turn (each twice), must each still equal their own reference.
TEST(ConvBitExactInTurn, ProgramsOfOneLayoutWithOtherWeights) {
  const auto graph = [](bool other_weights) {
    OneOpGraph b;
    const int x = b.Input({1, 24, 14, 14});
    // The builder draws constants from one seed in order: the bias first gives the weights other
    // values of the same shape.
    const int early_bias = other_weights ? b.Const({32}, 0.5f) : -1;
    const int w = b.Const({32, 24, 3, 3}, 0.3f);
    const int bias = other_weights ? early_bias : b.Const({32}, 0.5f);
    b.Node(ir::OpKind::kConv, {x, w, bias}, Window(3, 1, 1, 1));
    return b.graph();
  };
  for (bool other : {false, true, false}) {
    SCOPED_TRACE(other ? "other weights" : "first weights");
    ExpectBitExact(graph(other));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, ConvBitExact,
    ::testing::Values(ConvCase{"first_layer_3x3", 3, 16, 32, 32, 3, 1, 1, 1, 1, ir::Activation::kRelu},
                      ConvCase{"odd_channels_stride2", 13, 37, 17, 19, 3, 2, 1, 1, 1, ir::Activation::kNone},
                      ConvCase{"pointwise_many_groups", 64, 96, 9, 7, 1, 1, 0, 1, 1, ir::Activation::kClip},
                      ConvCase{"dilated_5x5", 8, 24, 21, 21, 5, 1, 4, 2, 1, ir::Activation::kRelu},
                      ConvCase{"row_tiling", 32, 16, 112, 112, 3, 1, 1, 1, 1, ir::Activation::kRelu},
                      ConvCase{"kernel_group_tiling", 256, 320, 6, 6, 3, 1, 1, 1, 1, ir::Activation::kNone},
                      ConvCase{"depthwise_3x3", 32, 32, 20, 20, 3, 1, 1, 1, 32, ir::Activation::kClip},
                      ConvCase{"depthwise_odd_stride2", 40, 40, 15, 13, 3, 2, 1, 1, 40, ir::Activation::kRelu},
                      ConvCase{"depthwise_5x5_tiled", 96, 96, 64, 64, 5, 1, 2, 1, 96, ir::Activation::kNone},
                      // One 5-row window of all 488 channels outgrows every platform's CBUF: the
                      // tiler cuts by channel chunks, each loading only its own C1 surfaces.
                      ConvCase{"depthwise_channel_chunks", 488, 488, 6, 200, 5, 1, 2, 1, 488, ir::Activation::kRelu}),
    [](const ::testing::TestParamInfo<ConvCase>& info) { return std::string(info.param.name); });

TEST(PoolBitExact, MaxPoolWindows) {
  for (const auto& [k, s, p] : {std::tuple{2, 2, 0}, std::tuple{3, 2, 1}, std::tuple{3, 1, 1}}) {
    for (bool fp16 : {false, true}) {
      OneOpGraph b;
      const int x = b.Input({1, 24, 17, 18});
      b.Node(ir::OpKind::kMaxPool, {x}, Window(k, s, p));
      ExpectBitExact(b.graph(), fp16);
    }
  }
}

TEST(PoolBitExact, CeilModeWindowEntirelyInPadding) {
  for (bool fp16 : {false, true}) {
    OneOpGraph b;
    const int x = b.Input({1, 8, 4, 4});
    ir::Attributes a = Window(2, 2, 0);
    a.pads = {0, 0, 1, 1};
    a.ceil_mode = true;  // output 3x3: the last row and column of windows hold only padding
    b.Node(ir::OpKind::kMaxPool, {x}, a);
    ExpectBitExact(b.graph(), fp16);
  }
}

// AveragePool on the PPU when every window divides by kh·kw: padding counted
// (count_include_pad=1), or no padding at all; odd channels, strides, a wide map, and a ceil_mode
// window that still ends within the pads.
TEST(PoolBitExact, AveragePoolUniformWindows) {
  struct Case {
    int64_t c, h, w, k, s, pad;
    bool count_include_pad, ceil_mode;
  };
  for (const Case& c : {Case{13, 17, 18, 3, 1, 1, true, false}, Case{24, 16, 12, 2, 2, 0, false, false},
                        Case{21, 15, 15, 3, 2, 1, true, false}, Case{64, 56, 56, 3, 2, 1, true, false},
                        Case{8, 7, 7, 3, 2, 1, true, true}, Case{5, 9, 11, 5, 1, 2, true, false}}) {
    for (bool fp16 : {false, true}) {
      OneOpGraph b;
      const int x = b.Input({1, c.c, c.h, c.w});
      ir::Attributes a = Window(c.k, c.s, c.pad);
      a.count_include_pad = c.count_include_pad;
      a.ceil_mode = c.ceil_mode;
      b.Node(ir::OpKind::kAveragePool, {x}, a);
      SCOPED_TRACE("c" + std::to_string(c.c) + " k" + std::to_string(c.k) + " s" + std::to_string(c.s) + " p" +
                   std::to_string(c.pad) + (fp16 ? " fp16" : " int8"));
      EXPECT_TRUE(lower::IsNpuAveragePool(b.graph(), b.graph().nodes()[0]));
      ExpectBitExact(b.graph(), fp16);
    }
  }
}

// Windows with different divisors stay on the CPU: padding not counted, or a ceil_mode window
// reaching beyond the pads (5x5, k2 s2 no pads, ceil_mode: the last window covers one column).
TEST(PoolBitExact, AveragePoolVaryingWindowsRunOnTheCpu) {
  for (bool count_include_pad : {false, true}) {
    OneOpGraph b;
    const int x = b.Input({1, 6, 5, 5});
    ir::Attributes a = Window(3, 2, 1);
    a.count_include_pad = count_include_pad;
    if (count_include_pad) a.kernel = {2, 2}, a.pads = {0, 0, 0, 0}, a.ceil_mode = true;
    b.Node(ir::OpKind::kAveragePool, {x}, a);
    EXPECT_FALSE(lower::IsNpuAveragePool(b.graph(), b.graph().nodes()[0]));
    ExpectBitExact(b.graph());
  }
}

TEST(PoolBitExact, GlobalAveragePool) {
  for (bool fp16 : {false, true}) {
    OneOpGraph b;
    const int x = b.Input({1, 40, 7, 9});
    b.Node(ir::OpKind::kGlobalAveragePool, {x});
    ExpectBitExact(b.graph(), fp16);
  }
}

TEST(EltwiseBitExact, AddWithRelu) {
  for (bool fp16 : {false, true}) {
    OneOpGraph b;
    const int x = b.Input({1, 21, 11, 13});
    const int y = b.Input({1, 21, 11, 13});
    ir::Attributes a;
    a.activation = ir::Activation::kRelu;
    b.Node(ir::OpKind::kAdd, {x, y}, a);
    ExpectBitExact(b.graph(), fp16);
  }
}

// Unary activations run as DPU lookup tables in int8 (fp16 graphs run them on the CPU).
TEST(LutBitExact, Activations) {
  for (ir::OpKind op : {ir::OpKind::kSigmoid, ir::OpKind::kSwish, ir::OpKind::kLeakyRelu, ir::OpKind::kHardSwish,
                        ir::OpKind::kTanh}) {
    for (bool fp16 : {false, true}) {
      OneOpGraph b;
      const int x = b.Input({1, 19, 9, 11});
      ir::Attributes a;
      a.alpha = 0.1f;  // LeakyRelu slope
      b.Node(op, {x}, a);
      SCOPED_TRACE(ops::GetOpDef(op).onnx_name);
      ExpectBitExact(b.graph(), fp16);
    }
  }
}

// A conv whose only reader is a lookup-table activation runs it in its own DPU pass (RKNN's
// ConvExSwish, ConvSigmoid): one layer, no separate lookup task, every row and kernel tile mapped,
// the same bytes as the two nodes in sequence. Odd channels leave a partial C2 atom.
TEST(LutBitExact, FusedIntoTheConvolution) {
  for (ir::OpKind op : {ir::OpKind::kSwish, ir::OpKind::kSigmoid, ir::OpKind::kLeakyRelu}) {
    OneOpGraph b;
    const int x = b.Input({1, 24, 160, 160});  // 600 KiB of input: row tiles on every platform's CBUF
    const int w = b.Const({37, 24, 3, 3}, 0.3f);
    const int bias = b.Const({37}, 0.5f);
    const int conv = b.Node(ir::OpKind::kConv, {x, w, bias}, Window(3, 1, 1));
    ir::Attributes a;
    a.alpha = 0.1f;  // LeakyRelu slope
    b.Node(op, {conv}, a);
    SCOPED_TRACE(ops::GetOpDef(op).onnx_name);
    isa::Program program;
    ExpectBitExact(b.graph(), false, {}, &program);
    ASSERT_EQ(program.layers.size(), 1u);
    EXPECT_EQ(program.layers[0].op_type, op == ir::OpKind::kSwish ? "ConvExSwish" : "Conv" + std::string(
                                                                         ops::GetOpDef(op).onnx_name));
    EXPECT_GT(program.tasks.size(), 1u) << "the case should tile";
    for (const isa::Task& t : program.tasks) {
      EXPECT_EQ(t.op, isa::TaskOp::kConv);
      EXPECT_TRUE(t.fused_lut);
    }
  }
}

// An activation that reads a graph output, or a conv with two readers, stays a task of its own.
TEST(LutBitExact, NotFusedWhenThePreActivationIsRead) {
  OneOpGraph b;
  const int x = b.Input({1, 16, 12, 12});
  const int conv = b.Node(ir::OpKind::kConv, {x, b.Const({16, 16, 1, 1}, 0.3f), b.Const({16}, 0.5f)}, Window(1, 1, 0));
  const int act = b.Node(ir::OpKind::kSigmoid, {conv});
  b.graph().outputs() = {conv, act};
  isa::Program program;
  ExpectBitExact(b.graph(), false, {}, &program);
  ASSERT_EQ(program.tasks.size(), 2u);
  EXPECT_FALSE(program.tasks[0].fused_lut);
  EXPECT_EQ(program.tasks[1].op, isa::TaskOp::kLut);
}

// A conv whose only reader is a same-shape Add runs it in its own DPU pass (RKNN's ConvAdd,
// ConvReluAdd): one layer, no separate add task, every row and kernel tile adding the same pixels
// of the other operand; the same bytes as the two nodes in sequence, with the conv as either
// input of the Add, a ReLU on either, and a partial last C2 atom (37 channels).
TEST(AddBitExact, FusedIntoTheConvolution) {
  for (int conv_input : {0, 1})
    for (bool relu_on_conv : {false, true}) {
      OneOpGraph b;
      const int x = b.Input({1, 24, 160, 160});  // row tiles on every platform's CBUF
      const int skip = b.Input({1, 37, 160, 160});
      ir::Attributes conv_attrs = Window(3, 1, 1), add_attrs;
      (relu_on_conv ? conv_attrs : add_attrs).activation = ir::Activation::kRelu;
      const int conv = b.Node(ir::OpKind::kConv, {x, b.Const({37, 24, 3, 3}, 0.3f), b.Const({37}, 0.5f)}, conv_attrs);
      b.Node(ir::OpKind::kAdd, conv_input == 0 ? std::vector<int>{conv, skip} : std::vector<int>{skip, conv}, add_attrs);
      SCOPED_TRACE("conv is input " + std::to_string(conv_input) + (relu_on_conv ? ", ConvRelu" : ", AddRelu"));
      isa::Program program;
      ExpectBitExact(b.graph(), false, {}, &program);
      ASSERT_EQ(program.layers.size(), 1u);
      EXPECT_EQ(program.layers[0].op_type, relu_on_conv ? "ConvReluAdd" : "ConvAddRelu");
      EXPECT_EQ(program.layers[0].input_shapes.back(), (std::vector<int64_t>{1, 37, 160, 160}));
      EXPECT_GT(program.tasks.size(), 1u) << "the case should tile";
      for (const isa::Task& t : program.tasks) {
        EXPECT_EQ(t.op, isa::TaskOp::kConv);
        EXPECT_TRUE(t.fused_add);
      }
    }
}

// Add(conv_a(x), conv_b(x)): when conv_a runs, conv_b's tensor does not exist yet, so only conv_b
// takes the Add (its operand, conv_a's tensor, is stored); an Add whose conv tensor has a second
// reader stays a task of its own.
TEST(AddBitExact, FusedOnlyWhereTheOperandExists) {
  {
    OneOpGraph b;
    const int x = b.Input({1, 16, 12, 12});
    const int a = b.Node(ir::OpKind::kConv, {x, b.Const({16, 16, 1, 1}, 0.3f), b.Const({16}, 0.5f)}, Window(1, 1, 0));
    const int c = b.Node(ir::OpKind::kConv, {x, b.Const({16, 16, 3, 3}, 0.2f), b.Const({16}, 0.1f)}, Window(3, 1, 1));
    b.Node(ir::OpKind::kAdd, {a, c});
    isa::Program program;
    ExpectBitExact(b.graph(), false, {}, &program);
    ASSERT_EQ(program.tasks.size(), 2u);
    EXPECT_FALSE(program.tasks[0].fused_add);
    EXPECT_TRUE(program.tasks[1].fused_add);
    EXPECT_EQ(program.tasks[1].input2.addr, program.tasks[0].output.addr);
  }
  {
    OneOpGraph b;
    const int x = b.Input({1, 16, 12, 12});
    const int conv = b.Node(ir::OpKind::kConv, {x, b.Const({16, 16, 1, 1}, 0.3f), b.Const({16}, 0.5f)}, Window(1, 1, 0));
    const int sum = b.Node(ir::OpKind::kAdd, {conv, x});
    b.graph().outputs() = {conv, sum};
    isa::Program program;
    ExpectBitExact(b.graph(), false, {}, &program);
    ASSERT_EQ(program.tasks.size(), 2u);
    EXPECT_FALSE(program.tasks[0].fused_add);
    EXPECT_EQ(program.tasks[1].op, isa::TaskOp::kEltwiseAdd);
  }
}

// Channel concatenation as DPU copies into C2-aligned slices (48 = 16·3: aligned on every
// platform's C2), with a ragged last input and per-input requantization in int8.
TEST(ConcatBitExact, ChannelSlices) {
  for (bool fp16 : {false, true}) {
    OneOpGraph b;
    const int x = b.Input({1, 48, 9, 7});
    const int y = b.Input({1, 16, 9, 7});
    const int z = b.Input({1, 5, 9, 7});
    ir::Attributes a;
    a.axis = 1;
    b.Node(ir::OpKind::kConcat, {x, y, z}, a);
    ExpectBitExact(b.graph(), fp16);
  }
}

TEST(SplitBitExact, ChannelSlices) {
  for (bool fp16 : {false, true}) {
    OneOpGraph b;
    const int x = b.Input({1, 69, 6, 10});
    ir::Attributes a;
    a.axis = 1;
    a.ints = {32, 32, 5};
    ir::Node n;
    n.op = ir::OpKind::kSplit;
    n.name = "/split";
    n.inputs = {x};
    n.attrs = a;
    for (int64_t c : a.ints) {
      ir::Tensor t;
      t.name = "/split_out" + std::to_string(n.outputs.size());
      t.shape = {1, c, 6, 10};
      n.outputs.push_back(b.graph().AddTensor(t));
    }
    b.graph().nodes().push_back(n);
    b.graph().outputs() = n.outputs;
    ExpectBitExact(b.graph(), fp16);
  }
}

// Nearest Resize/Upsample by integer factors as a DPU data-movement task: the YOLO ×2 case, odd
// channels, unequal factors, and a map (half_pixel + round_prefer_floor) that still reads o / f.
struct ResizeCase {
  const char* name;
  int64_t c, h, w;
  float fh, fw;
  const char* coordinate_mode;
  const char* nearest_mode;
};

class ResizeBitExact : public ::testing::TestWithParam<ResizeCase> {};

TEST_P(ResizeBitExact, PlatformEqualsReferenceOnTheNpu) {
  const ResizeCase& c = GetParam();
  for (bool fp16 : {false, true}) {
    OneOpGraph b;
    const int x = b.Input({1, c.c, c.h, c.w});
    ir::Attributes a;
    a.mode = "nearest";
    a.coordinate_mode = c.coordinate_mode;
    a.nearest_mode = c.nearest_mode;
    a.floats = {1.0f, 1.0f, c.fh, c.fw};
    b.Node(ir::OpKind::kResize, {x}, a);
    SCOPED_TRACE(fp16 ? "fp16" : "int8");
    ir::Graph g = b.graph();
    EXPECT_TRUE(lower::IsNpuResize(g, g.nodes()[0]));
    ExpectBitExact(g, fp16);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, ResizeBitExact,
    ::testing::Values(ResizeCase{"yolo_x2_asymmetric_floor", 32, 20, 20, 2.0f, 2.0f, "asymmetric", "floor"},
                      ResizeCase{"odd_channels_half_pixel", 13, 7, 9, 2.0f, 2.0f, "half_pixel", "round_prefer_floor"},
                      ResizeCase{"unequal_factors", 5, 6, 5, 3.0f, 1.0f, "asymmetric", "floor"},
                      ResizeCase{"large_x4", 70, 40, 40, 4.0f, 4.0f, "pytorch_half_pixel", "round_prefer_floor"}),
    [](const ::testing::TestParamInfo<ResizeCase>& info) { return std::string(info.param.name); });

// config(optimization_level=2) keeps Resize on the CPU (troubleshooting manual §9.14).
TEST(ResizeBitExact, OptimizationLevelTwoRunsResizeOnTheCpu) {
  OneOpGraph b;
  const int x = b.Input({1, 8, 5, 5});
  ir::Attributes a;
  a.mode = "nearest";
  a.coordinate_mode = "asymmetric";
  a.nearest_mode = "floor";
  a.floats = {1.0f, 1.0f, 2.0f, 2.0f};
  b.Node(ir::OpKind::kResize, {x}, a);
  ir::Graph g = b.graph();
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(Target());
  EXPECT_EQ(lower::AssignPlacement(g, platform, lower::PlacementOptionsForLevel(3)), 0);
  EXPECT_EQ(lower::AssignPlacement(g, platform, lower::PlacementOptionsForLevel(2)), 1);
  EXPECT_TRUE(g.nodes()[0].on_cpu);
}

// Maps that are not o / f stay on the CPU (and still agree bit for bit, through §15): ×2 with
// round_prefer_ceil reads input 1 for output 1, a ×1.5 scale is fractional, linear blends.
TEST(ResizeBitExact, OtherMapsRunOnTheCpu) {
  for (const auto& [mode, coord, fh] : {std::tuple{"nearest", "asymmetric", 2.0f},
                                        std::tuple{"nearest", "asymmetric", 1.5f},
                                        std::tuple{"linear", "half_pixel", 2.0f}}) {
    OneOpGraph b;
    const int x = b.Input({1, 6, 5, 4});
    ir::Attributes a;
    a.mode = mode;
    a.coordinate_mode = coord;
    a.nearest_mode = "round_prefer_ceil";
    a.floats = {1.0f, 1.0f, fh, 2.0f};
    b.Node(ir::OpKind::kResize, {x}, a);
    SCOPED_TRACE(std::string(mode) + " " + coord);
    EXPECT_FALSE(lower::IsNpuResize(b.graph(), b.graph().nodes()[0]));
    ExpectBitExact(b.graph());
  }
}

// Mul of two computed tensors on the DPU: squeeze-excitation's per-channel multiplier in either
// operand order (odd channel counts, a wide map), and same-shape operands.
TEST(MulBitExact, ChannelBroadcastAndSameShape) {
  struct Case {
    ir::Shape a, b;
  };
  for (const Case& c : {Case{{1, 13, 9, 11}, {1, 13, 1, 1}}, Case{{1, 37, 1, 1}, {1, 37, 14, 14}},
                        Case{{1, 96, 56, 56}, {1, 96, 1, 1}}, Case{{1, 21, 7, 5}, {1, 21, 7, 5}},
                        Case{{1, 40}, {1, 40}}}) {
    for (bool fp16 : {false, true}) {
      OneOpGraph b;
      const int x = b.Input(c.a);
      const int s = b.Input(c.b);
      b.Node(ir::OpKind::kMul, {x, s});
      SCOPED_TRACE(ir::ShapeToString(c.a) + " * " + ir::ShapeToString(c.b) + (fp16 ? " fp16" : " int8"));
      EXPECT_TRUE(lower::IsNpuMul(b.graph(), b.graph().nodes()[0]));
      ExpectBitExact(b.graph(), fp16);
    }
  }
}

// Other broadcasts stay on the CPU.
TEST(MulBitExact, OtherBroadcastsRunOnTheCpu) {
  OneOpGraph b;
  const int x = b.Input({1, 8, 6, 5});
  const int s = b.Input({1, 1, 6, 5});
  b.Node(ir::OpKind::kMul, {x, s});
  EXPECT_FALSE(lower::IsNpuMul(b.graph(), b.graph().nodes()[0]));
  ExpectBitExact(b.graph());
}

TEST(GemmBitExact, FullyConnected) {
  for (bool fp16 : {false, true}) {
    OneOpGraph b;
    const int x = b.Input({1, 200});
    ir::Attributes a;
    a.trans_b = true;
    b.Node(ir::OpKind::kGemm, {x, b.Const({75, 200}, 0.2f), b.Const({75}, 0.3f)}, a);
    ExpectBitExact(b.graph(), fp16);
  }
}

// ConvTranspose lowered to ZeroInsert (a DPU data-movement task) + Conv (docs/quantization.md §21):
// PP-OCR det / U-Net's 2x2 stride 2, a 3x3 stride 2 with pads 1 and output_padding 1, odd channels,
// a depthwise one, and one after a Relu (int8 zero point -128, so the inserted fill is not 0).
struct DeconvCase {
  const char* name;
  int64_t cin, cout, h, w, k, stride, pad, output_padding, group;
  bool relu_first = false;
};

class DeconvBitExact : public ::testing::TestWithParam<DeconvCase> {};

TEST_P(DeconvBitExact, PlatformEqualsReferenceOnTheNpu) {
  const DeconvCase& c = GetParam();
  for (bool fp16 : {false, true}) {
    OneOpGraph b;
    int x = b.Input({1, c.cin, c.h, c.w});
    if (c.relu_first) x = b.Node(ir::OpKind::kRelu, {x});
    ir::Attributes a = Window(c.k, c.stride, c.pad);
    a.group = c.group;
    a.output_padding = {c.output_padding, c.output_padding};
    b.Node(ir::OpKind::kConvTranspose, {x, b.Const({c.cin, c.cout / c.group, c.k, c.k}, 0.3f), b.Const({c.cout}, 0.5f)},
           a);
    ir::Graph g = b.graph();
    ASSERT_EQ(passes::LowerConvTranspose(g), 1);
    SCOPED_TRACE(fp16 ? "fp16" : "int8");
    ir::Graph placed = g;
    lower::AssignPlacement(placed, isa::LoadPlatformForTarget(Target()));
    for (const ir::Node& n : placed.nodes()) {
      if (n.op == ir::OpKind::kRelu) continue;  // fp16 Relu has no lookup table: CPU
      EXPECT_FALSE(n.on_cpu) << n.name;
    }
    ExpectBitExact(g, fp16);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, DeconvBitExact,
    ::testing::Values(DeconvCase{"k2_s2_ppocr_det", 32, 16, 20, 20, 2, 2, 0, 0, 1},
                      DeconvCase{"k3_s2_p1_output_padding", 16, 24, 9, 11, 3, 2, 1, 1, 1},
                      DeconvCase{"odd_channels", 13, 7, 7, 5, 2, 2, 0, 0, 1},
                      DeconvCase{"depthwise_k4_s2_p1", 24, 24, 8, 8, 4, 2, 1, 0, 24},
                      DeconvCase{"after_relu_fill_is_zero_point", 16, 8, 6, 6, 3, 2, 1, 1, 1, true}),
    [](const ::testing::TestParamInfo<DeconvCase>& info) { return std::string(info.param.name); });

// quantized_method='layer' (one weight scale replicated per channel) and the clipped ranges and
// weights of kl_divergence / mmse go through the same per-channel DPU tables.
TEST(QuantSettingsBitExact, LayerMethodAndClippingAlgorithms) {
  for (const auto& [algorithm, method] : {std::pair{"normal", "layer"}, std::pair{"kl_divergence", "layer"},
                                          std::pair{"mmse", "layer"}, std::pair{"mmse", "channel"}}) {
    quant::QuantConfig config;
    config.quantized_algorithm = algorithm;
    config.quantized_method = method;
    SCOPED_TRACE(std::string(algorithm) + " " + method);
    for (int64_t group : {1, 48}) {  // a tiled conv over kernel groups, and a depthwise one
      OneOpGraph b;
      const int x = b.Input({1, 48, 23, 21});
      ir::Attributes a = Window(3, 1, 1);
      a.group = group;
      b.Node(ir::OpKind::kConv, {x, b.Const({48, 48 / group, 3, 3}, 0.3f), b.Const({48}, 0.5f)}, a);
      ExpectBitExact(b.graph(), false, config);
    }
    OneOpGraph b;
    ir::Attributes a;
    a.trans_b = true;
    b.Node(ir::OpKind::kGemm, {b.Input({1, 200}), b.Const({75, 200}, 0.2f), b.Const({75}, 0.3f)}, a);
    ExpectBitExact(b.graph(), false, config);
  }
}

}  // namespace
}  // namespace rknnsim
