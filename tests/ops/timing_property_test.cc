// Timing properties of the whole SystemC platform (issue "cycle-approximate timing"): larger
// work is never faster, DDR-bound element-wise and concat time scales with bytes moved, fp16
// convolution costs the platform's int8/fp16 MAC-rate ratio, a 3x3 int8 convolution with
// 32-aligned channels has the best MAC usage, and on RK3588 the per-layer CORE cycles of 3x3 int8
// convolutions equal the published formula exactly (docs/hardware_sources.md §7).
// Timing-only runs on RKNN_SIM_TEST_TARGET (one platform per process).
#include <gtest/gtest.h>

#include "compiler/lower/lowering.h"
#include "compiler/lower/placement.h"
#include "sim/simulator.h"
#include "tests/ops/one_op_graph.h"

namespace rknnsim {
namespace {

using testing_support::OneOpGraph;
using testing_support::Target;
using testing_support::Window;

// Timing-only simulation of a one-op graph, int8 or fp16.
sim::SimulationResult Simulated(ir::Graph g, bool fp16 = false) {
  if (fp16)
    quant::ConvertToFp16(g);
  else
    quant::QuantizeInt8(g, quant::CalibrateMinMax(g, testing_support::RandomSamples(g, 1)));
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(Target());
  lower::AssignPlacement(g, platform);
  const isa::Program program = lower::Lower(g, platform, Target());
  return sim::Simulate(program, platform, {});
}

double SimulatedUs(ir::Graph g, bool fp16 = false) { return Simulated(std::move(g), fp16).total_time_us; }

// CORE (MAC array) cycles summed over the layer's tasks, as the perf table's NPU column.
uint64_t CoreCycles(ir::Graph g, bool fp16 = false) {
  uint64_t cycles = 0;
  for (const sim::TaskTimingRecord& t : Simulated(std::move(g), fp16).tasks) cycles += t.core_cycles;
  return cycles;
}

ir::Graph Conv(int64_t cin, int64_t cout, int64_t height, int64_t width) {
  OneOpGraph b;
  const int x = b.Input({1, cin, height, width});
  b.Node(ir::OpKind::kConv, {x, b.Const({cout, cin, 3, 3}, 0.2f), b.Const({cout}, 0.1f)}, Window(3, 1, 1));
  return b.graph();
}

ir::Graph Concat(int64_t channels, int64_t size) {
  OneOpGraph b;
  const int x = b.Input({1, channels, size, size});
  const int y = b.Input({1, channels, size, size});
  ir::Attributes a;
  a.axis = 1;
  b.Node(ir::OpKind::kConcat, {x, y}, a);
  return b.graph();
}

ir::Graph Conv(int64_t cin, int64_t cout, int64_t size) {
  OneOpGraph b;
  const int x = b.Input({1, cin, size, size});
  b.Node(ir::OpKind::kConv, {x, b.Const({cout, cin, 3, 3}, 0.2f), b.Const({cout}, 0.1f)}, Window(3, 1, 1));
  return b.graph();
}

ir::Graph Add(int64_t channels, int64_t size) {
  OneOpGraph b;
  const int x = b.Input({1, channels, size, size});
  const int y = b.Input({1, channels, size, size});
  b.Node(ir::OpKind::kAdd, {x, y});
  return b.graph();
}

TEST(TimingProperties, LargerConvolutionsAreNeverFaster) {
  double previous = 0;
  for (int64_t size : {8, 16, 32, 64, 96}) {
    const double us = SimulatedUs(Conv(32, 32, size));
    EXPECT_GE(us, previous) << size;
    previous = us;
  }
  previous = 0;
  for (int64_t cout : {16, 32, 64, 128, 256}) {
    const double us = SimulatedUs(Conv(64, cout, 24));
    EXPECT_GE(us, previous) << cout;
    previous = us;
  }
}

TEST(TimingProperties, ElementwiseTimeScalesWithBytesMoved) {
  // Large enough that per-task overhead is small next to the DDR traffic.
  const double one = SimulatedUs(Add(64, 128));
  const double four = SimulatedUs(Add(64, 256));
  EXPECT_GT(four, 3.0 * one);
  EXPECT_LT(four, 4.5 * one);
}

TEST(TimingProperties, Fp16IsSlowerThanInt8) {
  const ir::Graph g = Conv(64, 64, 48);
  EXPECT_GT(SimulatedUs(g, true), 1.5 * SimulatedUs(g, false));
}

TEST(TimingProperties, AlignedConvolutionIsComputeBoundNearFullMacUsage) {
  // 64 -> 64 channels, 3x3, 56x56: the MAC array's cycles dominate DDR and overhead.
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(Target());
  const double macs = 56.0 * 56 * 9 * 64 * 64;
  const double ideal_us = macs / platform.mac_int8.macs_per_cycle() / platform.clock_mhz;
  const double us = SimulatedUs(Conv(64, 64, 56));
  EXPECT_GE(us, ideal_us);
  EXPECT_LT(us, 1.25 * ideal_us) << "MAC usage " << 100.0 * ideal_us / us << "%";
}

TEST(TimingProperties, ConcatTimeScalesWithBytesMoved) {
  const double one = SimulatedUs(Concat(32, 128));
  const double four = SimulatedUs(Concat(32, 256));
  EXPECT_GT(four, 3.0 * one);
  EXPECT_LT(four, 4.5 * one);
}

TEST(TimingProperties, LargerElementwiseAndConcatAreNeverFaster) {
  double add = 0, concat = 0;
  for (int64_t size : {8, 16, 32, 64, 128}) {
    const double a = SimulatedUs(Add(32, size)), c = SimulatedUs(Concat(32, size));
    EXPECT_GE(a, add) << size;
    EXPECT_GE(c, concat) << size;
    add = a, concat = c;
  }
}

TEST(TimingProperties, Fp16ConvolutionCostsTheDocumentedMacRateRatio) {
  // Channels aligned to every platform's int8 and fp16 atoms: the CORE cycles of fp16 are exactly
  // the int8/fp16 MACs-per-cycle ratio of platform.yaml times the int8 cycles (RK3588: 2x,
  // published perf_debug tables: FP16 3x3 convolutions run at half the int8 rate,
  // docs/hardware_sources.md §7).
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(Target());
  const ir::Graph g = Conv(64, 64, 40, 40);
  const uint64_t int8 = CoreCycles(g, false), fp16 = CoreCycles(g, true);
  const int ratio = platform.mac_int8.macs_per_cycle() / platform.mac_fp16.macs_per_cycle();
  ASSERT_EQ(platform.mac_int8.macs_per_cycle() % platform.mac_fp16.macs_per_cycle(), 0);
  EXPECT_EQ(fp16, ratio * int8);
  if (platform.platform == "rk3588") {
    EXPECT_EQ(ratio, 2);
  }
}

TEST(TimingProperties, AlignedThreeByThreeConvolutionHasTheBestMacUsage) {
  // MAC usage = MACs / (time x f x MACs per cycle); channel counts that are not multiples of
  // 32 leave part of the array idle, so none of them beats the aligned layer.
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(Target());
  auto usage = [&](int64_t channels) {
    const double macs = 40.0 * 40 * 9 * channels * channels;
    return macs / (SimulatedUs(Conv(channels, channels, 40, 40)) * platform.clock_mhz *
                   platform.mac_int8.macs_per_cycle());
  };
  const double aligned = usage(64);
  for (int64_t channels : {8, 16, 24, 40, 48, 56, 72}) EXPECT_LT(usage(channels), aligned) << channels;
  EXPECT_GT(aligned, 0.8);
}

TEST(TimingProperties, Rk3588ThreeByThreeInt8CyclesFollowThePublishedFormula) {
  // Published perf_debug tables (docs/hardware_sources.md §7): NPU cycles =
  // Ho * Wo * 9 * ceil(Cin/32) * ceil(Cout/32) exactly, e.g.
  // 16 -> 16 channels at 480x480 output: 2,073,600 cycles; summed over the layer's row tiles.
  if (isa::LoadPlatformForTarget(Target()).platform != "rk3588") GTEST_SKIP() << "RK3588 formula";
  EXPECT_EQ(CoreCycles(Conv(16, 16, 480, 480)), 2073600u);
  struct Case { int64_t cin, cout, h, w; };
  for (const Case& c : {Case{3, 16, 64, 64}, Case{32, 32, 40, 40}, Case{48, 80, 20, 24}, Case{64, 128, 20, 20},
                        Case{128, 64, 10, 12}, Case{96, 96, 16, 16}}) {
    const uint64_t expected = uint64_t(c.h * c.w * 9) * ((c.cin + 31) / 32) * ((c.cout + 31) / 32);
    EXPECT_EQ(CoreCycles(Conv(c.cin, c.cout, c.h, c.w)), expected) << c.cin << "->" << c.cout;
  }
}

}  // namespace
}  // namespace rknnsim
