#!/usr/bin/env bash
# The installed rknn-sim on its own: no build tree, no RKNN_SIM_MODELS_DIR.
#
# usage: check_install.sh BUILD_DIR SOURCE_DIR WORK_DIR prefix|deb
#   prefix: `cmake --install BUILD_DIR --prefix WORK_DIR/prefix`
#   deb:    `cpack -G DEB` from BUILD_DIR, its Depends checked, then unpacked with `dpkg-deb -x`
#           (WORK_DIR/root/usr is the prefix: what `apt install ./rknn-sim_*.deb` puts in /usr)
# Then, from the prefix: the README's main job on the bundled model (convert, run, perf, memory),
# whose outputs must equal the build tree's byte for byte; a C program compiled against the
# installed rknn_api.h and linked with the board runtime's name, -lrknnrt; and the Python package.
set -euo pipefail
build=$1 src=$2 work=$3 kind=$4
rm -rf "$work" && mkdir -p "$work"
unset RKNN_SIM_MODELS_DIR
if [ "$kind" = deb ]; then
  cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/pkg" >/dev/null
  deb=$(ls "$work"/pkg/rknn-sim_*.deb)
  depends=$(dpkg-deb -f "$deb" Depends)
  for needed in libsystemc libdnnl libyaml-cpp python3-numpy; do
    case "$depends" in *"$needed"*) ;; *) echo "FAIL: Depends lacks $needed: $depends"; exit 1 ;; esac
  done
  dpkg-deb -x "$deb" "$work/root"
  prefix=$work/root/usr
else
  cmake --install "$build" --prefix "$work/prefix" >/dev/null
  prefix=$work/prefix
fi

bundled=$src/models/bundled
cd "$work"  # nothing of the build tree on any path below
sim=$prefix/bin/rknn-sim
# The installed binary reads the installed platform descriptions, not the source tree's.
"$sim" --version >version.txt
grep -qx "platform descriptions: $prefix/share/rknn_sim/models" version.txt ||
  { echo "FAIL: $(tail -1 version.txt), not $prefix/share/rknn_sim/models"; exit 1; }
"$sim" convert "$bundled/tiny_resnet.onnx" -t rk3588 -d "$bundled/dataset.txt" -o model.rknnsim >/dev/null 2>&1
"$sim" run model.rknnsim -i "$bundled/input.npy" -o out >/dev/null 2>&1
"$sim" perf model.rknnsim --json perf.json >perf.txt && grep -q "Total Time" perf.txt
"$sim" memory model.rknnsim >memory.txt && grep -q "Total Memory" memory.txt
"$build/tools/rknn-sim" run model.rknnsim -i "$bundled/input.npy" -o out_build >/dev/null 2>&1
cmp out/0_output.npy out_build/0_output.npy

cat >demo.c <<'C'
#include <stdio.h>
#include "rknn_api.h"
int main(int argc, char** argv) {
  rknn_context ctx;
  if (argc < 2 || rknn_init(&ctx, argv[1], 0, 0, NULL) != RKNN_SUCC) return 1;
  rknn_input_output_num io;
  if (rknn_query(ctx, RKNN_QUERY_IN_OUT_NUM, &io, sizeof io) != RKNN_SUCC) return 2;
  printf("inputs %u outputs %u\n", io.n_input, io.n_output);
  return rknn_destroy(ctx) == RKNN_SUCC ? 0 : 3;
}
C
cflags=$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags rknn_sim)
cc demo.c $cflags -L"$prefix/lib" -lrknnrt -o demo
LD_LIBRARY_PATH=$prefix/lib ./demo model.rknnsim >demo.txt && grep -q "inputs 1 outputs 1" demo.txt

# /usr (the .deb): lib/python3/dist-packages; another prefix: lib/python3.X/dist-packages. The build
# has the Python package unless it was configured without it (RKNN_SIM_PYTHON=OFF, no pybind11).
package=$(ls -d "$prefix"/lib/python3*/dist-packages/rknn_sim 2>/dev/null | head -1 || true)
if [ -d "$build/python/rknn_sim" ] && [ -z "$package" ]; then
  echo "FAIL: the build has the Python package, the $kind install does not"; exit 1
fi
python_dir=$(dirname "${package:-/none/none}")
if [ "$kind" = deb ] && [ -n "$package" ] && [ "$python_dir" != "$prefix/lib/python3/dist-packages" ]; then
  echo "FAIL: the .deb puts the Python package in $python_dir, not where Debian's python3 looks"; exit 1
fi
if [ -n "$package" ]; then
  PYTHONPATH=$python_dir /usr/bin/python3 - "$bundled/input.npy" <<'PY'
import sys
import numpy as np
import rknn_sim
from rknn_sim.api import RKNN
assert '/dist-packages/rknn_sim/' in rknn_sim.__file__, rknn_sim.__file__
rknn = RKNN(verbose=False)
assert rknn.load_rknn('model.rknnsim') == 0 and rknn.init_runtime(target='rk3588') == 0
out = rknn.inference(inputs=[np.load(sys.argv[1])], data_format='nchw')
assert np.array_equal(out[0], np.load('out/0_output.npy'))
PY
fi
echo "install ($kind): main job, C program linked with -lrknnrt and Python package run from $prefix"
