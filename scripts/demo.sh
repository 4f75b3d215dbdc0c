#!/usr/bin/env bash
# The main job on the bundled model: compile it for RK3588 (int8, calibrated on the bundled
# dataset), simulate one inference on the bundled input, and print eval_perf and eval_memory.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" "$root/build"
sim=$root/build/tools/rknn-sim
bundled=$root/models/bundled
out=${RKNN_SIM_DEMO_DIR:-$root/build/demo}
mkdir -p "$out"
"$sim" convert "$bundled/tiny_resnet.onnx" -t rk3588 -d "$bundled/dataset.txt" -o "$out/tiny_resnet.rknnsim"
"$sim" run "$out/tiny_resnet.rknnsim" -i "$bundled/input.npy" -o "$out/outputs"
"$sim" perf "$out/tiny_resnet.rknnsim" --json "$out/perf.json"
"$sim" memory "$out/tiny_resnet.rknnsim" --json "$out/memory.json"
