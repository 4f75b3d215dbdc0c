#!/usr/bin/env bash
# Models for rknn_api_tests: the bundled model for rk3588 (int8, and fp16) and for rk3566 (a second
# platform, which one process cannot simulate next to rk3588), plus its test input; the fp16 model
# built for two input shape sets (dynamic_input) with the CLI's outputs on each; a model whose
# Concat splits across cores for rk3588 and rk3576 (two cores); and,
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
# The core-mask tests: a model whose Concat splits across cores (tests/e2e/gen_split_model.py),
# for RK3588 (three cores) and RK3576 (two), and its CLI outputs.
/usr/bin/python3 "$(dirname "$0")/../../tests/e2e/gen_split_model.py" "$work/split"
for target in rk3588 rk3576; do
  "$sim" -q convert "$work/split/split.onnx" -t $target -d "$work/split/dataset.txt" -o "$work/split_$target.rknnsim"
  "$sim" -q run "$work/split_$target.rknnsim" -i "$work/split/input.npy" -o "$work/cli_split_$target"
done
"$sim" -q run "$work/int8_rk3588.rknnsim" -i "$b/input.npy" -o "$work/cli_int8"
"$sim" -q run "$work/fp16_rk3588.rknnsim" -i "$b/input.npy" -o "$work/cli_fp16"
cp "$b/input.npy" "$work/input.npy"
# rknn_set_input_shapes: the bundled model built fp16 for two input shape sets (dynamic_input), a
# 96x96 input and the CLI's outputs on it.
"$sim" -q convert "$b/tiny_resnet.onnx" -t rk3588 --no-quant --dynamic-input '[[[1,3,64,64]],[[1,3,96,96]]]' \
  -o "$work/dynamic_rk3588.rknnsim"
/usr/bin/python3 -c "import numpy as np; np.save('$work/input_96.npy', np.random.default_rng(5).uniform(-2, 2, (1, 3, 96, 96)).astype(np.float32))"
"$sim" -q run "$work/dynamic_rk3588.rknnsim" -i "$work/input_96.npy" -o "$work/cli_dynamic_96"
"$sim" -q run "$work/dynamic_rk3588.rknnsim" -i "$b/input.npy" -o "$work/cli_dynamic_64"
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
