// Core masks, the per-core split of layers and the batch lowering (compiler/lower/core_split.h,
// batch.h), and their fields in the model file. No SystemC.
#include <gtest/gtest.h>

#include "common/error.h"
#include "compiler/lower/batch.h"
#include "compiler/lower/core_split.h"
#include "compiler/lower/lowering.h"
#include "compiler/lower/placement.h"
#include "compiler/quant/quantizer.h"
#include "runtime/model_file.h"
#include "tests/ops/one_op_graph.h"

namespace rknnsim {
namespace {

using testing_support::OneOpGraph;

isa::Surface Plane(uint64_t addr, uint32_t channels, uint32_t height, uint32_t width) {
  isa::Surface s;
  s.addr = addr, s.channels = channels, s.height = height, s.width = width, s.c2 = 16;
  return s;
}

isa::Program TwoTasks() {
  isa::Program p;
  p.layers.resize(2);
  isa::Task conv;
  conv.op = isa::TaskOp::kConv;
  conv.input = Plane(0x10000, 16, 5, 4);
  conv.output = Plane(0x20000, 40, 5, 4);
  isa::Task add;
  add.layer = 1;
  add.op = isa::TaskOp::kEltwiseAdd;
  add.input = Plane(0x20000, 40, 5, 4);  // 3 C1 surfaces x 5 rows = 15 lines of 64 bytes
  add.input2 = Plane(0x30000, 40, 5, 4);
  add.output = Plane(0x40000, 40, 5, 4);
  add.out_rows = 5, add.kernels = 40;
  p.tasks = {conv, add};
  p.memory.internal_base = 0x10000, p.memory.internal_bytes = 0x40000;
  return p;
}

TEST(CoreMask, ParsesTheToolkitsMasks) {
  EXPECT_EQ(lower::ParseCoreMask("auto"), 0u);
  EXPECT_EQ(lower::ParseCoreMask("0"), 1u);
  EXPECT_EQ(lower::ParseCoreMask("2"), 4u);
  EXPECT_EQ(lower::ParseCoreMask("0_1"), 3u);
  EXPECT_EQ(lower::ParseCoreMask("0_1_2"), 7u);
  EXPECT_THROW(lower::ParseCoreMask("0_2"), Error);
  EXPECT_THROW(lower::ParseCoreMask(""), Error);
}

TEST(CoreMask, EnablesOnlyCoresThePlatformHas) {
  isa::PlatformConfig three, one;
  three.platform = "rk3588", three.cores = 3;
  one.platform = "rk356x", one.cores = 1;
  EXPECT_EQ(lower::EnabledCores(0, three), (std::vector<uint32_t>{0}));
  EXPECT_EQ(lower::EnabledCores(7, three), (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(lower::EnabledCores(6, three), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(lower::EnabledCores(1, one), (std::vector<uint32_t>{0}));
  try {
    lower::EnabledCores(3, one);
    FAIL() << "core mask 0_1 accepted on a single-core NPU";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("has 1 NPU core"), std::string::npos) << e.what();
    EXPECT_NE(e.hint().find("auto or 0"), std::string::npos) << e.hint();
  }
}

TEST(CoreSplit, SplitsElementwiseTasksIntoContiguousLineRuns) {
  const isa::Program p = lower::AssignCores(TwoTasks(), {1, 2, 0});
  ASSERT_EQ(p.tasks.size(), 4u);
  EXPECT_EQ(p.tasks[0].core, 1u);  // the convolution stays on the first enabled core
  EXPECT_EQ(p.tasks[0].output.addr, 0x20000u);
  uint64_t line = 0;
  for (uint32_t j = 0; j < 3; ++j) {
    const isa::Task& t = p.tasks[1 + j];
    EXPECT_EQ(t.core, (std::vector<uint32_t>{1, 2, 0})[j]);
    EXPECT_EQ(t.output.height, 5u);  // 15 lines / 3
    EXPECT_EQ(t.output.addr, 0x40000u + line * 64);
    EXPECT_EQ(t.input.addr, 0x20000u + line * 64);
    EXPECT_EQ(t.input2.addr, 0x30000u + line * 64);
    EXPECT_EQ(t.output.bytes(), 5u * 64);
    EXPECT_EQ(t.out_rows, 5u);
    line += t.output.height;
  }
  // One core: the program is unchanged but for the placement.
  const isa::Program one = lower::AssignCores(TwoTasks(), {2});
  ASSERT_EQ(one.tasks.size(), 2u);
  EXPECT_EQ(one.tasks[1].core, 2u);
  EXPECT_EQ(one.tasks[1].output.bytes(), TwoTasks().tasks[1].output.bytes());
}

TEST(CoreSplit, FewerLinesThanCoresLeavesCoresIdle) {
  isa::Program p = TwoTasks();
  p.tasks[1].input.height = p.tasks[1].input2.height = p.tasks[1].output.height = 1;
  p.tasks[1].input.channels = p.tasks[1].input2.channels = p.tasks[1].output.channels = 16;  // 1 line
  const isa::Program split = lower::AssignCores(p, {0, 1, 2});
  ASSERT_EQ(split.tasks.size(), 2u);
  EXPECT_EQ(split.tasks[1].core, 0u);
}

TEST(Batch, RepeatsTheTaskStreamWithOffsetFeatureMaps) {
  isa::Program single = TwoTasks();
  single.tasks[0].weight_addr = 0x1000;  // below the internal region: shared by every image
  single.inputs.resize(1);
  single.inputs[0].shape = {1, 16, 5, 4};
  single.inputs[0].surface = single.tasks[0].input;
  const isa::Program p = lower::RepeatForBatch(single, 3);
  ASSERT_EQ(p.tasks.size(), 6u);
  EXPECT_EQ(p.batch, 3u);
  EXPECT_EQ(p.batch_stride, 0x40000u);
  EXPECT_EQ(p.memory.internal_bytes, 3u * 0x40000);
  EXPECT_EQ(p.inputs[0].shape, (std::vector<int64_t>{3, 16, 5, 4}));
  EXPECT_EQ(p.inputs[0].surface.addr, 0x10000u);  // image 0's surface; the others follow by the stride
  for (uint32_t b = 0; b < 3; ++b) {
    EXPECT_EQ(p.tasks[2 * b].weight_addr, 0x1000u);
    EXPECT_EQ(p.tasks[2 * b].input.addr, 0x10000u + b * 0x40000);
    EXPECT_EQ(p.tasks[2 * b + 1].input2.addr, 0x30000u + b * 0x40000);
  }
}

runtime::CompiledModel SmallModel(uint32_t batch) {
  OneOpGraph b;
  const int x = b.Input({1, 8, 6, 6});
  const int y = b.Input({1, 8, 6, 6});
  b.Node(ir::OpKind::kAdd, {x, y});
  ir::Graph g = b.graph();
  quant::QuantizeInt8(g, quant::CalibrateMinMax(g, testing_support::RandomSamples(g, 1)));
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget("rk3588");
  lower::AssignPlacement(g, platform);
  runtime::CompiledModel m;
  m.source_name = "small";
  m.graph = g;
  lower::LowerOptions options;
  options.batch = batch;
  m.program = lower::Lower(g, platform, "rk3588", options);
  return m;
}

TEST(Batch, RefusesModelsWhoseBatchIsFixedToAnotherValue) {
  OneOpGraph b;
  const int x = b.Input({4, 8, 6, 6});
  b.Node(ir::OpKind::kRelu, {x});
  EXPECT_NO_THROW(lower::CheckBatchable(b.graph(), 1));
  try {
    lower::CheckBatchable(b.graph(), 2);
    FAIL() << "a batch-4 model accepted rknn_batch_size 2";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("(4,8,6,6)"), std::string::npos) << e.what();
    EXPECT_NE(e.hint().find("§6.6"), std::string::npos) << e.hint();
  }
}

TEST(ModelFileV2, KeepsBatchAndCoreAndReadsVersion1) {
  runtime::CompiledModel m = SmallModel(2);
  m.program.tasks[0].core = 2;
  const runtime::CompiledModel back = runtime::DeserializeModel(runtime::SerializeModel(m), "mem");
  EXPECT_EQ(back.program.batch, 2u);
  EXPECT_EQ(back.program.batch_stride, m.program.batch_stride);
  EXPECT_EQ(back.program.tasks[0].core, 2u);
  EXPECT_EQ(back.program.inputs[0].shape, (std::vector<int64_t>{2, 8, 6, 6}));

  // A version-1 file (no batch, no core) still loads: batch 1 on core 0.
  std::vector<uint8_t> v1 = runtime::SerializeModel(SmallModel(1));
  v1[8] = 1, v1[9] = v1[10] = v1[11] = 0;
  EXPECT_EQ(runtime::DeserializeModel(v1, "v1").program.batch, 1u);
}

TEST(ModelFileV2, RejectsBatchesThatDoNotFitTheInternalRegion) {
  runtime::CompiledModel m = SmallModel(2);
  m.program.batch = 3;  // a third image would lie past the plan
  EXPECT_THROW(runtime::DeserializeModel(runtime::SerializeModel(m), "mem"), Error);
  m.program.batch = 0;
  EXPECT_THROW(runtime::DeserializeModel(runtime::SerializeModel(m), "mem"), Error);
  m = SmallModel(1);
  m.program.tasks[0].core = 40;
  EXPECT_THROW(runtime::DeserializeModel(runtime::SerializeModel(m), "mem"), Error);
}

}  // namespace
}  // namespace rknnsim
