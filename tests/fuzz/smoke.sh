#!/usr/bin/env bash
# A short libFuzzer run of one parser's fuzz target from seed files: no crash, leak or sanitizer
# report within the time budget. Prints the number of inputs run.
# usage: smoke.sh FUZZER WORKDIR SECONDS SEED_FILE...
set -euo pipefail
fuzzer=$1 work=$2 seconds=$3
shift 3
rm -rf "$work" && mkdir -p "$work/corpus"
# Seeds keep their parent directory in the name: ONNX's conformance cases are all model.onnx.
for f in "$@"; do [ -f "$f" ] && cp "$f" "$work/corpus/$(basename "$(dirname "$f")")_$(basename "$f")"; done
"$fuzzer" -artifact_prefix="$work/" -max_total_time="$seconds" -max_len=700000 -rss_limit_mb=4096 -print_final_stats=1 "$work/corpus" \
  2>"$work/log" || { tail -40 "$work/log"; exit 1; }
grep -E "stat::number_of_executed_units" "$work/log"
