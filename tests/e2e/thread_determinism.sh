#!/usr/bin/env bash
# Determinism: the host kernels (oneDNN convolutions, OpenMP) may use any number of threads, and
# the outputs and the simulated timing must not depend on it, nor change from run to run. Each
# path (SystemC platform, int8 reference, float reference) runs with 1, 2 and 4 OpenMP threads and
# twice with 2; every output file and every perf report must be byte-identical.
# usage: thread_determinism.sh RKNN_SIM MODELS_DIR WORK_DIR [ONNX DATASET INPUT TARGET]
set -euo pipefail
sim=$(realpath "$1") models=$2 work=$3
onnx=${4:-$models/bundled/tiny_resnet.onnx}
dataset=${5:-$models/bundled/dataset.txt}
input=${6:-$models/bundled/input.npy}
target=${7:-rk3588}
dir=$work/thread_determinism_$(basename "$onnx" .onnx)_$target
rm -rf "$dir" && mkdir -p "$dir"
(cd "$(dirname "$dataset")" && "$sim" -q convert "$onnx" -t "$target" -d "$dataset" -o "$dir/m.rknnsim")
runs=(1 2 4 2b)
for run in "${runs[@]}"; do
  threads=${run%b}
  export OMP_NUM_THREADS=$threads
  "$sim" -q run "$dir/m.rknnsim" -i "$input" -o "$dir/$run/platform"
  "$sim" -q run "$dir/m.rknnsim" -i "$input" -o "$dir/$run/int8" --reference int8
  "$sim" -q run "$onnx" -i "$input" -o "$dir/$run/float" --reference float
  "$sim" -q perf "$dir/m.rknnsim" --json "$dir/$run/perf.json" >/dev/null
done
for run in "${runs[@]:1}"; do
  diff -r "$dir/1" "$dir/$run" >/dev/null || { echo "FAIL: $run thread(s) differ from 1:"; diff -rq "$dir/1" "$dir/$run"; exit 1; }
done
echo "identical outputs and timing with 1, 2 and 4 threads and across runs: $(basename "$onnx") on $target"
