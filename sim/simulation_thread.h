// All SystemC work of a process runs on one thread of its own, whichever front door (CLI, C API,
// Python) and whichever of the caller's threads asks for it:
// - SystemC is not thread-safe: one elaborated platform and one scheduler per process, so runs
//   from several caller threads (rknn_run in worker threads, Python threads with the GIL released)
//   are serialized here;
// - SystemC switches between its coroutine stacks on the thread that calls sc_start, which leaves
//   AddressSanitizer with wrong stack bounds on that thread (every later throw there then reports
//   a false stack overflow); on a private thread the caller's stack stays clean.
#pragma once

#include <functional>

namespace rknnsim::sim {

// Runs `work` on the simulation thread and waits; rethrows what `work` threw. Called on the
// simulation thread itself (a custom operator's callback starting another run in the middle of
// one), it throws rknnsim::Error instead: the platform is busy with the run that called it.
void RunOnSimulationThread(const std::function<void()>& work);

}  // namespace rknnsim::sim
