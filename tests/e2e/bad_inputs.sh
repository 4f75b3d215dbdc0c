#!/usr/bin/env bash
# Bad input gives a one-line error on stderr and exit code 1 (2 for usage errors), never a crash.
# usage: bad_inputs.sh RKNN_SIM MODELS_DIR WORK_DIR
set -uo pipefail
sim=$1 models=$2 work=$3
dir=$work/bad_inputs
rm -rf "$dir" && mkdir -p "$dir"
failures=0

# expect CODE PATTERN -- command...
expect() {
  local want=$1 pattern=$2; shift 3
  "$@" >"$dir/out" 2>"$dir/err"
  local code=$?
  local lines; lines=$(wc -l <"$dir/err")
  if [ "$code" != "$want" ] || [ "$lines" != 1 ] || ! grep -q -- "$pattern" "$dir/err"; then
    echo "FAIL: '$*' exited $code (want $want), stderr ($lines lines):"; cat "$dir/err"
    failures=$((failures + 1))
  else
    echo "ok: $(cat "$dir/err")"
  fi
}

onnx=$models/bundled/tiny_resnet.onnx
head -c 3000 "$onnx" >"$dir/truncated.onnx"
"$sim" -q convert "$onnx" -t rk3588 -d "$models/bundled/dataset.txt" -o "$dir/good.rknnsim"
head -c 2000 "$dir/good.rknnsim" >"$dir/truncated.rknnsim"

expect 1 "cannot open" -- "$sim" convert "$dir/missing.onnx" -t rk3588 -d "$models/bundled/dataset.txt" -o "$dir/x"
expect 1 "Error parsing message" -- "$sim" convert "$dir/truncated.onnx" -t rk3588 -d "$models/bundled/dataset.txt" -o "$dir/x"
expect 1 "truncated" -- "$sim" perf "$dir/truncated.rknnsim"
expect 1 "truncated" -- "$sim" run "$dir/truncated.rknnsim" -i "$models/bundled/input.npy" -o "$dir/o"
expect 1 "cannot open" -- "$sim" memory "$dir/missing.rknnsim"
expect 1 "unknown target platform" -- "$sim" convert "$onnx" -t rk9999 -d "$models/bundled/dataset.txt" -o "$dir/x"
expect 1 "needs" -- "$sim" run "$dir/good.rknnsim" -i "$models/bundled/reference_output.npy" -o "$dir/o"
expect 1 "not a .npy" -- "$sim" run "$dir/good.rknnsim" -i "$onnx" -o "$dir/o"
expect 1 "calibration dataset" -- "$sim" convert "$onnx" -t rk3588 -o "$dir/x"
expect 2 "see --help" -- "$sim" convert "$onnx"
expect 2 "see --help" -- "$sim" frobnicate

[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
