#include "sim/simulation_thread.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "common/error.h"

namespace rknnsim::sim {
namespace {

class SimulationThread {
 public:
  SimulationThread() : thread_([this] { Loop(); }) { thread_.detach(); }

  void Call(const std::function<void()>& work) {
    if (std::this_thread::get_id() == id_.load())  // a nested call from inside `work`
      throw Error("a run was started from inside another run on the simulated platform",
                  "a custom operator's compute callback must not call rknn_run or inference()");
    std::lock_guard<std::mutex> one_caller(call_lock_);
    std::unique_lock<std::mutex> hold(lock_);
    work_ = &work;
    error_ = nullptr;
    wake_.notify_all();
    done_.wait(hold, [this] { return work_ == nullptr; });
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> hold(lock_);
    id_.store(std::this_thread::get_id());
    for (;;) {
      wake_.wait(hold, [this] { return work_ != nullptr; });
      try {
        (*work_)();
      } catch (...) {
        error_ = std::current_exception();
      }
      work_ = nullptr;
      done_.notify_all();
    }
  }

  std::mutex call_lock_, lock_;
  std::condition_variable wake_, done_;
  const std::function<void()>* work_ = nullptr;
  std::exception_ptr error_;
  std::atomic<std::thread::id> id_{};  // the simulation thread's, set before it takes any work
  std::thread thread_;
};

}  // namespace

void RunOnSimulationThread(const std::function<void()>& work) {
  // Never destroyed: the detached thread waits for work until the process exits.
  static SimulationThread* thread = new SimulationThread;
  thread->Call(work);
}

}  // namespace rknnsim::sim
