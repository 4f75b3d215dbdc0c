// All SystemC work of the library runs on one thread of its own. SystemC switches between its
// coroutine stacks on the thread that calls sc_start, which leaves AddressSanitizer with wrong
// stack bounds on that thread (every later throw there then reports false stack overflows); on a
// private thread the caller's stack stays clean. It also keeps SystemC on a single thread however
// many threads call the API. Runs are serialized.
#pragma once

#include <functional>

namespace rknnsim::capi {

// Runs `work` on the simulation thread and waits; rethrows what `work` threw.
void RunOnSimulationThread(const std::function<void()>& work);

}  // namespace rknnsim::capi
