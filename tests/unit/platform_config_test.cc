#include "isa/platform_config.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace rknnsim::isa {
namespace {

TEST(PlatformConfig, EveryTargetLoadsItsPlatform) {
  for (const char* target : {"rk3566", "rk3568", "rk3588", "rv1103", "rv1106"}) {
    const PlatformConfig p = LoadPlatformForTarget(target);
    EXPECT_EQ(p.platform, PlatformForTarget(target));
    EXPECT_GT(p.mac_int8.macs_per_cycle(), p.mac_fp16.macs_per_cycle() - 1) << target;
    EXPECT_GT(p.DdrBytesPerCycle(), 0.0) << target;
  }
  // RK3588: 1024 int8 MACs per cycle (32x32) and 12 x 32 KiB CBUF (HARDWARE.md).
  const PlatformConfig rk3588 = LoadPlatformForTarget("rk3588");
  EXPECT_EQ(rk3588.mac_int8.macs_per_cycle(), 1024);
  EXPECT_EQ(rk3588.CbufBytes(), 384 * 1024);
  EXPECT_EQ(rk3588.c2_int8, 16);
}

TEST(PlatformConfig, RejectsUnknownTargets) {
  EXPECT_THROW(PlatformForTarget("rk9999"), Error);
}

TEST(PlatformConfig, EveryValueMustCiteItsSource) {
  const std::string no_source = R"(
platform: x
targets: [x]
npu:
  cores: 1
)";
  try {
    ParsePlatformYaml(no_source, "test.yaml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("npu.cores"), std::string::npos);
  }
  EXPECT_THROW(ParsePlatformYaml("a: [", "broken.yaml"), Error);
}

}  // namespace
}  // namespace rknnsim::isa
