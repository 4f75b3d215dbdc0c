#!/usr/bin/python3
"""Print a Markdown table of zoo results from the result.json files that compare.py writes.

usage: summary.py WORK_DIR   (e.g. build/tests/zoo_work: one subdirectory per model)
"""
import glob
import json
import os
import sys


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip())
        return 2
    rows = []
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "*", "result.json"))):
        with open(path) as f:
            r = json.load(f)
        err = f"{r['max_rel']:.2e}" if r.get("max_rel") is not None else "-"
        tol = f"{r['rtol']:.1e}"
        noise = f"{r['fp32_noise']:.1e}" if r.get("fp32_noise") is not None else "-"
        note = r.get("error") or ""
        rows.append(f"| {r['name']} | {r['status']} | {r['engine']} | {err} | {tol} | {noise} | "
                    f"{r['cpu_s']:.2f} | {r['wall_s']:.2f} | {note} |")
    if not rows:
        print(f"no result.json under {sys.argv[1]}")
        return 1
    print("| model | status | vs | max rel err | tol | torch fp32 vs fp64 | float ref cpu s | wall s | error |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
