#!/usr/bin/env bash
# Converts the bundled model for one target and checks that the SystemC platform's outputs equal
# the int8 (or fp16) reference executor's outputs byte for byte.
# usage: bundled_bit_exact.sh RKNN_SIM MODELS_DIR WORK_DIR TARGET [--no-quant]
set -euo pipefail
sim=$1 models=$2 work=$3 target=$4 mode=${5:-int8}
bundled=$models/bundled
dir=$work/bit_exact_${target}_${mode}
rm -rf "$dir" && mkdir -p "$dir"
if [ "$mode" = fp16 ]; then
  "$sim" -q convert "$bundled/tiny_resnet.onnx" -t "$target" --no-quant -o "$dir/model.rknnsim"
else
  "$sim" -q convert "$bundled/tiny_resnet.onnx" -t "$target" -d "$bundled/dataset.txt" -o "$dir/model.rknnsim"
fi
"$sim" -q run "$dir/model.rknnsim" -i "$bundled/input.npy" -o "$dir/sim"
"$sim" -q run "$dir/model.rknnsim" --reference int8 -i "$bundled/input.npy" -o "$dir/ref"
for calib in "$bundled"/calib/calib_0[0-3].npy; do
  name=$(basename "$calib" .npy)
  "$sim" -q run "$dir/model.rknnsim" -i "$calib" -o "$dir/sim_$name"
  "$sim" -q run "$dir/model.rknnsim" --reference int8 -i "$calib" -o "$dir/ref_$name"
  cmp "$dir/sim_$name/0_output.npy" "$dir/ref_$name/0_output.npy"
done
cmp "$dir/sim/0_output.npy" "$dir/ref/0_output.npy"
echo "bit-exact: $target $mode"
