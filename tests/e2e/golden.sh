#!/usr/bin/env bash
# Golden text outputs (STYLE.md "golden files for text"): the disassembly of the bundled model on
# each platform must match tests/golden/ exactly. After a deliberate change, refresh them with
#   RKNN_SIM_UPDATE_GOLDEN=1 ctest -R e2e.golden
# and review the diff.
# usage: golden.sh RKNN_SIM MODELS_DIR WORK_DIR GOLDEN_DIR
set -euo pipefail
sim=$1 models=$2 work=$3 golden=$4
dir=$work/golden
rm -rf "$dir" && mkdir -p "$dir"
status=0
for target in rk3566 rk3588 rv1106; do
  "$sim" -q convert "$models/bundled/tiny_resnet.onnx" -t "$target" -d "$models/bundled/dataset.txt" -o "$dir/$target.rknnsim"
  "$sim" disasm "$dir/$target.rknnsim" >"$dir/bundled_$target.disasm"
  if [ "${RKNN_SIM_UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$dir/bundled_$target.disasm" "$golden/bundled_$target.disasm"
    echo "updated $golden/bundled_$target.disasm"
  elif ! diff -u "$golden/bundled_$target.disasm" "$dir/bundled_$target.disasm"; then
    echo "disassembly of the bundled model on $target changed (see diff above)"
    status=1
  fi
done
exit $status
