#!/usr/bin/env bash
# Speed of rknn-sim next to a peer in the same run: Google Benchmark of our engines
# (bench/rknn_sim_bench.cc) and onnxruntime-node (one thread) on the same ONNX model and input,
# then a table of per-inference times and their ratios to onnxruntime.
#
# usage: scripts/bench.sh [MODEL_NAME]   (a zoo model, default resnet18; "bundled" = tiny_resnet)
#   Writes build/bench/<name>.json (Google Benchmark) and prints the table. Both sides get the same
#   number of threads, RKNN_SIM_BENCH_THREADS (2 unless given): OpenMP's for rknn-sim's oneDNN
#   kernels, intra-op threads for onnxruntime (at its default graph optimization level, 'all').
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RKNN_SIM_BUILD:-$root/build}
cache=${RKNN_SIM_CACHE:-$build/zoo-cache}
name=${1:-resnet18}
threads=${RKNN_SIM_BENCH_THREADS:-2}
"$root/scripts/setup.sh" "$build" >/dev/null
if [ "$name" = bundled ]; then
  model=$root/models/bundled/tiny_resnet.onnx input=$root/models/bundled/input.npy
else
  /usr/bin/python3 "$root/scripts/gen_zoo.py" --out "$cache/models" --only "$name" >/dev/null
  model=$cache/models/$name/model.onnx input=$cache/models/$name/input_0.npy
fi
out=$build/bench && mkdir -p "$out"
OMP_NUM_THREADS=$threads RKNN_SIM_BENCH_MODEL=$model RKNN_SIM_BENCH_INPUT=$input "$build/bench/rknn_sim_bench" \
  --benchmark_out="$out/$name.json" --benchmark_out_format=json >&2

# The front doors on the same model, compiled once for rk3588 with the input as its dataset: the
# C API (rknn_inputs_set + rknn_run + rknn_outputs_get) and Python's RKNN.inference().
echo "$input" >"$out/$name.dataset.txt"
"$build/tools/rknn-sim" convert "$model" -t rk3588 -d "$out/$name.dataset.txt" -o "$out/$name.rknn" >/dev/null
OMP_NUM_THREADS=$threads RKNN_SIM_BENCH_RKNN=$out/$name.rknn RKNN_SIM_BENCH_INPUT=$input "$build/bench/capi_bench" \
  --benchmark_out="$out/${name}_capi.json" --benchmark_out_format=json >&2
python_ms=$(OMP_NUM_THREADS=$threads PYTHONPATH=$build/python /usr/bin/python3 - "$out/$name.rknn" "$input" <<'PY'
import sys, time
import numpy as np
from rknn_sim.api import RKNN
rknn = RKNN(verbose=False)
assert rknn.load_rknn(sys.argv[1]) == 0 and rknn.init_runtime(target='rk3588') == 0
x = np.load(sys.argv[2])
rknn.inference(inputs=[x], data_format='nchw')
runs, t0 = 10, time.perf_counter()
for _ in range(runs):
    rknn.inference(inputs=[x], data_format='nchw')
print((time.perf_counter() - t0) * 1000 / runs)
PY
)

ort_ms=""
if node_path=$("$root/scripts/fetch_peers.sh" "$cache" 2>/dev/null); then
  ort_ms=$(NODE_PATH=$node_path ORT_RUN_REPEAT=20 ORT_RUN_THREADS=$threads ORT_RUN_OPT=all node "$root/tests/zoo/ort_run.js" "$model" "$out/ort_$name" "$input" |
           sed -n 's/.*"ort_ms_per_inference":\([0-9.e+-]*\).*/\1/p')
fi
/usr/bin/python3 - "$out/$name.json" "$name" "${ort_ms:-}" "$threads" "$out/${name}_capi.json" "$python_ms" <<'PY'
import json, sys
path, name, ort, threads, capi, python_ms = sys.argv[1:7]
runs = {b["name"]: b for b in json.load(open(path))["benchmarks"]}
runs.update({b["name"]: b for b in json.load(open(capi))["benchmarks"]})
runs["python"] = {"real_time": float(python_ms)}
ort = float(ort) if ort else None
print(f"model: {name}   (per inference, wall time, {threads} thread(s) on each side)")
print(f"| engine | ms | × onnxruntime |")
print(f"|---|---:|---:|")
labels = {"BM_FloatReference": "float reference", "BM_Int8Reference": "int8 reference",
          "BM_PlatformFunctional": "SystemC platform, functional", "BM_PlatformTimingOnly": "SystemC platform, timing only",
          "BM_CApiRun": "C API rknn_run (+ inputs_set, outputs_get), platform",
          "python": "Python RKNN.inference(), platform",
          "BM_Convert": "convert (compile + calibrate 1 sample)"}
for key, label in labels.items():
    ms = runs[key]["real_time"]
    ratio = f"{ms / ort:.1f}" if ort else "n/a"
    print(f"| {label} | {ms:.2f} | {ratio} |")
print(f"| onnxruntime-node (peer) | {ort:.2f} | 1.0 |" if ort else "| onnxruntime-node (peer) | unavailable | |")
PY
