#!/usr/bin/env bash
# Compiles every zoo network for each target and writes, per model and target, the disassembly
# (`rknn-sim disasm`) and the memory report (`rknn-sim memory --json`), plus one summary table.
# Every compile checks its DDR plan (no two live tensors overlap), so a clean run is also the
# overlap check over the whole zoo.
#
# usage: scripts/zoo_reports.sh [-s RKNN_SIM] [-c CACHE_DIR] [-o OUT_DIR] [TARGET ...]
#   TARGETs default to rk3566 rk3588 rv1106; the torch models are generated into CACHE_DIR
#   (default build/zoo-cache) by scripts/gen_zoo.py; the PP-OCR models are included when a zoo
#   run has already prepared them there (CACHE_DIR/ocr/NAME).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sim=$root/build/tools/rknn-sim
cache=${RKNN_SIM_CACHE:-$root/build/zoo-cache}
out=$root/build/zoo-reports
while getopts "s:c:o:" opt; do
  case $opt in
    s) sim=$OPTARG ;;
    c) cache=$OPTARG ;;
    o) out=$OPTARG ;;
    *) echo "usage: $0 [-s RKNN_SIM] [-c CACHE_DIR] [-o OUT_DIR] [TARGET ...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(rk3566 rk3588 rv1106)
[ -x "$sim" ] || { echo "E zoo_reports: no rknn-sim at $sim (build first, or pass -s)" >&2; exit 2; }

mapfile -t names < <(/usr/bin/python3 "$root/scripts/gen_zoo.py" --list)
/usr/bin/python3 "$root/scripts/gen_zoo.py" --out "$cache/models" --only "${names[@]}" >/dev/null
dirs=()
for n in "${names[@]}"; do dirs+=("$cache/models/$n"); done
for n in ocr_det ocr_rec ocr_cls; do
  [ -f "$cache/ocr/$n/model.onnx" ] && dirs+=("$cache/ocr/$n")
done

mkdir -p "$out"
summary=$out/summary.md
{
  echo "| model | target | compile s | NPU tasks | CPU ops | weight MB | internal MB | total MB |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
} >"$summary"
failed=0
for dir in "${dirs[@]}"; do
  name=$(basename "$dir")
  extra=()
  [ -f "$dir/sim_args.txt" ] && mapfile -t extra <"$dir/sim_args.txt"
  for target in "${targets[@]}"; do
    work=$out/$name/$target
    mkdir -p "$work"
    ls "$dir"/input_*.npy | sort | tr '\n' ' ' >"$work/dataset.txt"
    start=$(date +%s.%N)
    if ! "$sim" -q convert "$dir/model.onnx" -t "$target" -d "$work/dataset.txt" "${extra[@]}" \
        -o "$work/model.rknnsim" 2>"$work/convert.log"; then
      echo "FAIL $name $target: $(tail -1 "$work/convert.log")" >&2
      failed=$((failed + 1))
      continue
    fi
    seconds=$(echo "$(date +%s.%N) - $start" | bc)
    "$sim" disasm "$work/model.rknnsim" >"$work/disasm.txt"
    "$sim" memory "$work/model.rknnsim" --json "$work/memory.json" >"$work/memory.txt"
    /usr/bin/python3 - "$work" "$name" "$target" "$seconds" >>"$summary" <<'EOF'
import json, sys
work, name, target, seconds = sys.argv[1:]
mem = json.load(open(f"{work}/memory.json"))
rows = [l.split("\t") for l in open(f"{work}/disasm.txt") if l[:1].isdigit()]
cpu = sum(1 for r in rows if len(r) > 2 and r[2] == "cpu")
npu = len(rows) - cpu
mb = lambda k: mem[k] / 2**20
print(f"| {name} | {target} | {float(seconds):.2f} | {npu} | {cpu} | {mb('weight_bytes'):.2f} | "
      f"{mb('internal_bytes'):.2f} | {mb('total_bytes'):.2f} |")
EOF
  done
done
cat "$summary"
echo "reports in $out ($((${#dirs[@]} * ${#targets[@]} - failed)) compiled, $failed failed)"
[ "$failed" = 0 ]
