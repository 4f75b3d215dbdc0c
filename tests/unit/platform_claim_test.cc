// The one-platform-per-process guard every front door shares (sim/platform_claim.h). Claims and
// the elaborated platform are process-wide; CTest runs each test case in a process of its own.
#include "sim/platform_claim.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace rknnsim::sim {
namespace {

TEST(PlatformClaim, LiveClaimsKeepOtherPlatformsOutUntilReleased) {
  auto first = std::make_unique<PlatformClaim>("rk3588", "the 'rk3588' model", "");
  PlatformClaim same("rk3588", "a second 'rk3588' model", "");  // contexts of one platform share it
  try {
    PlatformClaim other("rk356x", "the 'rk3566' model", "run it in another process");
    FAIL() << "a second platform was claimed";
  } catch (const PlatformBusy& e) {
    EXPECT_EQ(e.message(),
              "this process already simulates platform 'rk3588'; SystemC allows one platform per process, so the "
              "'rk3566' model (platform 'rk356x') cannot run here");
    EXPECT_EQ(e.hint(), "run it in another process");
  }
  first.reset();
  EXPECT_THROW(CheckPlatformAvailable("rk356x", "x", ""), PlatformBusy);  // `same` still holds rk3588
}

TEST(PlatformClaim, AReleasedPlatformFreesTheProcessUntilOneIsElaborated) {
  { PlatformClaim first("rk3588", "the 'rk3588' model", ""); }
  EXPECT_NO_THROW(CheckPlatformAvailable("rk356x", "x", ""));  // nothing was simulated yet
  MarkElaborated("rk356x");
  EXPECT_THROW(PlatformClaim("rk3588", "the 'rk3588' model", ""), PlatformBusy);
  EXPECT_THROW(MarkElaborated("rk3588"), PlatformBusy);
  EXPECT_NO_THROW(PlatformClaim("rk356x", "the 'rk3566' model", ""));
}

}  // namespace
}  // namespace rknnsim::sim
