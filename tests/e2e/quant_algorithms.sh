#!/usr/bin/env bash
# Converts the bundled model with one quantized_algorithm and quantized_method (config()), then
# checks that the SystemC platform's outputs equal the int8 reference executor's byte for byte,
# that the setting took effect (the model differs from the default normal/channel one unless it
# is the default) and that converting twice gives the same file (deterministic calibration).
# usage: quant_algorithms.sh RKNN_SIM MODELS_DIR WORK_DIR TARGET ALGORITHM METHOD
set -euo pipefail
sim=$1 models=$2 work=$3 target=$4 algorithm=$5 method=$6
bundled=$models/bundled
dir=$work/quant_${target}_${algorithm}_${method}
rm -rf "$dir" && mkdir -p "$dir"
convert() {
  "$sim" -q convert "$bundled/tiny_resnet.onnx" -t "$target" -d "$bundled/dataset.txt" "$@"
}
convert --quantized-algorithm "$algorithm" --quantized-method "$method" -o "$dir/model.rknnsim"
convert --quantized-algorithm "$algorithm" --quantized-method "$method" -o "$dir/again.rknnsim"
cmp "$dir/model.rknnsim" "$dir/again.rknnsim"
convert -o "$dir/default.rknnsim"
if [ "$algorithm/$method" = normal/channel ]; then
  cmp "$dir/model.rknnsim" "$dir/default.rknnsim"
elif cmp -s "$dir/model.rknnsim" "$dir/default.rknnsim"; then
  echo "FAIL: $algorithm/$method gave the same model as normal/channel"; exit 1
fi
for input in "$bundled/input.npy" "$bundled"/calib/calib_0[0-2].npy; do
  name=$(basename "$input" .npy)
  "$sim" -q run "$dir/model.rknnsim" -i "$input" -o "$dir/sim_$name"
  "$sim" -q run "$dir/model.rknnsim" --reference int8 -i "$input" -o "$dir/ref_$name"
  cmp "$dir/sim_$name/0_output.npy" "$dir/ref_$name/0_output.npy"
done
echo "bit-exact: $target $algorithm $method"
