#!/usr/bin/env bash
# Golden text of `rknn-sim perf` (the board's perf_debug layout) on the bundled model, per
# platform: columns, per-layer cycles and times, totals and the per-OpType summary must match
# tests/golden/ exactly. After a deliberate timing or report change, refresh with
#   RKNN_SIM_UPDATE_GOLDEN=1 ctest -R e2e.perf_golden
# and review the diff (and refresh traces/baselines too, tests/zoo/timing_baseline.py).
# usage: perf_golden.sh RKNN_SIM MODELS_DIR WORK_DIR GOLDEN_DIR
set -euo pipefail
sim=$1 models=$2 work=$3 golden=$4
dir=$work/perf_golden
rm -rf "$dir" && mkdir -p "$dir"
status=0
for target in rk3566 rk3588 rv1106 rk3562 rk3576 rv1126b; do
  "$sim" -q convert "$models/bundled/tiny_resnet.onnx" -t "$target" -d "$models/bundled/dataset.txt" -o "$dir/$target.rknnsim"
  "$sim" perf "$dir/$target.rknnsim" >"$dir/bundled_$target.perf"
  if [ "${RKNN_SIM_UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$dir/bundled_$target.perf" "$golden/bundled_$target.perf"
    echo "updated $golden/bundled_$target.perf"
  elif ! diff -u "$golden/bundled_$target.perf" "$dir/bundled_$target.perf"; then
    echo "perf report of the bundled model on $target changed (see diff above)"
    status=1
  fi
done
exit $status
