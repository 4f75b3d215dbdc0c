// The C API from several threads at once, as a board application uses it (one context, or one
// rknn_dup_context copy, per worker thread): init from a path and from a buffer, inputs, runs on
// different core masks, outputs, perf queries and destroy, all overlapping. Every thread must get
// the bytes and the simulated time a lone caller gets. CI also runs this binary under
// ThreadSanitizer (RKNN_SIM_TSAN), which reports any data race the overlap exposes.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "capi_test_support.h"
#include "common/npy.h"
#include "rknn_api.h"

namespace {

using capi_test::ReadBytes;
using capi_test::Work;

constexpr int kThreads = 4;
constexpr int kRunsPerThread = 3;

// What one run of a context gives back: the float output and the simulated duration.
struct RunResult {
  std::vector<float> output;
  int64_t run_duration_us = -1;
  bool ok = false;
};

RunResult RunOnce(rknn_context ctx, std::vector<float>& input) {
  RunResult r;
  if (capi_test::SetFloatInput(ctx, input) != RKNN_SUCC || rknn_run(ctx, nullptr) != RKNN_SUCC) return r;
  rknn_output out{};
  out.want_float = 1;
  if (rknn_outputs_get(ctx, 1, &out, nullptr) != RKNN_SUCC) return r;
  const auto* values = static_cast<const float*>(out.buf);
  r.output.assign(values, values + out.size / sizeof(float));
  if (rknn_outputs_release(ctx, 1, &out) != RKNN_SUCC) return r;
  rknn_perf_run perf{};
  if (rknn_query(ctx, RKNN_QUERY_PERF_RUN, &perf, sizeof(perf)) != RKNN_SUCC) return r;
  r.run_duration_us = perf.run_duration;
  r.ok = true;
  return r;
}

class RknnApiThreads : public testing::Test {
 protected:
  void SetUp() override {
    input_ = rknnsim::ReadNpy(Work() + "/input.npy").data;
    int8_path_ = Work() + "/int8_rk3588.rknnsim";
    int8_bytes_ = ReadBytes(int8_path_);
    ASSERT_FALSE(int8_bytes_.empty()) << int8_path_;
    int8_expected_ = rknnsim::ReadNpy(Work() + "/cli_int8/0_output.npy").data;
    fp16_expected_ = rknnsim::ReadNpy(Work() + "/cli_fp16/0_output.npy").data;
  }

  // A lone caller's result for `mask`: the reference every thread's runs are compared with.
  RunResult Alone(const std::string& path, rknn_core_mask mask) {
    rknn_context ctx = 0;
    EXPECT_EQ(rknn_init(&ctx, const_cast<char*>(path.c_str()), 0, 0, nullptr), RKNN_SUCC);
    EXPECT_EQ(rknn_set_core_mask(ctx, mask), RKNN_SUCC);
    std::vector<float> x = input_;
    RunResult r = RunOnce(ctx, x);
    EXPECT_EQ(rknn_destroy(ctx), RKNN_SUCC);
    return r;
  }

  std::vector<float> input_;
  std::string int8_path_;
  std::vector<char> int8_bytes_;
  std::vector<float> int8_expected_, fp16_expected_;
};

// Four threads, each with its own context and core mask (two from the file path, two from a
// memory buffer; one of them the fp16 build), run three times each, all at once.
TEST_F(RknnApiThreads, ContextsPerThreadGiveTheLoneCallersBytesAndTime) {
  const rknn_core_mask masks[kThreads] = {RKNN_NPU_CORE_0, RKNN_NPU_CORE_0_1, RKNN_NPU_CORE_0_1_2, RKNN_NPU_CORE_AUTO};
  const std::string fp16_path = Work() + "/fp16_rk3588.rknnsim";
  RunResult alone[kThreads];
  for (int t = 0; t < kThreads; ++t) alone[t] = Alone(t == 3 ? fp16_path : int8_path_, masks[t]);
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_TRUE(alone[t].ok) << "thread " << t;
    EXPECT_EQ(alone[t].output, t == 3 ? fp16_expected_ : int8_expected_) << "mask " << masks[t];
  }

  std::vector<std::vector<RunResult>> got(kThreads);
  std::atomic<int> ready{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();  // start together
      rknn_context ctx = 0;
      int rc;
      if (t == 3) {
        rc = rknn_init(&ctx, const_cast<char*>(fp16_path.c_str()), 0, 0, nullptr);
      } else if (t % 2 == 0) {
        rc = rknn_init(&ctx, const_cast<char*>(int8_path_.c_str()), 0, 0, nullptr);
      } else {
        std::vector<char> model = int8_bytes_;  // the caller's buffer, its own per thread
        rc = rknn_init(&ctx, model.data(), static_cast<uint32_t>(model.size()), 0, nullptr);
      }
      if (rc != RKNN_SUCC || rknn_set_core_mask(ctx, masks[t]) != RKNN_SUCC) return;
      std::vector<float> x = input_;
      for (int i = 0; i < kRunsPerThread; ++i) got[t].push_back(RunOnce(ctx, x));
      rknn_perf_detail detail{};
      if (rknn_query(ctx, RKNN_QUERY_PERF_DETAIL, &detail, sizeof(detail)) != RKNN_SUCC || detail.perf_data == nullptr)
        got[t].push_back(RunResult{});  // a failed query fails the comparison below
      rknn_destroy(ctx);
    });
  }
  for (std::thread& w : workers) w.join();
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(got[t].size(), static_cast<size_t>(kRunsPerThread)) << "thread " << t << " failed a call";
    for (const RunResult& r : got[t]) {
      ASSERT_TRUE(r.ok) << "thread " << t;
      EXPECT_EQ(r.output, alone[t].output) << "thread " << t;
      EXPECT_EQ(r.run_duration_us, alone[t].run_duration_us) << "thread " << t;
    }
  }
}

