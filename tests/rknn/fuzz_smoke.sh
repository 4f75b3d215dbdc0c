#!/usr/bin/env bash
# A short libFuzzer run of a .rknn parser (the reader, or the register-command decoder), seeded
# with sample files (by default the two small L-layout ones and the RV1106 T-layout one): no
# crash, leak or sanitizer report within the time budget.
# usage: fuzz_smoke.sh FUZZER DATA_DIR WORKDIR [SEED_NAME...]
set -euo pipefail
fuzzer=$1 data=$2 work=$3
shift 3
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(multiple_input_demo_rk3588 multiple_input_demo_rk3566_rk3568 retinaface_rv1106)
. "$(dirname "$0")/../shared_data.sh"
require_data "$data" "${seeds[@]/%/.rknn}"
rm -rf "$work" && mkdir -p "$work/corpus"
for f in "${seeds[@]}"; do
  cp "$data/$f.rknn" "$work/corpus/"
done
"$fuzzer" -max_total_time=20 -max_len=700000 -rss_limit_mb=4096 -print_final_stats=1 "$work/corpus" 2>"$work/log" || {
  tail -40 "$work/log"
  exit 1
}
grep -E "stat::number_of_executed_units" "$work/log"
