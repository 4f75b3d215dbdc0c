// A fixed-size fork/join loop for calibration work whose items are independent: each index is
// computed by exactly one thread and writes only its own result, so results do not depend on the
// thread count.
#pragma once

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace rknnsim::quant {

// 0 means the machine's hardware concurrency.
inline int ThreadCount(int asked) {
  return asked > 0 ? asked : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// Calls fn(i) for i in [0, n); rethrows the exception of the lowest failing index.
template <typename Fn>
void ParallelFor(size_t n, int threads, Fn fn) {
  const size_t workers = std::min(n, static_cast<size_t>(ThreadCount(threads)));
  if (workers <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::vector<std::exception_ptr> errors(n);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < n; i = next++) try {
        fn(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
  };
  std::vector<std::thread> pool;
  for (size_t w = 0; w < workers; ++w) pool.emplace_back(work);
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace rknnsim::quant
