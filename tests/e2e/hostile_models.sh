#!/usr/bin/env bash
# Hostile models through every subcommand that takes them: each is refused with one line on
# stderr and exit code 1 naming what is wrong (a register-field or CBUF limit, the boards' DDR, a
# malformed graph), never an "internal error", a crash or an allocation that brings the host down;
# rows beyond one task's register field are tiled instead.
# usage: hostile_models.sh RKNN_SIM MODELS_DIR WORK_DIR
set -uo pipefail
sim=$1 models=$2 work=$3
dir=$work/hostile_models
rm -rf "$dir" && mkdir -p "$dir"
failures=0

source "$(dirname "$0")/expect_error.sh"

/usr/bin/python3 "$(dirname "$0")/gen_hostile_models.py" "$dir" || exit 1
data=$models/bundled/dataset.txt
input=$models/bundled/input.npy
refusals=(
  "huge_dims:needs 305176 MiB of DDR, more than the 32768 MiB rk3588 boards carry"
  "wide:do not fit the platform's 393216-byte CBUF"
  "huge_channels:do not fit the platform's 393216-byte CBUF"
  "tall_huge:more than the 32768 MiB rk3588 boards carry"
  "wide_row:needs CNA.DATA_SIZE0.DATAIN_WIDTH = 3000, but that 11-bit register field holds at most 2047 on rk3588"
  "zero_dim:dynamic dimension"
  "negative_pads:negative padding"
  "cyclic:is not defined before use"
  "billion_constant:holds 16 bytes, its shape needs 4000000000"
  "declared_2p40:its shape needs 4398046511104"
)
for entry in "${refusals[@]}"; do
  name=${entry%%:*} pattern=${entry#*:}
  expect 1 "$pattern" -- "$sim" -q convert "$dir/$name.onnx" -t rk3588 --no-quant -o "$dir/x.rknnsim"
done
# Quantized builds stop before calibration would hold the float feature maps on the host.
expect 1 "more than the 32768 MiB rk3588 boards carry" -- "$sim" -q convert "$dir/tall_huge.onnx" -t rk3588 -d "$data" -o "$dir/x"
expect 1 "more than the 32768 MiB rk3588 boards carry" -- "$sim" -q convert "$dir/huge_dims.onnx" -t rk3588 -d "$data" -o "$dir/x"
expect 1 "more than the 256 MiB rv1106 boards carry" -- "$sim" -q convert "$dir/tall_huge.onnx" -t rv1106 --no-quant -o "$dir/x"
# The float reference reads the same ONNX files.
for name in zero_dim negative_pads cyclic billion_constant declared_2p40; do
  pattern=$(printf '%s\n' "${refusals[@]}" | sed -n "s/^$name://p")
  expect 1 "$pattern" -- "$sim" run "$dir/$name.onnx" --reference float -i "$input" -o "$dir/o"
done

# Rows beyond the CNA's rows field in one task are tiled, not refused: tasks of at most 2047 input
# rows, and the platform still equals the int8 reference byte for byte.
/usr/bin/python3 -c "import numpy as np; np.save('$dir/tall_rows.npy', np.random.RandomState(0).rand(1, 1, 5000, 2).astype(np.float32))"
echo "$dir/tall_rows.npy" >"$dir/tall_rows.txt"
if "$sim" -q convert "$dir/tall_rows.onnx" -t rk3588 -d "$dir/tall_rows.txt" -o "$dir/tall_rows.rknnsim" &&
   "$sim" -q run "$dir/tall_rows.rknnsim" -i "$dir/tall_rows.npy" -o "$dir/tall_sim" &&
   "$sim" -q run "$dir/tall_rows.rknnsim" --reference int8 -i "$dir/tall_rows.npy" -o "$dir/tall_ref" &&
   cmp -s "$dir"/tall_sim/*.npy "$dir"/tall_ref/*.npy; then
  rows=$("$sim" disasm "$dir/tall_rows.rknnsim" | grep -o 'rows=[0-9]*+[0-9]*' | cut -d+ -f2 | sort -n | tail -1)
  [ "$rows" -le 2047 ] || { echo "FAIL: tall_rows has a task of $rows rows"; failures=$((failures + 1)); }
else
  echo "FAIL: tall_rows was not tiled into a bit-exact program"; failures=$((failures + 1))
fi

# A model file built for boards with more memory than RK3588's (a platform description edited to
# allow it) is refused by the simulator before it allocates DDR (it used to end in std::bad_alloc).
cp -r "$models" "$dir/models_big"
sed -i 's/max_gib: *{value: 32,/max_gib: {value: 1024,/' "$dir/models_big/rk3588/platform.yaml"
RKNN_SIM_MODELS_DIR=$dir/models_big "$sim" -q convert "$dir/tall_huge.onnx" -t rk3588 --no-quant -o "$dir/big.rknnsim" ||
  { echo "FAIL: the edited platform did not take the big model"; failures=$((failures + 1)); }
expect 1 "the model needs 80567 MiB of DDR" -- "$sim" perf "$dir/big.rknnsim"

echo "$failures failure(s)"
[ "$failures" = 0 ]
