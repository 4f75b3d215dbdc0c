#!/usr/bin/env bash
# The quantization quality report of `convert`: the table on stdout (not with -q), the JSON of
# --quant-report with its contract keys, and a warning instead of a report for fp16 builds.
# usage: quant_report.sh RKNN_SIM MODELS_DIR WORK_DIR
set -euo pipefail
sim=$1 models=$2 work=$3
dir=$work/quant_report
rm -rf "$dir" && mkdir -p "$dir"
onnx=$models/bundled/tiny_resnet.onnx data=$models/bundled/dataset.txt
"$sim" convert "$onnx" -t rk3588 -d "$data" -o "$dir/m.rknnsim" --quant-report "$dir/q.json" >"$dir/table.txt"
grep -q "^Quantization quality: .* over 8 calibration sample(s)" "$dir/table.txt"
grep -q "^0 .* output$" "$dir/table.txt"
grep -q "^Worst layers (10 of " "$dir/table.txt"
"$sim" -q convert "$onnx" -t rk3588 -d "$data" -o "$dir/quiet.rknnsim" >"$dir/quiet.txt"
[ ! -s "$dir/quiet.txt" ] || { echo "-q convert printed a table"; exit 1; }
"$sim" convert "$onnx" -t rk3588 --no-quant -o "$dir/fp16.rknnsim" --quant-report "$dir/none.json" 2>"$dir/fp16.err" >"$dir/fp16.txt"
grep -q "no quantization quality report" "$dir/fp16.err"
[ ! -e "$dir/none.json" ] && [ ! -s "$dir/fp16.txt" ]
/usr/bin/python3 - "$dir/q.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
keys = {"name", "op_type", "node", "output_index", "cosine_min", "cosine_mean", "max_abs_error", "float_abs_max"}
assert r["samples"] == 8, r["samples"]
assert len(r["outputs"]) == 1 and r["outputs"][0]["output_index"] == 0
for e in r["outputs"] + r["layers"]:
    assert keys <= set(e), keys - set(e)
    assert -1.0 <= e["cosine_min"] <= e["cosine_mean"] + 1e-12 <= 1.0 + 1e-9, e
assert [e["node"] for e in r["layers"]] == sorted(e["node"] for e in r["layers"])
assert r["outputs"][0]["cosine_min"] > 0.99, r["outputs"][0]
assert r["layers"][0]["name"] == "/Relu_output_0" and r["layers"][0]["op_type"] == "ConvRelu", r["layers"][0]
print("quant report ok: output cosine %.5f" % r["outputs"][0]["cosine_min"])
PY
