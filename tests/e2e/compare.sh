#!/usr/bin/env bash
# `rknn-sim compare`, the board regression check, through the CLI on the bundled model. The
# "board" dumps are `rknn-sim run` outputs (so they match), re-saved as the board's runtime gives
# them: float32 (want_float=1), raw int8 and its uint8 bytes (want_float=0). Then one corrupted
# output (exit 3, its FAIL row), dumps of the wrong shape or dtype and missing files (exit 1, one
# `E compare:` line naming the file), and the --json report parsed by python3.
# usage: compare.sh RKNN_SIM MODELS_DIR WORK_DIR
set -uo pipefail
sim=$1 models=$2 work=$3
dir=$work/compare
rm -rf "$dir" && mkdir -p "$dir/inputs"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# check CODE PATTERN -- command...: exit code CODE and PATTERN on stdout (0, 3) or on the single
# stderr line (1).
check() {
  local want=$1 pattern=$2; shift 3
  "$@" >"$dir/out" 2>"$dir/err"
  local code=$? stream=$dir/out
  [ "$want" = 1 ] && stream=$dir/err
  if [ "$code" != "$want" ] || ! grep -q -- "$pattern" "$stream"; then
    fail "'$*' exited $code (want $want, '$pattern'):"; cat "$dir/out" "$dir/err"
  elif [ "$want" = 1 ] && [ "$(wc -l <"$dir/err")" != 1 ]; then
    fail "'$*' printed more than one error line:"; cat "$dir/err"
  else
    echo "ok ($code): $(if [ "$want" = 1 ]; then cat "$dir/err"; else grep -- "$pattern" "$stream" | head -1; fi)"
  fi
}

py() { /usr/bin/python3 - "$@"; }

"$sim" -q convert "$models/bundled/tiny_resnet.onnx" -t rk3588 -d "$models/bundled/dataset.txt" -o "$dir/m.rknnsim" || exit 1
cp "$models/bundled/input.npy" "$dir/inputs/input_0.npy"
"$sim" -q run "$dir/m.rknnsim" -i "$dir/inputs/input_0.npy" -o "$dir/board_run" || exit 1
compare() { "$sim" compare "$dir/m.rknnsim" --inputs "$dir/inputs" "$@"; }

# 1. The run's own output directory, float32 dumps: everything matches.
check 0 "^PASS: 1 output(s)" -- compare --board "$dir/board_run" --json "$dir/float.json"
grep -q "^output  0 output .*(1, 10) .*float32 .*0/10 .*PASS$" "$dir/out" || fail "no PASS row for output 0"

# 2. Raw int8 (want_float=0), quantized with the scale/zero point the report gives; its uint8 bytes.
py "$dir" <<'PY' || fail "cannot write raw dumps"
import json, os, sys
import numpy as np
d = sys.argv[1]
o = json.load(open(d + "/float.json"))["outputs"][0]
x = np.load(d + "/board_run/0_output.npy")
q = (np.round(x / o["scale"]) + o["zero_point"]).astype(np.int8)
for name, a in [("int8", q), ("uint8", q.view(np.uint8))]:
    os.makedirs(d + "/board_" + name)
    np.save(d + "/board_%s/output_0.npy" % name, a)
np.save(d + "/board_int8/not_a_tensor.npy", np.zeros(3, np.float32))
PY
check 0 "^output  0 output .*int8 .*0/10 .*PASS$" -- compare --board "$dir/board_int8" --json "$dir/int8.json"
grep -q "^W '.*/not_a_tensor.npy' names no output or internal tensor" "$dir/err" ||
  fail "no warning for the ignored file"
check 0 "^output  0 output .*uint8 .*0/10 .*PASS$" -- compare --board "$dir/board_uint8"

