#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite through CTest: once in a
# release build (including the model zoo against PyTorch and onnxruntime) and once with
# AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
"$root/scripts/setup.sh" "$root/build"
(cd "$root/build" && ctest --output-on-failure -j "$jobs")
"$root/scripts/setup.sh" "$root/build-asan" -DRKNN_SIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
# The model zoo (label zoo) checks numerics on full networks; an -O0 sanitizer build would take
# most of CI's budget on it, so the sanitizer pass runs everything else.
(cd "$root/build-asan" && UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j "$jobs" -LE zoo)
