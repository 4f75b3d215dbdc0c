#!/usr/bin/env bash
# The RKNN-Toolkit2 troubleshooting manual's failure cases (docs/troubleshooting.md), each on a
# small model made for it: rknn-sim answers with one clear line naming the cause and the fix
# (exit 1), or handles the case and says what it did (a warning, exit 0), never a crash.
# usage: manual_cases.sh RKNN_SIM WORK_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sim=$1 dir=$2/manual_cases
rm -rf "$dir" && mkdir -p "$dir"
/usr/bin/python3 "$here/make_manual_cases.py" "$dir/m" || exit 1
m=$dir/m
echo "$m/x.npy" >"$dir/x.txt"
echo "$m/x.npy $m/w.npy" >"$dir/xw.txt"
failures=0

# expect CODE PATTERN STDERR_LINES -- command...
expect() {
  local want=$1 pattern=$2 want_lines=$3; shift 4
  "$@" >"$dir/out" 2>"$dir/err"
  local code=$?
  local lines; lines=$(wc -l <"$dir/err")
  if [ "$code" != "$want" ] || [ "$lines" != "$want_lines" ] || { [ -n "$pattern" ] && ! grep -q -- "$pattern" "$dir/err"; }; then
    echo "FAIL: '$*' exited $code (want $want), stderr ($lines lines, want $want_lines):"; cat "$dir/err"
    failures=$((failures + 1))
  else
    echo "ok: ${*:1:2} ... $(head -1 "$dir/err")"
  fi
}
convert() { "$sim" -q convert "$m/$1.onnx" -t rk3588 "${@:2}" -o "$dir/$1.rknnsim"; }

# §5.5.1 IR version too new for the importer
expect 1 "IR version 11 is outside" 1 -- convert ir_too_new -d "$dir/x.txt"
# §5.5.3 dynamic input shape: refused with the fix, and the fix works
expect 1 "input_size_list" 1 -- convert dynamic_input -d "$dir/x.txt"
expect 0 "" 0 -- convert dynamic_input -d "$dir/x.txt" --input-size-list '[[1,3,8,8]]'
# §5.5.4 custom outputs that the graph does not have
expect 1 "no_such_tensor" 1 -- convert dynamic_input -d "$dir/x.txt" --input-size-list '[[1,3,8,8]]' --outputs no_such_tensor
# §7.5 NonMaxSuppression/TopK post-processing and §7.12 NonZero (dynamic graph): cut the graph
expect 1 "cut the graph" 1 -- convert topk -d "$dir/x.txt"
expect 1 "cut the graph" 1 -- convert nonzero -d "$dir/x.txt"
# §7.6 Expand with a shape computed from an input ("invalid expand shape")
expect 1 "Expand_294" 1 -- convert dynamic_expand --no-quant
# §7.10 dynamic convolution: refused in int8 with the alternative; runs on the CPU in fp16
expect 1 "dynamic convolution" 1 -- convert dynamic_conv -d "$dir/xw.txt"
expect 0 "" 0 -- convert dynamic_conv --no-quant
expect 0 "" 0 -- "$sim" -q run "$dir/dynamic_conv.rknnsim" -i "$m/x.npy" -i "$m/w.npy" -o "$dir/out_dc"
# ... and computes what PyTorch computes (conv 3x3 pad 1 with the input weights, then ReLU), to fp16
if /usr/bin/python3 - "$m" "$dir/out_dc" <<'PY'
import glob, sys
import numpy as np, torch
m, out = sys.argv[1:3]
x, w = torch.tensor(np.load(m + "/x.npy")), torch.tensor(np.load(m + "/w.npy"))
want = torch.relu(torch.nn.functional.conv2d(x, w, padding=1)).numpy()
got = np.load(glob.glob(out + "/0_*.npy")[0])
err = np.abs(got - want).max()
bound = 2e-3 * max(1.0, float(np.abs(want).max()))
print("dynamic conv vs PyTorch: max abs error %.5f (bound %.5f)" % (err, bound))
sys.exit(0 if got.shape == want.shape and err <= bound else 1)
PY
then echo "ok: dynamic conv output matches PyTorch"; else echo "FAIL: dynamic conv output"; failures=$((failures + 1)); fi
# MaxPool's Indices: the float reference computes them; a quantized build names the fix
expect 0 "" 0 -- "$sim" -q run "$m/maxpool_indices.onnx" --reference float -i "$m/x.npy" -o "$dir/out_mp"
expect 1 "Indices output is computed only by the float32 reference" 1 -- convert maxpool_indices -d "$dir/x.txt"
# BatchNormalization in training mode: the float reference uses the batch's statistics; builds refuse
expect 0 "" 0 -- "$sim" -q run "$m/batchnorm_training.onnx" --reference float -i "$m/x.npy" -o "$dir/out_bn"
expect 1 "training mode is computed only by the float32 reference" 1 -- convert batchnorm_training --no-quant
# §7.11 float16 weights in the ONNX file
expect 1 "float16" 1 -- convert float16_model --no-quant
# §7.9 ops on tensors of more than 4 dimensions: converted, with a warning per op that leaves the NPU
expect 0 "5-D tensor" 2 -- convert five_d -d "$dir/x.txt"
# §9.15 fp16 overflow: inf/nan outputs name the layer that left the fp16 range
expect 0 "" 0 -- convert fp16_overflow --no-quant
expect 0 "layer 'conv0' reaches" 1 -- "$sim" -q run "$dir/fp16_overflow.rknnsim" -i "$m/big.npy" -o "$dir/out_ov"
# §9.6 "Invalid RKNN format": a file that is not a compiled model
expect 1 "not an rknn-sim model" 1 -- "$sim" perf "$m/x.npy"

[ "$failures" = 0 ] && echo "all manual cases answered" || { echo "$failures case(s) failed"; exit 1; }
