#!/usr/bin/env bash
# Models for rknn_api_tests: the bundled model for rk3588 (int8, and fp16), for rk3566 (a second
# platform, which one process cannot simulate next to rk3588) and for rk3576 (two cores), plus its
# test input; and,
# when the Rockchip .rknn samples are present, `rknn-sim perf` of one (its table, without the
# title line), its I/O as tests/rknn/rknn_reader.py reads it, and `rknn-sim run` of another for
# rockchip_rknn_test.cc.
# usage: make_models.sh RKNN_SIM MODELS_DIR WORK_DIR [RKNN_DATA_DIR]
set -euo pipefail
sim=$1 models=$2 work=$3 rknn_data=${4:-}
mkdir -p "$work"
b=$models/bundled
"$sim" -q convert "$b/tiny_resnet.onnx" -t rk3588 -d "$b/dataset.txt" -o "$work/int8_rk3588.rknnsim"
"$sim" -q convert "$b/tiny_resnet.onnx" -t rk3588 --no-quant -o "$work/fp16_rk3588.rknnsim"
"$sim" -q convert "$b/tiny_resnet.onnx" -t rk3566 -d "$b/dataset.txt" -o "$work/int8_rk3566.rknnsim"
# RK3576 (two cores) for the core-mask test, and its CLI outputs.
"$sim" -q convert "$b/tiny_resnet.onnx" -t rk3576 -d "$b/dataset.txt" -o "$work/int8_rk3576.rknnsim"
"$sim" -q run "$work/int8_rk3576.rknnsim" -i "$b/input.npy" -o "$work/cli_int8_rk3576"
"$sim" -q run "$work/int8_rk3588.rknnsim" -i "$b/input.npy" -o "$work/cli_int8"
"$sim" -q run "$work/fp16_rk3588.rknnsim" -i "$b/input.npy" -o "$work/cli_fp16"
cp "$b/input.npy" "$work/input.npy"
demo=multiple_input_demo_rk3588
if [ -n "$rknn_data" ] && [ -f "$rknn_data/$demo.rknn" ]; then
  "$sim" -q perf "$rknn_data/$demo.rknn" | tail -n +2 >"$work/$demo.perf.txt"
  # The file's I/O names and quantization as the independent raw reader sees them.
  /usr/bin/python3 "$(dirname "$0")/../../tests/rknn/rknn_reader.py" "$rknn_data/$demo.rknn" --json \
    >"$work/$demo.reader.json"
  # The builds of the same demo whose programs run: `rknn-sim run` on the demo's NCHW inputs.
  for build in rk3588_tk162 rk3576 rk3562 rv1126b; do
    "$sim" -q run "$rknn_data/multiple_input_demo_$build.rknn" -i "$rknn_data/multiple_input_demo_image1_nchw.npy" \
      -i "$rknn_data/multiple_input_demo_image2_nchw.npy" -o "$work/cli_rockchip_$build"
  done
fi
