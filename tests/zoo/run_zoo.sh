#!/usr/bin/env bash
# Runs the zoo outside CTest and prints a results table: every model (or the NAMEs given),
# JOBS at a time, logs in WORK_DIR/NAME.log.
# usage: tests/zoo/run_zoo.sh [-j JOBS] [NAME ...]
#   env: RKNN_SIM (default build/tools/rknn-sim), RKNN_SIM_CACHE (default build/zoo-cache),
#        ZOO_WORK (default build/zoo-work)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jobs=2
if [ "${1:-}" = -j ]; then jobs=$2; shift 2; fi
sim=${RKNN_SIM:-$root/build/tools/rknn-sim}
cache=${RKNN_SIM_CACHE:-$root/build/zoo-cache}
work=${ZOO_WORK:-$root/build/zoo-work}
if [ $# -gt 0 ]; then names=("$@"); else
  mapfile -t names < <(/usr/bin/python3 "$root/scripts/gen_zoo.py" --list)
  names+=(ocr_det ocr_rec ocr_cls)
fi
mkdir -p "$work"
start=$(date +%s)
printf '%s\n' "${names[@]}" | xargs -P "$jobs" -I{} sh -c '
  rm -f "$3/{}/result.json"; "$0" {} "$1" "$2" "$3/{}" >"$3/{}.log" 2>&1; rc=$?
  case $rc in 0) s=PASS;; 77) s=SKIP;; *) s=FAIL;; esac
  echo "$s {} ($(tail -n 1 "$3/{}.log"))"' "$here/zoo_test.sh" "$sim" "$cache" "$work" || true
echo "zoo: $(( $(date +%s) - start )) s with $jobs jobs"
/usr/bin/python3 "$here/summary.py" "$work"
