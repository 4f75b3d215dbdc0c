// What the C API GoogleTest files share: where make_models.sh writes, reading a file's bytes, the
// check that a call returns its code with exactly one `E RKNN:` line, and a fixture base that owns
// a context and queries tensor attributes of it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "rknn_api.h"

namespace capi_test {

// make_models.sh's output directory (RKNN_SIM_CAPI_WORK in the environment overrides the build's).
inline std::string Work() {
  const char* dir = std::getenv("RKNN_SIM_CAPI_WORK");
  return dir ? dir : RKNN_SIM_CAPI_WORK_DEFAULT;
}

inline std::vector<char> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// tests/shared_data.py's rule for data from outside the repository: true when the directory that
// holds `path` is absent (the caller skips, saying so); when the directory is present, a missing
// or unreadable `path` fails the test instead.
inline bool DataAbsent(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return true;
  std::ifstream in(path, std::ios::binary);
  char first = 0;
  EXPECT_TRUE(in.get(first)) << "the data directory " << dir << " is present but " << path
                             << " is missing or unreadable";
  return false;
}

// Runs `call` and expects `code` with exactly one "E RKNN: " line on stderr (none on success);
// returns what it printed.
template <typename Call>
std::string ExpectCode(int code, Call call) {
  testing::internal::CaptureStderr();
  const int got = call();
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(got, code) << err;
  if (code == RKNN_SUCC) {
    EXPECT_EQ(err, "");
  } else {
    EXPECT_EQ(err.rfind("E RKNN: ", 0), 0u) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  }
  return err;
}

// Sets input 0 of `ctx` to float32 NCHW (or `fmt`) values.
inline int SetFloatInput(rknn_context ctx, std::vector<float>& data, rknn_tensor_format fmt = RKNN_TENSOR_NCHW) {
  rknn_input in{};
  in.index = 0;
  in.buf = data.data();
  in.size = static_cast<uint32_t>(data.size() * sizeof(float));
  in.type = RKNN_TENSOR_FLOAT32;
  in.fmt = fmt;
  return rknn_inputs_set(ctx, 1, &in);
}

// A test whose SetUp opens ctx_; the context is destroyed after each test.
class ContextTest : public testing::Test {
 protected:
  void TearDown() override {
    if (ctx_ != 0) rknn_destroy(ctx_);
  }

  rknn_tensor_attr Query(rknn_query_cmd cmd, uint32_t index) {
    rknn_tensor_attr attr;
    std::memset(&attr, 0, sizeof(attr));
    attr.index = index;
    EXPECT_EQ(rknn_query(ctx_, cmd, &attr, sizeof(attr)), RKNN_SUCC);
    return attr;
  }

  rknn_context ctx_ = 0;
};

}  // namespace capi_test
