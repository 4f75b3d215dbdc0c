#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite through CTest: once in a
# release build and once with AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
"$root/scripts/setup.sh" "$root/build"
(cd "$root/build" && ctest --output-on-failure -j "$jobs")
"$root/scripts/setup.sh" "$root/build-asan" -DRKNN_SIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
(cd "$root/build-asan" && UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j "$jobs")
