// Small helpers several unit tests share: the text of the error a call throws, and a fresh
// directory of the current test's own under GoogleTest's temporary directory.
#pragma once

#include <gtest/gtest.h>

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
