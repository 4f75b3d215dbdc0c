#!/usr/bin/env bash
# A zoo network compiled for one target: the SystemC platform (NPU tasks and CPU fallback ops)
# must equal the int8 reference executor byte for byte on every output, and the timing-only
# perf run must work.
# usage: tests/zoo/bit_exact.sh NAME RKNN_SIM TARGET [CACHE_DIR [WORK_DIR]]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -ge 3 ] || { echo "usage: $0 NAME RKNN_SIM TARGET [CACHE_DIR [WORK_DIR]]" >&2; exit 2; }
name=$1 sim=$2 target=$3
cache=${4:-${RKNN_SIM_CACHE:-$root/build/zoo-cache}}
work=${5:-$cache/work/bit_exact_${name}_$target}
/usr/bin/python3 "$root/scripts/gen_zoo.py" --out "$cache/models" --only "$name" >/dev/null
dir=$cache/models/$name
rm -rf "$work" && mkdir -p "$work"
inputs=$(ls "$dir"/input_*.npy | sort)
echo $inputs >"$work/dataset.txt"
args=()
for f in $inputs; do args+=(-i "$f"); done
"$sim" -q convert "$dir/model.onnx" -t "$target" -d "$work/dataset.txt" -o "$work/model.rknnsim"
"$sim" -q run "$work/model.rknnsim" "${args[@]}" -o "$work/sim"
"$sim" -q run "$work/model.rknnsim" --reference int8 "${args[@]}" -o "$work/ref"
count=0
for f in "$work"/ref/*.npy; do
  cmp "$f" "$work/sim/$(basename "$f")"
  count=$((count + 1))
done
"$sim" perf "$work/model.rknnsim" --json "$work/perf.json" >"$work/perf.txt"
echo "bit-exact: $name on $target ($count outputs); $(grep 'Total Operator' "$work/perf.txt")"
echo "placement: $(grep -c ' NPU ' "$work/perf.txt") NPU rows, $(grep -c ' CPU ' "$work/perf.txt") CPU rows"
