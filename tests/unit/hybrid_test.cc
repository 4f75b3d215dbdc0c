// Hybrid quantization (compiler/quant/hybrid.h, docs/quantization.md §17): the step-1 YAML round
// trip and its errors, the graph rewrite, the boundary arithmetic (reference functions against
// the DPU kernel, exhaustively), and model files that store a hybrid program.
#include "compiler/quant/hybrid.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "common/fp16.h"
#include "compiler/lower/lowering.h"
#include "compiler/lower/placement.h"
#include "compiler/quant/arithmetic.h"
#include "compiler/reference/quant_executor.h"
#include "isa/platform_config.h"
#include "runtime/model_file.h"
#include "sim/kernels/npu_kernels.h"
#include "tests/ops/one_op_graph.h"
#include "tests/unit/unit_test_support.h"

namespace rknnsim {
namespace {

using testing_support::ErrorOf;
using testing_support::OneOpGraph;

// input -> Conv+Relu -> Sigmoid -> Conv -> output, int8-quantized on random samples.
struct Fixture {
  ir::Graph graph;
  std::vector<quant::TensorRange> ranges;
};

Fixture MakeQuantized() {
  OneOpGraph b;
  const int x = b.Input({1, 8, 6, 6});
  ir::Attributes conv = testing_support::Window(3, 1, 1);
  conv.activation = ir::Activation::kRelu;
  const int c1 = b.Node(ir::OpKind::kConv, {x, b.Const({8, 8, 3, 3}, 0.3f), b.Const({8}, 0.1f)}, conv);
  const int s = b.Node(ir::OpKind::kSigmoid, {c1});
  b.Node(ir::OpKind::kConv, {s, b.Const({16, 8, 1, 1}, 0.5f), b.Const({16}, 0.1f)}, testing_support::Window(1, 1, 0));
  Fixture f;
  f.graph = b.graph();
  f.ranges = quant::CalibrateMinMax(f.graph, testing_support::RandomSamples(f.graph, 3));
  quant::QuantizeInt8(f.graph, f.ranges);
  return f;
}

std::string WithLayers(std::string text, const std::string& layers) {
  const std::string empty = "custom_quantize_layers: {}\n";
  const size_t at = text.find(empty);
  EXPECT_NE(at, std::string::npos);
  return text.replace(at, empty.size(), "custom_quantize_layers:\n" + layers);
}

TEST(HybridConfig, StepOneTextRoundTripsAndMatchesTheBuild) {
  const Fixture f = MakeQuantized();
  const std::string text = quant::HybridConfigText(f.graph, f.ranges, "net.onnx");
  EXPECT_NE(text.find("\ncustom_quantize_layers: {}\nquantize_parameters:\n"), std::string::npos);
  EXPECT_NE(text.find("\n#       /Conv_0_out: float16\n"), std::string::npos);  // the how-to names a real layer
  const quant::HybridConfig cfg = quant::ParseHybridConfig(text, "net.quantization.cfg");
  EXPECT_TRUE(cfg.custom_layers.empty());
  // Input, three outputs, two weights and two biases, each with the build's exact parameters.
  ASSERT_EQ(cfg.parameters.size(), 8u);
  EXPECT_EQ(cfg.parameters[0].first, "in0");
  const ir::Tensor& in = f.graph.tensor(f.graph.inputs()[0]);
  EXPECT_EQ(cfg.parameters[0].second.scale, in.quant.scale);
  EXPECT_EQ(cfg.parameters[0].second.zero_point, in.quant.zero_point);
  EXPECT_EQ(cfg.parameters[0].second.dtype, "int8");
  const std::vector<bool> fp16 = quant::Float16Nodes(f.graph, f.ranges, cfg);
  EXPECT_EQ(fp16, std::vector<bool>(3, false));
}

TEST(HybridConfig, LayersByOutputTensorOrNodeName) {
  const Fixture f = MakeQuantized();
  const std::string text = quant::HybridConfigText(f.graph, f.ranges, "net.onnx");
  const std::string sigmoid_out = f.graph.tensor(f.graph.nodes()[1].outputs[0]).name;
  const std::string edited =
      WithLayers(text, "    " + sigmoid_out + ": float16\n    " + f.graph.nodes()[2].name + ": float16\n    " +
                           f.graph.nodes()[0].name + ": int8\n");
  const quant::HybridConfig cfg = quant::ParseHybridConfig(edited, "x.cfg");
  ASSERT_EQ(cfg.custom_layers.size(), 3u);
  EXPECT_EQ(quant::Float16Nodes(f.graph, f.ranges, cfg), (std::vector<bool>{false, true, true}));
  // Flow style, as the toolkit's own tips show, parses the same way.
  const std::string flow = WithLayers(text, "    {" + sigmoid_out + ": float16}\n");
  EXPECT_EQ(quant::Float16Nodes(f.graph, f.ranges, quant::ParseHybridConfig(flow, "x.cfg")),
            (std::vector<bool>{false, true, false}));
}

TEST(HybridConfig, ClearErrors) {
  const Fixture f = MakeQuantized();
  const std::string text = quant::HybridConfigText(f.graph, f.ranges, "net.onnx");
  const auto nodes = [&](const std::string& s) {
    return ErrorOf([&] { quant::Float16Nodes(f.graph, f.ranges, quant::ParseHybridConfig(s, "m.cfg")); });
  };
  EXPECT_NE(nodes(WithLayers(text, "    /nope: float16\n")).find("m.cfg:16: unknown layer '/nope'"), std::string::npos);
  EXPECT_NE(nodes(WithLayers(text, "    /Conv_0: fp32\n")).find("unknown dtype 'fp32'"), std::string::npos);
  EXPECT_NE(nodes(WithLayers(text, "    /Conv_0: int16\n")).find("int16"), std::string::npos);
  EXPECT_NE(nodes(WithLayers(text, "    /Conv_0: float16\n    /Conv_0: int8\n")).find("listed twice"),
            std::string::npos);
  EXPECT_NE(nodes(WithLayers(text, "    in0: float16\n")).find("is a model input"), std::string::npos);
  EXPECT_NE(nodes(WithLayers(text, "    c1: float16\n")).find("is a constant"), std::string::npos);
  EXPECT_NE(nodes(WithLayers(text, "    /Conv_0: [float16]\n")).find("must be a single value"), std::string::npos);
  EXPECT_NE(nodes("custom_quantize_layers:\n  - /Conv_0\n").find("must map layer names to dtypes"), std::string::npos);
  EXPECT_NE(nodes("custom_quantize_layers: {\n").find("malformed YAML"), std::string::npos);
  EXPECT_NE(nodes("just text\n").find("not a hybrid quantization config"), std::string::npos);
  EXPECT_NE(nodes("quantize_parameters: {}\n").find("no `custom_quantize_layers:` section"), std::string::npos);
  EXPECT_NE(nodes("custom_quantize_layers: {}\nlayers: {}\n").find("unknown section 'layers'"), std::string::npos);
  EXPECT_NE(nodes("").find("not a hybrid quantization config"), std::string::npos);
  // quantize_parameters is read-only: edits are refused, not ignored.
  std::string edited = text;
  const size_t zp = edited.find("zero_point: [", edited.find("    /Sigmoid_1_out:"));
  ASSERT_NE(zp, std::string::npos);
  const size_t begin = zp + std::string("zero_point: [").size();
  const std::string old = edited.substr(begin, edited.find(']', begin) - begin);
  edited.replace(begin, old.size(), old == "5" ? "6" : "5");
  EXPECT_NE(nodes(edited).find("zero_point of '/Sigmoid_1_out' differs"), std::string::npos);
  std::string scale = text;
  scale.replace(scale.find("scale: [") + 8, 1, "9");
  EXPECT_NE(nodes(scale).find("scale of 'in0' differs"), std::string::npos);
  std::string field = text;
  field.insert(field.find("        qtype:"), "        bits: 8\n");
  EXPECT_NE(nodes(field).find("unknown field 'bits'"), std::string::npos);
  std::string number = text;
  number.replace(number.find("min: [") + 6, 0, "abc, ");
  EXPECT_NE(nodes(number).find("not a number"), std::string::npos);
  EXPECT_NE(nodes("custom_quantize_layers: {}\nquantize_parameters:\n    ghost:\n        dtype: int8\n")
                .find("unknown tensor 'ghost'"),
            std::string::npos);
  // Without the parameters section only the layers are checked.
  EXPECT_EQ(nodes("custom_quantize_layers:\n    /Conv_2: float16\n"), "(no error)");
}

TEST(HybridGraph, ConvertsAtEveryBoundary) {
  Fixture f = MakeQuantized();
  // Only the Sigmoid in fp16: int8 -> fp16 before it, fp16 -> int8 after it.
  EXPECT_EQ(quant::MakeHybrid(f.graph, {false, true, false}), 2);
  const auto& nodes = f.graph.nodes();
  ASSERT_EQ(nodes.size(), 5u);
  EXPECT_EQ(nodes[1].op, ir::OpKind::kConvert);
  EXPECT_EQ(nodes[3].op, ir::OpKind::kConvert);
  EXPECT_EQ(f.graph.tensor(nodes[1].outputs[0]).dtype, ir::DType::kFloat16);
  EXPECT_EQ(f.graph.tensor(nodes[2].outputs[0]).dtype, ir::DType::kFloat16);
  EXPECT_TRUE(f.graph.tensor(nodes[2].outputs[0]).quant.empty());
  // The fp16 -> int8 side keeps the sigmoid output's calibrated int8 parameters.
  const ir::Tensor& back = f.graph.tensor(nodes[3].outputs[0]);
  EXPECT_EQ(back.dtype, ir::DType::kInt8);
  EXPECT_EQ(back.quant.scale, quant::AsymmetricInt8(f.ranges[nodes[2].outputs[0]].min,
                                                     f.ranges[nodes[2].outputs[0]].max).scale);
  EXPECT_EQ(nodes[4].inputs[0], nodes[3].outputs[0]);
}

TEST(HybridGraph, Fp16ConvHasFp16WeightsAndFloatBiasAndSharedWeightsAreCopied) {
  OneOpGraph b;
  const int x = b.Input({1, 8, 4, 4});
  const int w = b.Const({8, 8, 1, 1}, 0.5f), bias = b.Const({8}, 0.1f);
  const int c1 = b.Node(ir::OpKind::kConv, {x, w, bias}, testing_support::Window(1, 1, 0));
  b.Node(ir::OpKind::kConv, {c1, w, bias}, testing_support::Window(1, 1, 0));
  ir::Graph g = b.graph();
  quant::QuantizeInt8(g, quant::CalibrateMinMax(g, testing_support::RandomSamples(g, 2)));
  const std::vector<uint8_t> int8_weights = g.tensor(w).bytes;
  EXPECT_EQ(quant::MakeHybrid(g, {false, true}), 1);
  const ir::Node& conv2 = g.nodes()[2];
  const ir::Tensor& w16 = g.tensor(conv2.inputs[1]);
  EXPECT_NE(conv2.inputs[1], w);  // a copy: the int8 conv keeps its int8 weights
  EXPECT_EQ(g.tensor(w).bytes, int8_weights);
  EXPECT_EQ(w16.dtype, ir::DType::kFloat16);
  ASSERT_EQ(w16.bytes.size(), w16.float_data.size() * 2);
  uint16_t h;
  std::memcpy(&h, w16.bytes.data(), 2);
  EXPECT_EQ(h, FloatToHalfBits(w16.float_data[0]));
  EXPECT_EQ(g.tensor(conv2.inputs[2]).dtype, ir::DType::kFloat32);
  EXPECT_EQ(g.tensor(g.nodes()[0].inputs[2]).dtype, ir::DType::kInt32);
}

// Worked examples of §17 (parameters of §13 A: s = 0.0223529413, z = -61).
TEST(HybridArithmetic, BoundaryConversions) {
  const float s = quant::AsymmetricInt8(-1.5f, 4.2f).scale[0];
  const int32_t z = -61;
  EXPECT_EQ(quant::DequantizeToHalf(-16, s, z), 1.005859375f);  // 1.00588238 rounds to fp16
  EXPECT_EQ(quant::DequantizeToHalf(127, s, z), 4.203125f);      // 188·s = 4.20235 -> fp16 step 2^-8
  EXPECT_EQ(quant::QuantizeHalf(1.005859375f, s, z), -16);
  EXPECT_EQ(quant::QuantizeHalf(65504.0f, s, z), 127);
  EXPECT_EQ(quant::QuantizeHalf(-INFINITY, s, z), -128);
  EXPECT_EQ(quant::QuantizeHalf(NAN, s, z), z);
  EXPECT_EQ(quant::QuantizeHalf(2.5f, 1.0f, 0), 3);    // ties away from zero
  EXPECT_EQ(quant::QuantizeHalf(-2.5f, 1.0f, 0), -3);
}

// The DPU's conversion kernel against the reference functions: every int8 value and every fp16
// bit pattern (NaN, infinities, subnormals included), on surfaces of different C2.
TEST(HybridArithmetic, DpuKernelEqualsReferenceExhaustively) {
  for (const auto& [s, z] : {std::pair{0.0223529413f, -61}, std::pair{3.5e-5f, 127}, std::pair{17.0f, -128}}) {
    isa::Task t;
    t.op = isa::TaskOp::kConvert;
    t.convert_scale = s;
    t.input = {0, 256, 1, 1, 16, isa::ElemType::kInt8};
    t.output = {0, 256, 1, 1, 8, isa::ElemType::kFp16};
    t.input_zp = z;
    std::vector<uint8_t> in(256), out(t.output.bytes());
    for (int q = -128; q < 128; ++q) in[t.input.Offset(static_cast<uint32_t>(q + 128), 0, 0)] = static_cast<uint8_t>(q);
    sim::ConvertSurface(t, in.data(), out.data());
    for (int q = -128; q < 128; ++q) {
      uint16_t h;
      std::memcpy(&h, out.data() + t.output.Offset(static_cast<uint32_t>(q + 128), 0, 0), 2);
      ASSERT_EQ(h, FloatToHalfBits(quant::DequantizeToHalf(static_cast<int8_t>(q), s, z))) << q;
    }
    isa::Task back = t;
    back.input = {0, 65536, 1, 1, 1, isa::ElemType::kFp16};  // a linear (CPU-layout) surface
    back.output = {0, 65536, 1, 1, 1, isa::ElemType::kInt8};
    back.input_zp = 0, back.output_zp = z;
    std::vector<uint8_t> halves(65536 * 2), q8(65536);
    for (uint32_t bits = 0; bits < 65536; ++bits) {
      const uint16_t h = static_cast<uint16_t>(bits);
      std::memcpy(halves.data() + 2 * bits, &h, 2);
    }
    sim::ConvertSurface(back, halves.data(), q8.data());
    for (uint32_t bits = 0; bits < 65536; ++bits)
      ASSERT_EQ(static_cast<int8_t>(q8[bits]), quant::QuantizeHalf(HalfBitsToFloat(static_cast<uint16_t>(bits)), s, z))
          << bits;
  }
}

TEST(HybridModelFile, StoresAndValidatesAHybridProgram) {
  Fixture f = MakeQuantized();
  quant::MakeHybrid(f.graph, {false, true, false});
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget("rk3588");
  lower::AssignPlacement(f.graph, platform);
  runtime::CompiledModel model;
  model.source_name = "hybrid";
  model.graph = f.graph;
  model.program = lower::Lower(model.graph, platform, "rk3588");
  const std::vector<uint8_t> bytes = runtime::SerializeModel(model);
  const runtime::CompiledModel back = runtime::DeserializeModel(bytes, "hybrid");
  ASSERT_EQ(back.program.tasks.size(), model.program.tasks.size());
  int converts = 0;
  for (size_t i = 0; i < back.program.tasks.size(); ++i)
    if (back.program.tasks[i].op == isa::TaskOp::kConvert) {
      ++converts;
      EXPECT_EQ(back.program.tasks[i].convert_scale, model.program.tasks[i].convert_scale);
      EXPECT_NE(back.program.tasks[i].input.type, back.program.tasks[i].output.type);
    }
  EXPECT_EQ(converts, 2);
  EXPECT_EQ(back.graph.nodes()[1].op, ir::OpKind::kConvert);
  // The reference executor runs the stored graph, with an fp16 layer inside an int8 model.
  const auto outputs = reference::RunQuantized(back.graph, testing_support::RandomSamples(back.graph, 1)[0]);
  ASSERT_EQ(outputs.int8.size(), 1u);
  EXPECT_TRUE(outputs.fp16.empty());

  for (const auto& [corrupt, message] :
       std::vector<std::pair<std::function<void(isa::Task&)>, std::string>>{
           {[](isa::Task& t) { t.output.type = t.input.type; }, "of the same type"},
           {[](isa::Task& t) { t.convert_scale = -1.0f; }, "not a positive finite number"},
           {[](isa::Task& t) { t.convert_scale = NAN; }, "not a positive finite number"}}) {
    runtime::CompiledModel bad = model;
    for (isa::Task& t : bad.program.tasks)
      if (t.op == isa::TaskOp::kConvert) {
        corrupt(t);
        break;
      }
    const std::string error = ErrorOf([&] { runtime::DeserializeModel(runtime::SerializeModel(bad), "bad"); });
    EXPECT_NE(error.find(message), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace rknnsim
