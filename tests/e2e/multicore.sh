#!/usr/bin/env bash
# Core masks and batch through the CLI: `run` writes the same bytes as the int8 reference for every
# --core-mask and for --batch-size 2; perf reports the split Concat's WorkLoad (gen_split_model.py:
# the bundled model's Add runs fused into its conv, which stays on one core); two models run on
# two cores with one `perf`; bad masks and batch-fixed models give one-line errors.
# usage: multicore.sh RKNN_SIM MODELS_DIR WORK_DIR TARGET (rk3588: three cores, rk3576: two, others one)
set -euo pipefail
sim=$1 models=$2 work=$3 target=$4
bundled=$models/bundled
dir=$work/multicore_$target
rm -rf "$dir" && mkdir -p "$dir"
py=/usr/bin/python3
"$sim" -q convert "$bundled/tiny_resnet.onnx" -t "$target" -d "$bundled/dataset.txt" -o "$dir/m.rknnsim"
"$sim" -q run "$dir/m.rknnsim" --reference int8 -i "$bundled/input.npy" -o "$dir/ref"
$py "$(dirname "$0")/gen_split_model.py" "$dir/split"
"$sim" -q convert "$dir/split/split.onnx" -t "$target" -d "$dir/split/dataset.txt" -o "$dir/s.rknnsim"
"$sim" -q run "$dir/s.rknnsim" --reference int8 -i "$dir/split/input.npy" -o "$dir/split_ref"

expect_error() {  # expect_error PATTERN COMMAND...: exit code 1, one line on stderr matching PATTERN
  local pattern=$1; shift
  if "$@" 2>"$dir/err.txt" >/dev/null; then echo "expected failure: $*"; exit 1; fi
  grep -q -- "$pattern" "$dir/err.txt" || { echo "wrong error for $*:"; cat "$dir/err.txt"; exit 1; }
  [ "$(wc -l <"$dir/err.txt")" -eq 1 ] || { echo "not one line:"; cat "$dir/err.txt"; exit 1; }
}

if [ "$target" = rk3576 ]; then
  # Two cores: every mask of them gives the reference's bytes, the Concat splits in two, the table
  # heads WorkLoad(0/1) as the user guide prints it for RK3576, and core 2 is refused.
  for mask in auto 0 1 0_1; do
    "$sim" -q run "$dir/m.rknnsim" -i "$bundled/input.npy" -o "$dir/sim_$mask" --core-mask "$mask"
    cmp "$dir/sim_$mask/0_output.npy" "$dir/ref/0_output.npy"
    "$sim" -q run "$dir/s.rknnsim" -i "$dir/split/input.npy" -o "$dir/split_$mask" --core-mask "$mask"
    cmp "$dir/split_$mask/0_y.npy" "$dir/split_ref/0_y.npy"
  done
  "$sim" perf "$dir/s.rknnsim" --core-mask 0_1 --json "$dir/perf2.json" >"$dir/perf2.txt"
  grep -q "WorkLoad(0/1) " "$dir/perf2.txt"
  $py - "$dir" <<'PY'
import json, sys
layers = json.load(open(sys.argv[1] + "/perf2.json"))["layers"]
cat = [l for l in layers if l["name"] == "Concat:concat"][0]
assert len(cat["workload"]) == 2 and all(w > 40 for w in cat["workload"]), cat["workload"]
for l in layers:
    if l["op_type"].startswith("Conv"):
        assert l["workload"] == [100, 0], l
PY
  expect_error "has 2 NPU cores" "$sim" -q run "$dir/m.rknnsim" -i "$bundled/input.npy" -o "$dir/x" --core-mask 0_1_2
  echo "multicore ok: $target"
  exit 0
fi

if [ "$target" != rk3588 ]; then
  # Single-core NPUs: auto and 0 work, anything else is refused with the reason.
  for mask in auto 0; do
    "$sim" -q run "$dir/m.rknnsim" -i "$bundled/input.npy" -o "$dir/sim_$mask" --core-mask "$mask"
    cmp "$dir/sim_$mask/0_output.npy" "$dir/ref/0_output.npy"
  done
  expect_error "has 1 NPU core" "$sim" -q run "$dir/m.rknnsim" -i "$bundled/input.npy" -o "$dir/x" --core-mask 0_1
  expect_error "core_mask applies to multi-core NPUs" "$sim" perf "$dir/m.rknnsim" --core-mask 1
  echo "multicore ok: $target"
  exit 0
fi

for mask in auto 0 1 2 0_1 0_1_2; do
  "$sim" -q run "$dir/m.rknnsim" -i "$bundled/input.npy" -o "$dir/sim_$mask" --core-mask "$mask"
  cmp "$dir/sim_$mask/0_output.npy" "$dir/ref/0_output.npy"
  "$sim" -q run "$dir/s.rknnsim" -i "$dir/split/input.npy" -o "$dir/split_$mask" --core-mask "$mask"
  cmp "$dir/split_$mask/0_y.npy" "$dir/split_ref/0_y.npy"
