#!/usr/bin/env bash
# Bad input gives a one-line error on stderr and exit code 1 (2 for usage errors), never a crash.
# usage: bad_inputs.sh RKNN_SIM MODELS_DIR WORK_DIR
set -uo pipefail
sim=$1 models=$2 work=$3
dir=$work/bad_inputs
rm -rf "$dir" && mkdir -p "$dir"
failures=0

source "$(dirname "$0")/expect_error.sh"

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
# Output files are checked before the simulation: one line, nothing on stdout.
expect 1 "directory '$dir/no_such_dir' does not exist" -- "$sim" perf "$dir/good.rknnsim" --json "$dir/no_such_dir/p.json"
[ -s "$dir/out" ] && { echo "FAIL: perf printed its table before refusing the --json path"; failures=$((failures + 1)); }
expect 1 "is a directory" -- "$sim" perf "$dir/good.rknnsim" --trace "$dir"
expect 2 "see --help" -- "$sim" frobnicate

# config(mean_values/std_values) and datasets of images and .npy of any dtype (new bad files are
# written by Python: PIL for images, raw bytes for damaged .npy headers).
/usr/bin/python3 - "$dir" <<'PY'
import sys, numpy as np
from PIL import Image
d = sys.argv[1]
Image.new("L", (64, 64), 7).save(f"{d}/gray.png")
Image.new("RGBA", (64, 64), (1, 2, 3, 4)).save(f"{d}/rgba.png")
Image.new("RGB", (64, 64), (1, 2, 3)).save(f"{d}/rgb.png")
open(f"{d}/broken.jpg", "wb").write(b"\xff\xd8\xff\xe0 not really a jpeg")
np.save(f"{d}/i8.npy", np.zeros((1, 3, 64, 64), np.int8))
np.save(f"{d}/complex.npy", np.zeros((1, 3, 64, 64), np.complex64))
raw = open(f"{d}/i8.npy", "rb").read()
open(f"{d}/extra.npy", "wb").write(raw + b"\0" * 8)          # shape does not cover the file
open(f"{d}/badhdr.npy", "wb").write(raw.replace(b"'shape'", b"'shope'"))
for name, lines in {"two_per_line": "rgb.png rgb.png\n", "gray": "gray.png\n", "rgba": "rgba.png\n",
                    "broken": "broken.jpg\n", "complex": "complex.npy\n", "extra": "extra.npy\n",
                    "badhdr": "badhdr.npy\n", "ok": "rgb.png\ni8.npy\n"}.items():
    open(f"{d}/{name}.txt", "w").write(lines)
PY
convert_with() { "$sim" -q convert "$onnx" -t rk3588 -o "$dir/x" "$@"; }
mean3='[[123.675,116.28,103.53]]'
expect 1 "The len of mean_values (\[128, 128\]) for input 0 ('input', shape (1,3,64,64)) is wrong, expect 3" -- \
  convert_with -d "$dir/ok.txt" --mean-values '[[128,128]]'
expect 1 "The len of std_values" -- convert_with -d "$dir/ok.txt" --std-values '[[1,2,3,4]]'
expect 1 "mean_values has 2 list(s) but the model has 1 input(s)" -- convert_with -d "$dir/ok.txt" --mean-values "[[1,2,3],[1,2,3]]"
expect 1 "std divides the input" -- convert_with -d "$dir/ok.txt" --mean-values "$mean3" --std-values '[[1,0,1]]'
expect 1 "is not a list of per-channel lists" -- convert_with -d "$dir/ok.txt" --mean-values '[1,2,3]'
expect 1 "two_per_line.txt:1: line lists 2 file(s) but the model has 1 input(s)" -- convert_with -d "$dir/two_per_line.txt"
expect 1 "grayscale image" -- convert_with -d "$dir/gray.txt"
expect 1 "RGBA image" -- convert_with -d "$dir/rgba.txt"
expect 1 "cannot decode image" -- convert_with -d "$dir/broken.txt"
expect 1 "unsupported .npy dtype '<c8'" -- convert_with -d "$dir/complex.txt"
expect 1 "accounts for 12288 data bytes but the file has 12296" -- convert_with -d "$dir/extra.txt"
expect 1 "unexpected key 'shope'" -- convert_with -d "$dir/badhdr.txt"
expect 1 "grayscale image" -- "$sim" run "$dir/good.rknnsim" -i "$dir/gray.png" -o "$dir/o"
expect 1 "cannot decode image" -- "$sim" run "$dir/good.rknnsim" -i "$dir/broken.jpg" -o "$dir/o"

[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
