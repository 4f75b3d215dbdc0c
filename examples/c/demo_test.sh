#!/usr/bin/env bash
# Runs a C demo (built against librknn_api) and checks its float outputs equal `rknn-sim run`'s
# on the same pixels bit for bit.
# usage: demo_test.sh classification RKNN_SIM DEMO MODELS_DIR WORK_DIR TARGET
#        demo_test.sh yolov5 RKNN_SIM DEMO ZOO_CACHE WORK_DIR TARGET   (exit 77: model not in the cache)
set -euo pipefail
kind=$1 sim=$2 demo=$3 src=$4 work=$5 target=$6
here=$(cd "$(dirname "$0")" && pwd)
py="/usr/bin/python3 $here/demo_data.py"
rm -rf "$work" && mkdir -p "$work/calib" "$work/cli" "$work/demo"
if [ "$kind" = classification ]; then
  # The bundled model with the toolkit's mean/std folded in: the demo feeds raw uint8 pixels.
  mean='[[123.675,116.28,103.53]]' std='[[58.395,57.12,57.375]]'
  $py calib "$work/calib" "$src"/bundled/calib/calib_*.npy
  $py image "$src/bundled/input.npy" "$work/image.ppm" "$work/pixels.npy"
  onnx=$src/bundled/tiny_resnet.onnx
else
  dir=$src/models/yolov5s_relu
  # The zoo cache's rule (tests/shared_data.sh): absent skips, present without the model fails.
  . "$(dirname "$0")/../../tests/shared_data.sh"
  require_data "$dir" model.onnx input_0.npy
  # yolov5 takes RGB in [0, 1]: mean 0, std 255 on raw pixels, calibrated on the test image.
  mean='[[0,0,0]]' std='[[255,255,255]]'
  $py image --unit-range "$dir/input_0.npy" "$work/image.ppm" "$work/pixels.npy"
  echo "$work/pixels.npy" >"$work/calib/dataset.txt"
  onnx=$dir/model.onnx
fi
"$sim" -q convert "$onnx" -t "$target" -d "$work/calib/dataset.txt" --mean-values "$mean" --std-values "$std" \
  -o "$work/model.rknnsim"
"$sim" -q run "$work/model.rknnsim" -i "$work/pixels.npy" -o "$work/cli"
"$demo" "$work/model.rknnsim" "$work/image.ppm" "$work/demo" | tee "$work/demo.txt"
$py compare "$work/cli" "$work/demo"
if [ "$kind" = classification ]; then
  grep -q -- "--- Top5" "$work/demo.txt"
else
  grep -q "detections after NMS" "$work/demo.txt"
fi
