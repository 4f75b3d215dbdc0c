#!/usr/bin/env bash
# `rknn-sim accuracy` (accuracy_analysis on the command line) on the bundled model: the toolkit's
# layout (golden/ and simulator/ with one .npy per layer, error_analysis.txt), a row per layer with
# cosines in [-1, 1], the worst layers on stdout; the same files from -c model.yml as from the
# equivalent flags, for int8 and fp16; one-line errors for a compiled model and missing inputs.
# (tests/python/test_api.py checks the files equal the Python API's accuracy_analysis.)
# usage: accuracy.sh RKNN_SIM MODELS_DIR WORK_DIR
set -euo pipefail
sim=$1 models=$2 work=$3
dir=$work/accuracy
rm -rf "$dir" && mkdir -p "$dir"
onnx=$models/bundled/tiny_resnet.onnx data=$models/bundled/dataset.txt input=$models/bundled/input.npy

check_layout() {  # DIR: files exist, one row per layer, cosines in [-1, 1]
  /usr/bin/python3 - "$1" <<'PY'
import math, os, sys
d = sys.argv[1]
text = open(os.path.join(d, 'error_analysis.txt')).read()
rows = [l for l in text.splitlines() if l.startswith('[')]
golden = sorted(os.listdir(os.path.join(d, 'golden')))
assert golden == sorted(os.listdir(os.path.join(d, 'simulator'))), 'golden/ and simulator/ differ'
assert len(rows) == len(golden) >= 10, (len(rows), len(golden))  # input + 10 layers of the bundled model
assert rows[0].startswith('[Input] input'), rows[0]
for row in rows:  # "[OpType] tensor   cos | euc   cos | euc" (entire, then single)
    first, middle, last = row.split('|')
    cos_entire, (euc_entire, cos_single), euc_single = float(first.split()[-1]), map(float, middle.split()), float(last)
    for c in (cos_entire, cos_single):
        assert -1.0 <= c <= 1.0 and not math.isnan(c), row
    assert euc_entire >= 0 and euc_single >= 0, row
assert 'lose the most' in text
print('%s: %d layers, worst single cos %.5f' % (d, len(rows), min(float(r.split('|')[1].split()[1]) for r in rows)))
PY
}

"$sim" accuracy "$onnx" -t rk3588 -d "$data" -i "$input" -o "$dir/flags" >"$dir/stdout.txt"
grep -q "^# The layers that lose the most" "$dir/stdout.txt"
grep -q "^  1\. \[.*single cos " "$dir/stdout.txt"
check_layout "$dir/flags"

# The same analysis from a model.yml gives the same files.
printf 'models:\n  name: tiny\n  platform: onnx\n  model_file_path: %s\n  quantize: true\n  dataset: %s\n' \
  "$onnx" "$data" >"$dir/model.yml"
"$sim" -q accuracy -c "$dir/model.yml" -t rk3588 -i "$input" -o "$dir/yaml" >/dev/null
diff -r "$dir/flags" "$dir/yaml"

# fp16 builds are analyzed too.
"$sim" -q accuracy "$onnx" -t rk3566 --no-quant -i "$input" -o "$dir/fp16" >/dev/null
check_layout "$dir/fp16"

code=0
"$sim" -q convert "$onnx" -t rk3588 -d "$data" -o "$dir/m.rknnsim"
"$sim" accuracy "$dir/m.rknnsim" -t rk3588 -i "$input" -o "$dir/x" 2>"$dir/err.txt" || code=$?
[ "$code" = 1 ] && [ "$(wc -l <"$dir/err.txt")" = 1 ] && grep -q "^E accuracy: .* is a compiled model" "$dir/err.txt"
code=0
"$sim" accuracy "$onnx" -t rk3588 -d "$data" -o "$dir/x" 2>"$dir/err.txt" || code=$?
[ "$code" = 2 ] && grep -q "input is required" "$dir/err.txt"
code=0
"$sim" accuracy "$onnx" -t rk3588 -d "$data" -i "$dir/none.npy" -o "$dir/x" 2>"$dir/err.txt" || code=$?
[ "$code" = 1 ] && [ "$(wc -l <"$dir/err.txt")" = 1 ] && grep -q "^E accuracy: .*none.npy" "$dir/err.txt"
echo "accuracy ok"
