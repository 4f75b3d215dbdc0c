#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite through CTest: once in a
# release build (including the model zoo against PyTorch and onnxruntime), once with
# AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer, and the C API's thread tests
# once more with ThreadSanitizer. After each pass it lists every skipped test with the reason it
# printed (scripts/ctest_skips.py); a skip without a reason fails the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
# ctest in BUILD_DIR with ARGS..., then the skip summary of that pass; fails when either does.
run_ctest() {
  local build=$1 rc=0
  shift
  (cd "$build" && ctest --output-on-failure -j "$jobs" --output-junit "$build/ctest-junit.xml" \
     --test-output-size-passed 262144 "$@") || rc=$?
  /usr/bin/python3 "$root/scripts/ctest_skips.py" "$build/ctest-junit.xml" "$(basename "$build")" || rc=1
  return $rc
}
"$root/scripts/setup.sh" "$root/build"
run_ctest "$root/build"
"$root/scripts/setup.sh" "$root/build-asan" -DRKNN_SIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
# The model zoo (label zoo) checks numerics on full networks; an -O0 sanitizer build would take
# most of CI's budget on it, so the sanitizer pass runs everything else.
UBSAN_OPTIONS=print_stacktrace=1 run_ctest "$root/build-asan" -LE zoo
# ThreadSanitizer: only what the thread tests need (the CLI makes their models) is built. OpenMP's
# runtime (libgomp) is not built with TSan, so TSan cannot see its barriers and would report its
# worker threads falsely: with one OpenMP thread the kernels run on the calling thread, and TSan
# checks the threads the API's callers and the simulation thread share.
cmake -S "$root" -B "$root/build-tsan" -G Ninja -DRKNN_SIM_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build-tsan" -j "$jobs" --target rknn-sim capi_thread_tests
OMP_NUM_THREADS=1 TSAN_OPTIONS=halt_on_error=1 run_ctest "$root/build-tsan" -L capi_threads
