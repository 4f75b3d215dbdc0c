// Timing properties of the whole SystemC platform (issue "cycle-approximate timing"): larger
// work is never faster, DDR-bound element-wise time scales with bytes moved, fp16 costs more
// than int8, and a 3x3 int8 convolution with aligned channels keeps the MAC array busy.
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

// Simulated time (us) of a one-op graph, int8 or fp16, timing-only.
double SimulatedUs(ir::Graph g, bool fp16 = false) {
  if (fp16)
    quant::ConvertToFp16(g);
  else
    quant::QuantizeInt8(g, quant::CalibrateMinMax(g, testing_support::RandomSamples(g, 1)));
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(Target());
  lower::AssignPlacement(g, platform);
  const isa::Program program = lower::Lower(g, platform, Target());
  return sim::Simulate(program, platform, {}).total_time_us;
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

}  // namespace
}  // namespace rknnsim
