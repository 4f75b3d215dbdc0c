#include "common/parallel.h"

#include <omp.h>
#include <pthread.h>

#include <algorithm>
#include <exception>
#include <mutex>

namespace rknnsim {

void SingleThreadAfterFork() {
  static std::once_flag registered;
  std::call_once(registered, [] { pthread_atfork(nullptr, nullptr, [] { omp_set_num_threads(1); }); });
}

namespace {

// Runs fn with this thread's pool set to one thread, restored after.
void OnThisThread(size_t count, const std::function<void(size_t, size_t)>& fn) {
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  try {
    if (count) fn(0, count);
  } catch (...) {
    omp_set_num_threads(threads);
    throw;
  }
  omp_set_num_threads(threads);
}

}  // namespace

void ParallelChunks(size_t count, size_t min_chunk, const std::function<void(size_t, size_t)>& fn) {
  SingleThreadAfterFork();
  const size_t most = count / std::max<size_t>(min_chunk, 1);
  const size_t threads = std::min<size_t>(static_cast<size_t>(std::max(omp_get_max_threads(), 1)), most);
  if (threads <= 1 || omp_in_parallel()) return OnThisThread(count, fn);
  std::exception_ptr error;
  std::mutex error_mutex;
#pragma omp parallel num_threads(static_cast<int>(threads))
  {
    // The team may be smaller than asked for (OMP_THREAD_LIMIT): split by its size.
    const size_t part = static_cast<size_t>(omp_get_thread_num()), parts = static_cast<size_t>(omp_get_num_threads());
    const size_t begin = count * part / parts, end = count * (part + 1) / parts;
    try {
      if (begin < end) OnThisThread(end - begin, [&](size_t b, size_t e) { fn(begin + b, begin + e); });
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace rknnsim