# 2b. Per-layer dumps: a .npy named after an internal tensor is compared with the simulator's
#     tensor. The model's input tensor as the board holds it is the float input quantized to int8,
#     so the float input is within one LSB of it; shifted by 1.0 it is not.
mkdir -p "$dir/board_layer" "$dir/board_layer_bad"
cp "$dir/board_run/0_output.npy" "$dir/board_layer/" && cp "$dir/inputs/input_0.npy" "$dir/board_layer/input.npy"
cp "$dir/board_run/0_output.npy" "$dir/board_layer_bad/"
py "$dir" <<'PY' || fail "cannot write layer dumps"
import sys
import numpy as np
d = sys.argv[1]
np.save(d + "/board_layer_bad/input.npy", np.load(d + "/inputs/input_0.npy") + 1.0)
PY
check 0 "^layer   input .*(1, 3, 64, 64) .*float32 .*0/12288 .*PASS$" -- compare --board "$dir/board_layer" --json "$dir/layer.json"
check 3 "^layer   input .*FAIL (.*mismatches)$" -- compare --board "$dir/board_layer_bad"
grep -q "^output  0 output .*PASS$" "$dir/out" || fail "the output should pass beside the bad layer"

# 3. One output corrupted (some values flipped): exit 3 and the FAIL row names it; loosened
#    thresholds let it pass again.
mkdir -p "$dir/board_bad"
py "$dir" <<'PY' || fail "cannot write corrupted dump"
import sys
import numpy as np
d = sys.argv[1]
x = np.load(d + "/board_run/0_output.npy")
x[0, [1, 4, 7]] = -x[0, [1, 4, 7]] - 1.0
np.save(d + "/board_bad/output_0.npy", x)
PY
check 3 "^output  0 output .*3/10 .*FAIL (.*mismatches)$" -- compare --board "$dir/board_bad" --json "$dir/bad.json"
grep -q "^FAIL: 1 of 1 tensor(s) crossed a threshold" "$dir/out" || fail "no FAIL verdict"
check 0 "^PASS" -- compare --board "$dir/board_bad" --min-cosine=-1 --max-mismatch 30%
check 3 "FAIL (mismatches)" -- compare --board "$dir/board_bad" --min-cosine=-1 --max-mismatch 2
check 3 "FAIL (max_abs_diff)" -- compare --board "$dir/board_bad" --min-cosine=-1 --max-mismatch 100% --max-abs-diff 0

# 4. Wrong shape, wrong dtype, missing files: exit 1 with one clear line.
for case in shape:float32:20 f64:float64:10 i32:int32:5; do
  IFS=: read -r name dtype n <<<"$case"
  mkdir -p "$dir/board_$name"
  py "$dir/board_$name/output_0.npy" "$dtype" "$n" <<'PY'
import sys
import numpy as np
np.save(sys.argv[1], np.zeros((1, int(sys.argv[3])), sys.argv[2]))
PY
done
check 1 "^E compare: board dump '$dir/board_shape/output_0.npy' for 'output' has shape (1, 20), expected (1, 10)" -- \
  compare --board "$dir/board_shape"
check 1 "^E compare: board dump '$dir/board_f64/output_0.npy' for 'output' has dtype float64, expected float32" -- \
  compare --board "$dir/board_f64"
check 1 "has dtype int32, expected" -- compare --board "$dir/board_i32"
mkdir -p "$dir/board_empty"
check 1 "^E compare: no board dump for output 0 'output' in '$dir/board_empty' (looked for output_0.npy" -- \
  compare --board "$dir/board_empty"
check 1 "is not a directory" -- compare --board "$dir/nowhere"
check 1 "no file for input 0 'input'" -- "$sim" compare "$dir/m.rknnsim" --inputs "$dir/board_empty" --board "$dir/board_run"
check 1 "max-mismatch '1.5' is neither" -- compare --board "$dir/board_run" --max-mismatch 1.5
# A threshold that is not a finite number is a usage error (2), not a silently disabled check.
for flag in --atol --rtol --max-abs-diff --min-cosine; do
  compare --board "$dir/board_run" "$flag" nan >/dev/null 2>"$dir/err"
  code=$?
  if [ "$code" = 2 ] && grep -q "finite number" "$dir/err"; then echo "ok (2): $flag nan: $(cat "$dir/err")"
  else fail "$flag nan exited $code: $(cat "$dir/err")"; fi
