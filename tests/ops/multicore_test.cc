// RK3588's three NPU cores (issue "NPU compiler backend", "Timing"): every core mask and every
// batch size computes the same bytes as the int8/fp16 reference, split layers report their
// per-core WorkLoad, more cores never slow a split Add down, and two models on two cores share
// DDR: faster than one after the other, slower than either alone. Runs on rk3588 only
// (RKNN_SIM_TEST_TARGET; SystemC elaborates one platform per process).
#include <cstdio>
#include <cstring>

#include <gtest/gtest.h>

#include "compiler/lower/core_split.h"
#include "compiler/lower/lowering.h"
#include "compiler/lower/placement.h"
#include "compiler/quant/quantizer.h"
#include "runtime/batch_io.h"
#include "runtime/cpu_runner.h"
#include "sim/simulator.h"
#include "tests/ops/one_op_graph.h"

namespace rknnsim {
namespace {

using testing_support::OneOpGraph;
using testing_support::Target;
using testing_support::Window;

const std::vector<std::vector<uint32_t>> kCoreSets = {{0}, {1}, {2}, {0, 1}, {0, 1, 2}};

isa::PlatformConfig Platform() { return isa::LoadPlatformForTarget(Target()); }

runtime::CompiledModel Compile(ir::Graph g, bool fp16, uint32_t batch = 1) {
  if (fp16)
    quant::ConvertToFp16(g);
  else
    quant::QuantizeInt8(g, quant::CalibrateMinMax(g, testing_support::RandomSamples(g, 2)));
  const isa::PlatformConfig platform = Platform();
  lower::AssignPlacement(g, platform);
  runtime::CompiledModel model;
  model.graph = g;
  lower::LowerOptions options;
  options.batch = batch;
  model.program = lower::Lower(g, platform, Target(), options);
  return model;
}

// `batch` random images per input, stacked.
quant::Sample StackedInputs(const runtime::CompiledModel& model, uint32_t batch) {
  quant::Sample stacked(model.graph.inputs().size());
  for (const quant::Sample& image : testing_support::RandomSamples(model.graph, batch))
    for (size_t i = 0; i < image.size(); ++i) stacked[i].insert(stacked[i].end(), image[i].begin(), image[i].end());
  return stacked;
}

// Simulates the model on every core set and compares each output byte with the reference.
void ExpectBitExactOnEveryMask(const runtime::CompiledModel& model) {
  const isa::PlatformConfig platform = Platform();
  const uint32_t batch = model.program.batch;
  const quant::Sample inputs = StackedInputs(model, batch);
  const std::vector<std::vector<float>> expected = runtime::RunReferenceModel(model, inputs);
  const sim::CpuOpRunner cpu_runner = runtime::MakeCpuRunner(model);
  for (const std::vector<uint32_t>& cores : kCoreSets) {
    SCOPED_TRACE(testing::Message() << cores.size() << " core(s) from " << cores[0] << ", batch " << batch);
    const isa::Program program = lower::AssignCores(model.program, cores);
    const sim::SimulationResult result =
        sim::Simulate(program, platform, runtime::PackModelInputs(inputs, program), &cpu_runner);
    const std::vector<std::vector<float>> actual = runtime::UnpackModelOutputs(result.outputs, program);
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t o = 0; o < expected.size(); ++o) {
      ASSERT_EQ(actual[o].size(), expected[o].size());
      EXPECT_EQ(std::memcmp(actual[o].data(), expected[o].data(), actual[o].size() * sizeof(float)), 0)
          << "output " << o;
    }
  }
}

ir::Graph ConvAddConcat() {
  OneOpGraph b;
  const int x = b.Input({1, 24, 13, 11});
  const int c = b.Node(ir::OpKind::kConv, {x, b.Const({32, 24, 3, 3}, 0.2f), b.Const({32}, 0.1f)}, Window(3, 1, 1));
  const int y = b.Input({1, 32, 13, 11});
  ir::Attributes relu;
  relu.activation = ir::Activation::kRelu;
  const int sum = b.Node(ir::OpKind::kAdd, {c, y}, relu);
  const int z = b.Input({1, 5, 13, 11});
  ir::Attributes axis;
  axis.axis = 1;
  b.Node(ir::OpKind::kConcat, {sum, c, z}, axis);
  return b.graph();
}

ir::Graph Add(int64_t channels, int64_t size) {
  OneOpGraph b;
  const int x = b.Input({1, channels, size, size});
  const int y = b.Input({1, channels, size, size});
  b.Node(ir::OpKind::kAdd, {x, y});
  return b.graph();
}

TEST(MultiCoreBitExact, EveryMaskEqualsReference) {
  for (bool fp16 : {false, true}) {
    SCOPED_TRACE(fp16 ? "fp16" : "int8");
    ExpectBitExactOnEveryMask(Compile(ConvAddConcat(), fp16));
    ExpectBitExactOnEveryMask(Compile(Add(3, 1), fp16));  // fewer lines than cores
  }
}

TEST(BatchBitExact, EveryImageEqualsReference) {
  // A CPU fallback op (Mul of two activations) checks that CPU tasks follow their image too.
  OneOpGraph b;
  const int x = b.Input({1, 16, 9, 9});
  const int c = b.Node(ir::OpKind::kConv, {x, b.Const({16, 16, 3, 3}, 0.2f), b.Const({16}, 0.1f)}, Window(3, 1, 1));
  const int m = b.Node(ir::OpKind::kMul, {c, x});
  b.Node(ir::OpKind::kAdd, {m, c});
  for (uint32_t batch : {2u, 3u}) {
    const runtime::CompiledModel model = Compile(b.graph(), false, batch);
    EXPECT_EQ(model.program.inputs[0].shape, (std::vector<int64_t>{batch, 16, 9, 9}));
    EXPECT_EQ(model.program.tasks.size() % batch, 0u);
    ExpectBitExactOnEveryMask(model);
  }
  ExpectBitExactOnEveryMask(Compile(ConvAddConcat(), true, 2));
}

TEST(MultiCoreWorkLoad, SplitLayersShareTheirWorkAndConvolutionsStayOnOneCore) {
  const runtime::CompiledModel model = Compile(ConvAddConcat(), false);
  const isa::Program program = lower::AssignCores(model.program, {0, 1, 2});
  const sim::SimulationResult result = sim::Simulate(program, Platform(), {});
  ASSERT_EQ(result.layer_workload.size(), program.layers.size());
  for (size_t l = 0; l < program.layers.size(); ++l) {
    const std::vector<double>& w = result.layer_workload[l];
    ASSERT_EQ(w.size(), 3u);
    SCOPED_TRACE(program.layers[l].name);
    EXPECT_NEAR(w[0] + w[1] + w[2], 100.0, 1e-9);
    if (program.layers[l].op_type.rfind("Conv", 0) == 0) {
      EXPECT_EQ(w, (std::vector<double>{100.0, 0.0, 0.0}));
    } else {
      for (double share : w) EXPECT_GT(share, 25.0);  // Add and Concat: split about evenly
    }
  }
  // The Add's shares follow its line split exactly: 32 channels x 13 rows = 26 lines of
  // 16-channel atoms, 9 + 9 + 8.
  size_t add = 0;
  while (program.layers[add].op_type.find("Add") == std::string::npos) ++add;
  EXPECT_NEAR(result.layer_workload[add][0], 100.0 * 9 / 26, 1e-9);
  EXPECT_NEAR(result.layer_workload[add][2], 100.0 * 8 / 26, 1e-9);

  // A single-core mask puts everything on that core.
  const sim::SimulationResult on_two = sim::Simulate(lower::AssignCores(model.program, {2}), Platform(), {});
  for (const std::vector<double>& w : on_two.layer_workload) EXPECT_EQ(w, (std::vector<double>{0.0, 0.0, 100.0}));
}

// Every run in a process gives the same timing, the first included: the C and Python APIs
// simulate many times in one process, and rknn-sim perf once. CTest runs this in a fresh process
// (timing.repeatable.*), since the first simulation of the process is the one that differed.
TEST(MultiCoreRepeatability, EveryRunInAProcessTimesTheSame) {
  const runtime::CompiledModel model = Compile(ConvAddConcat(), false);
  const isa::Program program = lower::AssignCores(model.program, {0, 1, 2});
  const sim::CpuOpRunner cpu = runtime::MakeCpuRunner(model);
  const std::vector<std::vector<uint8_t>> inputs = runtime::PackModelInputs(StackedInputs(model, 1), program);
  std::vector<sim::SimulationResult> runs;
  runs.push_back(sim::Simulate(program, Platform(), {}));
  runs.push_back(sim::Simulate(program, Platform(), inputs, &cpu));
  runs.push_back(sim::Simulate(program, Platform(), {}));
  for (size_t r = 1; r < runs.size(); ++r) {
    ASSERT_EQ(runs[r].tasks.size(), runs[0].tasks.size());
    for (size_t t = 0; t < runs[0].tasks.size(); ++t) {
      SCOPED_TRACE("run " + std::to_string(r) + ", task " + std::to_string(t));
      EXPECT_EQ(runs[r].tasks[t].dma_cycles, runs[0].tasks[t].dma_cycles);
      EXPECT_EQ(runs[r].tasks[t].total_cycles, runs[0].tasks[t].total_cycles);
      EXPECT_DOUBLE_EQ(runs[r].tasks[t].start_us, runs[0].tasks[t].start_us);
    }
    EXPECT_DOUBLE_EQ(runs[r].total_time_us, runs[0].total_time_us);
  }
}

TEST(MultiCoreTiming, MoreCoresNeverSlowASplitAdd) {
  for (int64_t size : {4, 32, 128, 256}) {
    const runtime::CompiledModel model = Compile(Add(64, size), false);
    double previous = 0;
    for (const std::vector<uint32_t>& cores : {std::vector<uint32_t>{0}, {0, 1}, {0, 1, 2}}) {
      const double us = sim::Simulate(lower::AssignCores(model.program, cores), Platform(), {}).total_time_us;
      std::printf("split Add %lldx%lld on %zu core(s): %.3f us\n", static_cast<long long>(size),
                  static_cast<long long>(size), cores.size(), us);
      if (previous > 0) {
        EXPECT_LE(us, previous * (1 + 1e-9)) << size << "x" << size << " on " << cores.size() << " cores";
      }
      previous = us;
    }
  }
}

// Convolutions (compute) followed by a large Add (DDR): two copies on two cores overlap their
// compute but share the DDR channel.
ir::Graph ComputeThenMemory() {
  OneOpGraph b;
  const int x = b.Input({1, 64, 48, 48});
  const int c = b.Node(ir::OpKind::kConv, {x, b.Const({64, 64, 3, 3}, 0.2f), b.Const({64}, 0.1f)}, Window(3, 1, 1));
  const int y = b.Input({1, 64, 48, 48});
  const int s = b.Node(ir::OpKind::kAdd, {c, y});
  b.Node(ir::OpKind::kAdd, {s, x});
  return b.graph();
}

TEST(MultiCoreTiming, TwoModelsOnTwoCoresShareDdr) {
  const isa::PlatformConfig platform = Platform();
  const runtime::CompiledModel a = Compile(ComputeThenMemory(), false);
  const runtime::CompiledModel b = Compile(Add(64, 200), false);
  const isa::Program a0 = lower::AssignCores(a.program, {0}), b0 = lower::AssignCores(b.program, {0});
  const isa::Program b1 = lower::AssignCores(b.program, {1});
  const double alone_a = sim::Simulate(a0, platform, {}).total_time_us;
  const double alone_b = sim::Simulate(b1, platform, {}).total_time_us;
  // Serially: both on core 0, one after the other (troubleshooting manual §9.9).
  const auto serial = sim::SimulateConcurrent({{&a0, {}, nullptr}, {&b0, {}, nullptr}}, platform);
  const double serial_us = std::max(serial[0].total_time_us, serial[1].total_time_us);
  EXPECT_NEAR(serial_us, alone_a + alone_b, 1e-6 * serial_us);
  const auto together = sim::SimulateConcurrent({{&a0, {}, nullptr}, {&b1, {}, nullptr}}, platform);
  const double together_us = std::max(together[0].total_time_us, together[1].total_time_us);
  std::printf("alone %.2f + %.2f us, serial %.2f us, on two cores %.2f us\n", alone_a, alone_b, serial_us,
              together_us);
  EXPECT_LT(together_us, serial_us);
  // Slowed by the other core's DDR traffic. The channel arbitrates per transaction (first
  // reserved, first served; sim/platform/ddr_memory.h), so the model that won the channel may
  // keep its time and the other one pays for both.
  EXPECT_GT(together_us, std::max(alone_a, alone_b));
  EXPECT_TRUE(together[0].total_time_us > alone_a || together[1].total_time_us > alone_b);
  // The cores did run at the same time.
  EXPECT_LT(together[1].tasks.front().start_us, together[0].tasks.back().end_us);
}

TEST(MultiCoreTiming, ConcurrentFunctionalRunsKeepTheirOwnMemory) {
  // Two different models at once on cores 0 and 1: each still equals its own reference.
  const isa::PlatformConfig platform = Platform();
  const runtime::CompiledModel a = Compile(ConvAddConcat(), false);
  const runtime::CompiledModel b = Compile(Add(16, 8), false);
  const quant::Sample in_a = StackedInputs(a, 1), in_b = StackedInputs(b, 1);
  const isa::Program pa = lower::AssignCores(a.program, {0}), pb = lower::AssignCores(b.program, {1});
  const auto results = sim::SimulateConcurrent(
      {{&pa, runtime::PackModelInputs(in_a, pa), nullptr}, {&pb, runtime::PackModelInputs(in_b, pb), nullptr}}, platform);
  EXPECT_EQ(runtime::UnpackModelOutputs(results[0].outputs, pa), runtime::RunReferenceModel(a, in_a));
  EXPECT_EQ(runtime::UnpackModelOutputs(results[1].outputs, pb), runtime::RunReferenceModel(b, in_b));
}

}  // namespace
}  // namespace rknnsim
