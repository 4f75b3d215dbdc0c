// Timing properties of the per-task cost model (no SystemC): the published RK3588 convolution
// formula, fp16 at half the int8 rate, full MAC usage for aligned 3x3 convolutions, monotonicity.
#include "sim/cost/cost_model.h"

#include <cmath>

#include <gtest/gtest.h>

namespace rknnsim::sim {
namespace {

isa::Task Conv3x3(uint32_t cin, uint32_t cout, uint32_t ho, uint32_t wo, isa::ElemType type) {
  isa::Task t;
  t.op = isa::TaskOp::kConv;
  t.input.channels = cin, t.input.height = ho, t.input.width = wo, t.input.c2 = 16, t.input.type = type;
  t.output.channels = cout, t.output.height = ho, t.output.width = wo, t.output.c2 = 16, t.output.type = type;
  t.kernel_h = t.kernel_w = 3;
  t.out_rows = ho, t.kernels = cout;
  return t;
}

uint64_t CeilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

TEST(CostModel, Rk3588ConvFollowsThePublishedFormula) {
  const isa::PlatformConfig p = isa::LoadPlatformForTarget("rk3588");
  // Published perf_debug table (docs/hardware_sources.md §7): 16 -> 16 channels at 480x480 output
  // takes 2,073,600 NPU cycles.
  EXPECT_EQ(CoreCycles(Conv3x3(16, 16, 480, 480, isa::ElemType::kInt8), p), 2073600u);
  for (uint32_t cin : {3u, 16u, 32u, 48u, 64u, 160u})
    for (uint32_t cout : {8u, 32u, 33u, 96u, 255u}) {
      const uint64_t expected = uint64_t{40} * 24 * 9 * CeilDiv(cin, 32) * CeilDiv(cout, 32);
      EXPECT_EQ(CoreCycles(Conv3x3(cin, cout, 40, 24, isa::ElemType::kInt8), p), expected) << cin << "->" << cout;
    }
}

// Published RK3588 perf_debug rows (github.com/THU-MIG/yolov10 issue 115, rows 119-120):
// depthwise 3x3 over 256 channels at 20x20 takes 14,400 NPU cycles and over 128 at 40x40 28,800,
// i.e. 9 x ceil(C/64) per output pixel: twice the channels of the array's input atom.
TEST(CostModel, Rk3588DepthwiseFollowsThePublishedRows) {
  const isa::PlatformConfig p = isa::LoadPlatformForTarget("rk3588");
  const auto depthwise = [](uint32_t c, uint32_t size) {
    isa::Task t = Conv3x3(c, c, size, size, isa::ElemType::kInt8);
    t.conv_mode = isa::ConvMode::kDepthwise;
    return t;
  };
  EXPECT_EQ(CoreCycles(depthwise(256, 20), p), 14400u);
  EXPECT_EQ(CoreCycles(depthwise(128, 40), p), 28800u);
  EXPECT_EQ(CoreCycles(depthwise(65, 10), p), CoreCycles(depthwise(128, 10), p));
}

TEST(CostModel, Fp16ConvRunsAtHalfTheInt8Rate) {
  const isa::PlatformConfig p = isa::LoadPlatformForTarget("rk3588");
  for (uint32_t cout : {32u, 64u, 256u})
    EXPECT_EQ(CoreCycles(Conv3x3(64, cout, 20, 20, isa::ElemType::kFp16), p),
              2 * CoreCycles(Conv3x3(64, cout, 20, 20, isa::ElemType::kInt8), p));
}

TEST(CostModel, AlignedConvReachesFullMacUsageOnEveryPlatform) {
  for (const char* target : {"rk3566", "rk3588", "rv1106"}) {
    const isa::PlatformConfig p = isa::LoadPlatformForTarget(target);
    const isa::Task t = Conv3x3(64, 64, 32, 32, isa::ElemType::kInt8);
    const double macs = 32.0 * 32 * 9 * 64 * 64;
    EXPECT_DOUBLE_EQ(macs / (static_cast<double>(CoreCycles(t, p)) * p.mac_int8.macs_per_cycle()), 1.0) << target;
  }
}

TEST(CostModel, MoreWorkIsNeverFaster) {
  const isa::PlatformConfig p = isa::LoadPlatformForTarget("rk3566");
  uint64_t previous = 0;
  for (uint32_t size = 4; size <= 64; size += 4) {
    const uint64_t cycles = CoreCycles(Conv3x3(24, 40, size, size, isa::ElemType::kInt8), p);
    EXPECT_GE(cycles, previous) << size;
    previous = cycles;
  }
  for (uint32_t cout = 1; cout <= 128; ++cout)
    EXPECT_LE(CoreCycles(Conv3x3(24, cout, 8, 8, isa::ElemType::kInt8), p),
              CoreCycles(Conv3x3(24, cout + 1, 8, 8, isa::ElemType::kInt8), p));
}

TEST(CostModel, ElementwiseAndDdrTimeScaleWithBytes) {
  const isa::PlatformConfig p = isa::LoadPlatformForTarget("rk3588");
  isa::Task add;
  add.op = isa::TaskOp::kEltwiseAdd;
  add.output.channels = 32, add.output.height = 40, add.output.width = 40, add.output.c2 = 16;
  const uint64_t small = DpuCycles(add, p);
  add.output.height = 80;
  EXPECT_EQ(DpuCycles(add, p), 2 * small);
  EXPECT_DOUBLE_EQ(DdrTransferCycles(2 << 20, p), 2 * DdrTransferCycles(1 << 20, p));
  EXPECT_GT(DdrTransferCycles(1 << 20, p), 0.0);
}

// A layer timed alone (perf_debug): a conv's CORE cycles, then its DPU draining every output atom,
// unless its DDR traffic at a lone layer's rate takes longer; the per-task overhead on top.
TEST(CostModel, AloneConvDrainsAfterTheArray) {
  const isa::PlatformConfig p = isa::LoadPlatformForTarget("rk3588");
  const isa::Task t = Conv3x3(64, 40, 20, 10, isa::ElemType::kInt8);  // 3 output atoms per pixel
  const uint64_t core = CoreCycles(t, p);
  const uint64_t drain = static_cast<uint64_t>(std::ceil(200 * 3 * p.layer_alone_drain_cycles_per_atom_int8));
  EXPECT_EQ(AloneTaskCycles(t, core, DpuCycles(t, p), 0, 0, p), p.task_overhead_cycles + core + drain);
  const double lone_bytes_per_cycle = p.ddr_bandwidth_gbps * p.ddr_efficiency_layer_alone * 1e3 / p.clock_mhz;
  const uint64_t bytes = static_cast<uint64_t>(10 * (core + drain) * lone_bytes_per_cycle);
  EXPECT_EQ(AloneTaskCycles(t, core, DpuCycles(t, p), 0, bytes, p),
            p.task_overhead_cycles + static_cast<uint64_t>(std::ceil(bytes / lone_bytes_per_cycle)));
}

}  // namespace
}  // namespace rknnsim::sim
