#!/usr/bin/env bash
# Installs the build tree to a temporary prefix and builds a C program against it twice, as users
# would: with CMake find_package(rknn_sim) and with pkg-config rknn_sim. Both run the bundled
# model through the installed library (its platform descriptions included).
# usage: install_consumer.sh BUILD_DIR SOURCE_DIR RKNN_SIM WORK_DIR [CFLAGS]
# CFLAGS: e.g. -fsanitize=address,undefined when the library was built with sanitizers (the
# sanitizer runtime must then come first in the program).
set -euo pipefail
trap 'echo "install_consumer.sh: failed at line $LINENO" >&2' ERR
build=$1 src=$2 sim=$3 work=$4 cflags=${5:-}
rm -rf "$work" && mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" --component Unspecified >/dev/null
test -f "$prefix/include/rknn_api.h"
pc=$(dirname "$(find "$prefix" -name rknn_sim.pc)")
config=$(dirname "$(find "$prefix" -name rknn_simConfig.cmake)")

cmake -S "$src/capi/tests/consumer" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" \
  -DDEMO_SOURCE_DIR="$src/examples/c" \
  -DCMAKE_C_FLAGS="$cflags" -DCMAKE_EXE_LINKER_FLAGS="$cflags" >/dev/null
cmake --build "$work/cmake" >/dev/null
# shellcheck disable=SC2046
cc $cflags -o "$work/classify_pc" "$src/examples/c/rknn_classification_demo.c" -I"$src/examples/c" \
  $(PKG_CONFIG_PATH=$pc pkg-config --cflags --libs rknn_sim)

# The demo's test data and model, then both consumers on the installed library.
demo_work=$work/data
"$src/examples/c/demo_test.sh" classification "$sim" "$work/cmake/classify" "$src/models" "$demo_work" rk3566 \
  >/dev/null
export RKNN_SIM_MODELS_DIR=$prefix/share/rknn_sim/models
libdir=$(dirname "$(find "$prefix" -name 'librknn_api.so' | head -1)")
for exe in "$work/cmake/classify" "$work/classify_pc"; do
  LD_LIBRARY_PATH=$libdir "$exe" "$demo_work/model.rknnsim" "$demo_work/image.ppm" >"$exe.txt"
  # Linked against the installed copy, not the build tree's.
  LD_LIBRARY_PATH=$libdir ldd "$exe" | grep "$libdir/librknn_api.so" >/dev/null  # not -q: SIGPIPE under pipefail
  diff <(grep -A5 Top5 "$exe.txt") <(grep -A5 Top5 "$demo_work/demo.txt")
done
echo "find_package and pkg-config consumers built and ran against $prefix (config in ${config#$prefix/})"