done
check 1 "cannot open" -- "$sim" compare "$dir/missing.rknnsim" --inputs "$dir/inputs" --board "$dir/board_run"
# A .rknn goes to the Rockchip path (tests/rknn/run_rknn.py compares real ones); an empty one is no
# .rknn at all.
touch "$dir/board.rknn"
check 1 "not an .rknn file" -- "$sim" compare "$dir/board.rknn" --inputs "$dir/inputs" --board "$dir/board_run"

# 5. fp16 model: float16 dumps compare, raw int8 ones are refused.
"$sim" -q convert "$models/bundled/tiny_resnet.onnx" -t rk3588 --no-quant -o "$dir/h.rknnsim" || exit 1
"$sim" -q run "$dir/h.rknnsim" -i "$dir/inputs/input_0.npy" -o "$dir/board_fp16" || exit 1
py "$dir/board_fp16/0_output.npy" <<'PY'
import sys
import numpy as np
np.save(sys.argv[1], np.load(sys.argv[1]).astype(np.float16))
PY
check 0 "^output  0 output .*float16 .*0/10 .*PASS$" -- "$sim" compare "$dir/h.rknnsim" --inputs "$dir/inputs" --board "$dir/board_fp16"
check 1 "has dtype int8, expected float32 or float16" -- "$sim" compare "$dir/h.rknnsim" --inputs "$dir/inputs" --board "$dir/board_int8"

# 6. The JSON reports: contract keys and values.
py "$dir" <<'PY' || fail "JSON report"
import json, sys
d = sys.argv[1]
keys = {"index", "name", "file", "shape", "dump_dtype", "model_dtype", "scale", "zero_point", "cosine",
        "max_abs_diff", "mismatches", "elements", "allowed_mismatches", "atol", "rtol", "pass", "failed",
        "first_mismatch"}
for name, dtype, ok in [("float", "float32", True), ("int8", "int8", True), ("bad", "float32", False)]:
    r = json.load(open("%s/%s.json" % (d, name)))
    assert {"model", "target", "inputs_dir", "board_dir", "thresholds", "outputs", "layers", "ignored_files",
            "pass"} <= set(r), r.keys()
    assert r["pass"] is ok and r["target"] == "rk3588", (name, r["pass"])
    assert r["thresholds"] == {"min_cosine": 0.999, "max_abs_diff": None, "atol": None, "rtol": None,
                               "max_mismatch": "0"}, r["thresholds"]
    (o,) = r["outputs"]
    assert keys <= set(o), keys - set(o)
    assert o["index"] == 0 and o["name"] == "output" and o["shape"] == [1, 10] and o["elements"] == 10, o
    assert o["dump_dtype"] == dtype and o["model_dtype"] == "int8" and o["atol"] == o["scale"] > 0, o
    assert o["pass"] is ok, o
    if ok:
        assert o["cosine"] > 0.999999 and o["max_abs_diff"] == 0 and o["mismatches"] == 0, o
        assert o["failed"] == [] and o["first_mismatch"] is None, o
    else:
        assert o["mismatches"] == 3 and "mismatches" in o["failed"], o
        assert o["first_mismatch"]["index"] == 1, o
    assert r["ignored_files"] == ([d + "/board_int8/not_a_tensor.npy"] if name == "int8" else []), r["ignored_files"]
r = json.load(open(d + "/layer.json"))
(l,) = r["layers"]
assert "index" not in l and l["name"] == "input" and l["shape"] == [1, 3, 64, 64] and l["pass"] is True, l
assert l["model_dtype"] == "int8" and l["file"] == d + "/board_layer/input.npy", l
print("compare JSON ok")
PY

[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "compare: all checks passed"