done
expect_error "unknown core mask" "$sim" -q run "$dir/m.rknnsim" -i "$bundled/input.npy" -o "$dir/x" --core-mask 3

# WorkLoad: the Concat splits over the enabled cores, convolutions stay on the first one.
"$sim" perf "$dir/s.rknnsim" --core-mask 0_1_2 --json "$dir/perf3.json" >"$dir/perf3.txt"
"$sim" perf "$dir/s.rknnsim" --core-mask 1 --json "$dir/perf1.json" >/dev/null
"$sim" perf "$dir/m.rknnsim" "$dir/m.rknnsim" --core-mask 0,1 --json "$dir/perf2m.json" >"$dir/perf2m.txt"
"$sim" perf "$dir/m.rknnsim" --json "$dir/perf_alone.json" >/dev/null
$py - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
three = json.load(open(d + "/perf3.json"))["layers"]
cat = [l for l in three if l["name"] == "Concat:concat"][0]
assert len(cat["workload"]) == 3 and all(w > 25 for w in cat["workload"]), cat["workload"]
assert abs(sum(cat["workload"]) - 100) < 1e-6
for l in three:
    if l["op_type"].startswith("Conv"):
        assert l["workload"] == [100, 0, 0], l
for l in json.load(open(d + "/perf1.json"))["layers"]:
    if l["target"] == "NPU":
        assert l["workload"] == [0, 100, 0], l
two = json.load(open(d + "/perf2m.json"))
alone = json.load(open(d + "/perf_alone.json"))["run_time_us"]  # one normal run, as the makespan is
assert len(two["models"]) == 2
# The same model twice on two cores: at least as slow as alone (shared DDR), faster than serial.
assert alone <= two["total_time_us"] < 2 * alone, (alone, two["total_time_us"])
PY
grep -q "34.4%/34.4%/31.2%.*Concat:concat" "$dir/perf3.txt"
grep -q "All 2 models done after" "$dir/perf2m.txt"
expect_error "one mask per model" "$sim" perf "$dir/m.rknnsim" "$dir/m.rknnsim" --core-mask 0_1_2

# Batch 2: two images stacked on the batch dim, bit-exact on one core and on three.
"$sim" -q convert "$bundled/tiny_resnet.onnx" -t "$target" -d "$bundled/dataset.txt" --batch-size 2 -o "$dir/b2.rknnsim"
$py -c "import numpy as np, sys; np.save(sys.argv[3], np.concatenate([np.load(sys.argv[1]), np.load(sys.argv[2])]))" \
  "$bundled/input.npy" "$bundled/calib/calib_01.npy" "$dir/in2.npy"
"$sim" -q run "$dir/b2.rknnsim" --reference int8 -i "$dir/in2.npy" -o "$dir/b2_ref"
for mask in 0 0_1_2; do
  "$sim" -q run "$dir/b2.rknnsim" -i "$dir/in2.npy" -o "$dir/b2_$mask" --core-mask "$mask"
  cmp "$dir/b2_$mask/0_output.npy" "$dir/b2_ref/0_output.npy"
done
"$sim" -q run "$dir/m.rknnsim" -i "$bundled/calib/calib_01.npy" -o "$dir/second"
$py - "$dir" <<'PY'
import numpy as np, sys
d = sys.argv[1]
b2 = np.load(d + "/b2_0/0_output.npy")
assert b2.shape == (2, 10), b2.shape
assert (b2[0:1] == np.load(d + "/ref/0_output.npy")).all()      # image 0 as batch 1
assert (b2[1:2] == np.load(d + "/second/0_output.npy")).all()   # image 1 as batch 1
PY
expect_error "stack 2 images" "$sim" -q run "$dir/b2.rknnsim" -i "$bundled/input.npy" -o "$dir/x"

# A model whose batch dim is fixed to 4 cannot take rknn_batch_size 2: the manual's advice.
$py - "$bundled/tiny_resnet.onnx" "$dir/batch4.onnx" <<'PY'
import onnx, sys
m = onnx.load(sys.argv[1])
for v in list(m.graph.input) + list(m.graph.output):
    v.type.tensor_type.shape.dim[0].dim_value = 4
onnx.save(m, sys.argv[2])
PY
expect_error "batch dimension is not 1.*§6.6" \
  "$sim" -q convert "$dir/batch4.onnx" -t "$target" -d "$bundled/dataset.txt" --batch-size 2 -o "$dir/x.rknnsim"
echo "multicore ok: $target"
