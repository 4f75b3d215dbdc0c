#!/usr/bin/env bash
# A short libFuzzer run of one parser's fuzz target from seed files: no crash, leak or sanitizer
# report within the time budget. Prints the number of inputs run.
# usage: smoke.sh FUZZER WORKDIR SECONDS SEED_FILE...
# FUZZ_RUNS=N also stops after N inputs, FUZZ_MAX_LEN=N caps an input's size (default 700000).
set -euo pipefail
fuzzer=$1 work=$2 seconds=$3
shift 3
rm -rf "$work" && mkdir -p "$work/corpus"
# Seeds keep their parent directory in the name: ONNX's conformance cases are all model.onnx.
for f in "$@"; do [ -f "$f" ] && cp "$f" "$work/corpus/$(basename "$(dirname "$f")")_$(basename "$f")"; done
"$fuzzer" -artifact_prefix="$work/" -max_total_time="$seconds" -runs="${FUZZ_RUNS:--1}" -max_len="${FUZZ_MAX_LEN:-700000}" -rss_limit_mb=4096 -print_final_stats=1 "$work/corpus" \
  2>"$work/log" || { tail -40 "$work/log"; exit 1; }
echo "$(grep -E "stat::number_of_executed_units" "$work/log") in $(grep -E "stat::average_exec_per_sec" "$work/log" | awk '{print $2}')/s"
