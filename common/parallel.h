// Work split across the host's threads. The threads are OpenMP's team, the same ones oneDNN's
// kernels run on, so OMP_NUM_THREADS sets both. Callers split work into parts whose results do not
// depend on which thread computes them (disjoint outputs, integer sums), so that outputs are the
// same bits for any thread count (e2e.thread_determinism).
#pragma once

#include <cstddef>
#include <functional>

namespace rknnsim {

// Calls fn(begin, end) on contiguous chunks that cover [0, count), one chunk per thread and none
// smaller than min_chunk (the work that pays for waking a thread); fn(0, count) on the calling
// thread when one chunk is all there is, or when already inside a chunk. Inside a chunk the pool
// has one thread: what fn calls (oneDNN's kernels) stays on the chunk's thread, so that the work is
// split once, by the caller, who knows its size (oneDNN splitting each small convolution again
// cost more in waiting than it saved). The first exception thrown by a chunk is rethrown once
// every chunk has ended.
void ParallelChunks(size_t count, size_t min_chunk, const std::function<void(size_t begin, size_t end)>& fn);

// Makes a process forked from this one run every parallel region on one thread. libgomp cannot run
// a parallel region in a child forked after the parent used its thread pool: the child waits
// forever for threads that were not forked (Python's multiprocessing forks by default). Called by
// every user of the thread pool before its first use; registers the rule once.
void SingleThreadAfterFork();

}  // namespace rknnsim
