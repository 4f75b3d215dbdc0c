#!/usr/bin/env bash
# Speed of rknn-sim next to a peer in the same run: Google Benchmark of our engines
# (bench/rknn_sim_bench.cc) and onnxruntime-node (one thread) on the same ONNX model and input,
# then a table of per-inference times and their ratios to onnxruntime.
#
# usage: scripts/bench.sh [MODEL_NAME]   (a zoo model, default resnet18; "bundled" = tiny_resnet)
#   Writes build/bench/<name>.json (Google Benchmark) and prints the table.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RKNN_SIM_BUILD:-$root/build}
cache=${RKNN_SIM_CACHE:-$build/zoo-cache}
name=${1:-resnet18}
"$root/scripts/setup.sh" "$build" >/dev/null
if [ "$name" = bundled ]; then
  model=$root/models/bundled/tiny_resnet.onnx input=$root/models/bundled/input.npy
else
  /usr/bin/python3 "$root/scripts/gen_zoo.py" --out "$cache/models" --only "$name" >/dev/null
  model=$cache/models/$name/model.onnx input=$cache/models/$name/input_0.npy
fi
out=$build/bench && mkdir -p "$out"
RKNN_SIM_BENCH_MODEL=$model RKNN_SIM_BENCH_INPUT=$input "$build/bench/rknn_sim_bench" \
  --benchmark_out="$out/$name.json" --benchmark_out_format=json >&2

ort_ms=""
if node_path=$("$root/scripts/fetch_peers.sh" "$cache" 2>/dev/null); then
  ort_ms=$(NODE_PATH=$node_path ORT_RUN_REPEAT=20 node "$root/tests/zoo/ort_run.js" "$model" "$out/ort_$name" "$input" |
           sed -n 's/.*"ort_ms_per_inference":\([0-9.e+-]*\).*/\1/p')
fi
/usr/bin/python3 - "$out/$name.json" "$name" "${ort_ms:-}" <<'PY'
import json, sys
path, name, ort = sys.argv[1], sys.argv[2], sys.argv[3]
runs = {b["name"]: b for b in json.load(open(path))["benchmarks"]}
ort = float(ort) if ort else None
print(f"model: {name}   (per inference, wall time, one thread)")
print(f"| engine | ms | × onnxruntime |")
print(f"|---|---:|---:|")
labels = {"BM_FloatReference": "float reference", "BM_Int8Reference": "int8 reference",
          "BM_PlatformFunctional": "SystemC platform, functional", "BM_PlatformTimingOnly": "SystemC platform, timing only",
          "BM_Convert": "convert (compile + calibrate 1 sample)"}
for key, label in labels.items():
    ms = runs[key]["real_time"]
    ratio = f"{ms / ort:.1f}" if ort else "n/a"
    print(f"| {label} | {ms:.2f} | {ratio} |")
print(f"| onnxruntime-node (peer) | {ort:.2f} | 1.0 |" if ort else "| onnxruntime-node (peer) | unavailable | |")
PY