// One context made on the main thread, copied with rknn_dup_context from worker threads that run
// and destroy their copies while the main thread runs the original; then the original is destroyed
// while a late copy is still in use, which must keep the shared model alive.
TEST_F(RknnApiThreads, DupContextsAcrossThreads) {
  rknn_context parent = 0;
  ASSERT_EQ(rknn_init(&parent, const_cast<char*>(int8_path_.c_str()), 0, 0, nullptr), RKNN_SUCC);
  const RunResult alone = Alone(int8_path_, RKNN_NPU_CORE_AUTO);
  ASSERT_TRUE(alone.ok);

  std::vector<std::vector<RunResult>> got(kThreads);
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < kRunsPerThread; ++i) {
        rknn_context copy = 0;
        if (rknn_dup_context(&parent, &copy) != RKNN_SUCC) return;
        std::vector<float> x = input_;
        got[t].push_back(RunOnce(copy, x));
        if (rknn_destroy(copy) != RKNN_SUCC) return;
      }
    });
  }
  std::vector<float> x = input_;
  std::vector<RunResult> parent_runs;
  for (int i = 0; i < kRunsPerThread; ++i) parent_runs.push_back(RunOnce(parent, x));
  for (std::thread& w : workers) w.join();

  rknn_context late = 0;
  ASSERT_EQ(rknn_dup_context(&parent, &late), RKNN_SUCC);
  std::thread destroyer([&] { EXPECT_EQ(rknn_destroy(parent), RKNN_SUCC); });
  std::vector<float> y = input_;
  const RunResult late_run = RunOnce(late, y);
  destroyer.join();
  EXPECT_EQ(rknn_destroy(late), RKNN_SUCC);

  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(got[t].size(), static_cast<size_t>(kRunsPerThread)) << "thread " << t << " failed a call";
    for (const RunResult& r : got[t]) {
      ASSERT_TRUE(r.ok) << "thread " << t;
      EXPECT_EQ(r.output, alone.output);
      EXPECT_EQ(r.run_duration_us, alone.run_duration_us);
    }
  }
  for (const RunResult& r : parent_runs) {
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.output, int8_expected_);
  }
  ASSERT_TRUE(late_run.ok);
  EXPECT_EQ(late_run.output, int8_expected_);
}

// Contexts made and destroyed in a loop on some threads while others run: the registry and the
// platform claim stay consistent, and every call on a destroyed context is refused, not a crash.
TEST_F(RknnApiThreads, InitAndDestroyWhileOthersRun) {
  const RunResult alone = Alone(int8_path_, RKNN_NPU_CORE_AUTO);
  ASSERT_TRUE(alone.ok);
  std::atomic<bool> stop{false};
  std::atomic<int> churned{0}, stale_refused{0};
  std::vector<std::thread> churners;
  for (int t = 0; t < 2; ++t) {
    churners.emplace_back([&] {
      while (!stop.load() || churned.load() < 2) {
        rknn_context ctx = 0;
        if (rknn_init(&ctx, const_cast<char*>(int8_path_.c_str()), 0, 0, nullptr) != RKNN_SUCC) return;
        rknn_input_output_num io{};
        if (rknn_query(ctx, RKNN_QUERY_IN_OUT_NUM, &io, sizeof(io)) != RKNN_SUCC || io.n_input != 1) return;
        if (rknn_destroy(ctx) != RKNN_SUCC) return;
        // The first two stale handles are tried (each refusal prints its one `E RKNN:` line).
        if (churned.fetch_add(1) < 2 && rknn_run(ctx, nullptr) == RKNN_ERR_CTX_INVALID) stale_refused.fetch_add(1);
      }
    });
  }
  std::vector<std::thread> runners;
  std::vector<std::vector<RunResult>> got(2);
  for (int t = 0; t < 2; ++t) {
    runners.emplace_back([&, t] {
      rknn_context ctx = 0;
      if (rknn_init(&ctx, const_cast<char*>(int8_path_.c_str()), 0, 0, nullptr) != RKNN_SUCC) return;
      std::vector<float> x = input_;
      for (int i = 0; i < kRunsPerThread; ++i) got[t].push_back(RunOnce(ctx, x));
      rknn_destroy(ctx);
    });
  }
  for (std::thread& r : runners) r.join();
  stop.store(true);
  for (std::thread& c : churners) c.join();
  EXPECT_GE(churned.load(), 2);
  EXPECT_EQ(stale_refused.load(), 2);
  for (int t = 0; t < 2; ++t) {
    ASSERT_EQ(got[t].size(), static_cast<size_t>(kRunsPerThread)) << "runner " << t << " failed a call";
    for (const RunResult& r : got[t]) {
      ASSERT_TRUE(r.ok);
      EXPECT_EQ(r.output, alone.output);
      EXPECT_EQ(r.run_duration_us, alone.run_duration_us);
    }
  }
}

}  // namespace
