#include "isa/platform_config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "common/error.h"

namespace rknnsim::isa {
namespace {

TEST(PlatformConfig, EveryTargetLoadsItsPlatform) {
  std::string names;
  for (const TargetInfo& t : KnownTargets()) {
    const PlatformConfig p = LoadPlatformForTarget(t.target);
    names += t.target + " ";
    EXPECT_EQ(p.platform, t.platform);
    EXPECT_EQ(p.cores, t.cores) << t.target;
    const char* target = t.target.c_str();
    EXPECT_GT(p.mac_int8.macs_per_cycle(), p.mac_fp16.macs_per_cycle() - 1) << target;
    EXPECT_GT(p.DdrBytesPerCycle(), 0.0) << target;
  }
  EXPECT_EQ(names, "rk3562 rk3566 rk3568 rk3576 rk3588 rv1103 rv1106 rv1126b ");
  EXPECT_EQ(TargetInfoOf("rk3576").cores, 2);
  // RK3588: 1024 int8 MACs per cycle (32x32) and 12 x 32 KiB CBUF (RK3588 TRM ch.36, Mesa).
  const PlatformConfig rk3588 = LoadPlatformForTarget("rk3588");
  EXPECT_EQ(rk3588.mac_int8.macs_per_cycle(), 1024);
  EXPECT_EQ(rk3588.CbufBytes(), 384 * 1024);
  EXPECT_EQ(rk3588.c2_int8, 16);
}

TEST(PlatformConfig, RejectsUnknownTargets) {
  EXPECT_THROW(PlatformForTarget("rk9999"), Error);
  try {  // a target of the toolkit that no platform file lists is named as such
    PlatformForTarget("rv1103b");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("RKNN-Toolkit2 target rknn-sim does not simulate"), std::string::npos) << e.what();
  }
}

// Two platform files may not claim one target, and a file must sit in the directory it names.
TEST(PlatformConfig, PlatformFilesAgreeWithTheirDirectories) {
  const std::string real = ModelsDirectory();
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "rknnsim_platform_dirs";
  const auto write = [&](const std::string& sub, const std::string& from, const std::string& platform_line) {
    std::filesystem::create_directories(dir / sub);
    std::ifstream in(real + "/" + from + "/platform.yaml");
    std::ofstream out(dir / sub / "platform.yaml");
    for (std::string line; std::getline(in, line);) out << (line.rfind("platform:", 0) == 0 ? platform_line : line) << "\n";
  };
  const auto expect_error = [&](const std::string& phrase) {
    setenv("RKNN_SIM_MODELS_DIR", dir.c_str(), 1);
    try {
      KnownTargets();
      ADD_FAILURE() << "expected an error naming " << phrase;
    } catch (const Error& e) {
      EXPECT_NE(e.message().find(phrase), std::string::npos) << e.what();
    }
    setenv("RKNN_SIM_MODELS_DIR", real.c_str(), 1);
  };
  std::filesystem::remove_all(dir);
  write("rk3588", "rk3588", "platform: rk3588");
  write("copy", "rk3588", "platform: copy");
  expect_error("target 'rk3588' is listed by platform");
  std::filesystem::remove_all(dir);
  write("elsewhere", "rk3588", "platform: rk3588");
  expect_error("but the directory is 'elsewhere'");
  std::filesystem::remove_all(dir);
}

// The boards' DDR bounds a model: ddr.max_gib, and below it the NPU's DMA address width.
TEST(PlatformConfig, BoardMemoryLimit) {
  PlatformConfig p = LoadPlatformForTarget("rk3588");
  EXPECT_NO_THROW(CheckFitsBoardMemory(p.ddr_max_bytes, p, "m"));
  EXPECT_THROW(CheckFitsBoardMemory(p.ddr_max_bytes + 1, p, "m"), Error);
  p.dma_address_bits = 32;  // 4 GiB addressable, below the 32 GiB boards
  try {
    CheckFitsBoardMemory((uint64_t{4} << 30) + 1, p, "m");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("32-bit DMA addresses"), std::string::npos) << e.what();
  }
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
