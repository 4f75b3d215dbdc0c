// Small helpers several unit tests share: the text of the error a call throws, a fresh directory
// of the current test's own under GoogleTest's temporary directory, and a check run on every SIMD
// target.
#pragma once

#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <filesystem>
#include <functional>
#include <string>

#include "common/error.h"

namespace rknnsim::testing_support {

// The message of the rknnsim::Error that `fn` throws, or "(no error)" (which no expected
// message contains, so a call that should fail and does not fails the test's check).
inline std::string ErrorOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// Runs `check` once on each SIMD target this CPU supports: the Highway kernels dispatch at run
// time, so each target's code is a path of its own.
// Targets a kernel's file was not compiled for run its fallback under that target's name.
template <typename Check>
void OnEverySimdTarget(Check check) {
  struct Restore {  // the real targets again, whatever `check` does
    ~Restore() { hwy::SetSupportedTargetsForTest(0); }
  } restore;
  for (int64_t targets = hwy::SupportedTargets(); targets != 0; targets &= targets - 1) {
    const int64_t target = targets & ~(targets - 1);
    hwy::SetSupportedTargetsForTest(target);
    SCOPED_TRACE(hwy::TargetName(target));
    check();
  }
}

// TempDir()/<prefix><test name>, emptied: each test starts clean and tests do not share files.
inline std::filesystem::path FreshTestDir(const std::string& prefix) {
  const std::filesystem::path dir =
      (std::filesystem::path(::testing::TempDir()) /
       (prefix + ::testing::UnitTest::GetInstance()->current_test_info()->name()))
          .lexically_normal();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace rknnsim::testing_support
