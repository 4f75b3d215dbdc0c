#!/usr/bin/env python3
"""Regenerates docs/timing_validation.md: simulated whole-model latency of the GROUND_TRUTH.md
models (rknn_model_zoo README, release 2025-04, batch 1, INT8, RK3588 on one core) against the
published figures, marking which rows calibration was fitted to (scripts/calibrate_timing.py).

usage: /usr/bin/python3 scripts/validate_timing.py [--sim build/tools/rknn-sim] [--cache build/zoo-cache]
                                                   [--out docs/timing_validation.md] [--max-median 20]
Models come from scripts/gen_zoo.py (random weights: timing does not depend on weight values);
each is calibrated on its one generated input, compiled per platform and run timing-only.
Exits 1 when the median absolute error over all rows exceeds --max-median percent (CTest
timing.validation).
"""
import argparse
import os
import statistics
import sys

import timing_data as td


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", default=os.path.join(td.ROOT, "build/tools/rknn-sim"))
    ap.add_argument("--cache", default=os.path.join(td.ROOT, "build/zoo-cache"))
    ap.add_argument("--out", default=os.path.join(td.ROOT, "docs/timing_validation.md"))
    ap.add_argument("--max-median", type=float, default=None, help="fail above this median |error| (percent)")
    args = ap.parse_args()
    compiled = td.compile_models(args.sim, args.cache)
    rows = []
    for name, (zoo, note, fps) in td.PUBLISHED.items():
        for platform, published_fps in fps.items():
            perf = td.perf(args.sim, compiled[(zoo, platform)])
            sim_ms = perf["total_time_us"] / 1000.0
            pub_ms = 1000.0 / published_fps
            cpu_ms = sum(l["time_us"] for l in perf["layers"] if l["target"] == "CPU") / 1000.0
            err = 100.0 * (sim_ms - pub_ms) / pub_ms
            role = "fit" if (zoo, platform) in td.FIT_ROWS else "held out"
            rows.append((name, platform, pub_ms, sim_ms, err, cpu_ms, role, note))
    median = statistics.median(abs(r[4]) for r in rows)
    held = [abs(r[4]) for r in rows if r[6] == "held out"]
    held_median = statistics.median(held)
    lines = [
        "# Timing validation against published board numbers",
        "",
        "Regenerate with `/usr/bin/python3 scripts/validate_timing.py` (after building `rknn-sim`); CTest",
        "`timing.validation` runs it and fails when the median absolute error exceeds 20%.",
        "Published: rknn_model_zoo README (release 2025-04), batch 1, INT8, `rknn_run` time, RK3588 and RK3576 on one core",
        "(shared GROUND_TRUTH.md). Simulated: `rknn-sim perf` (timing-only) of the stand-in network with random",
        "weights, compiled with the current placement (ops without an NPU lowering run as CPU fallback).",
        "",
        "Calibration (scripts/calibrate_timing.py, evidence in models/<platform>/calibration.md): the conv",
        "cycle floor and the DDR efficiency come from published RK3588 per-layer rows, not from this table;",
        "the per-task overhead of each platform is fitted to the row marked `fit`. Rows marked `held out`",
        "played no part in any fit.",
        "",
        "| model | platform | published (ms) | simulated (ms) | error | of which CPU fallback (ms) | role | stand-in |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, platform, pub, sim, err, cpu, role, note in rows:
        lines.append(f"| {name} | {platform} | {pub:.2f} | {sim:.2f} | {err:+.1f}% | {cpu:.2f} | {role} | {note} |")
    lines += ["", f"Median absolute error over all {len(rows)} rows: **{median:.1f}%**; "
              f"over the {len(held)} held-out rows: **{held_median:.1f}%**.", ""]
    lines += [
        "## Where the model misses, and why",
        "",
        "- **yolov8n (too fast except on rk3576).** The stand-in runs SiLU as a separate LUT task and still",
        "  comes out fast, so the miss is not in the convolutions' MAC count: the board's C2f blocks move many",
        "  small 16-64-channel tensors (Split/Concat) whose fixed per-layer costs the single per-task overhead",
        "  does not capture, and the head's Resize/ReduceSum run as CPU fallback here with a guessed cost.",
        "- **resnet50 on rk3566 (too slow).** The overhead fitted on yolov5s (8.05 us per task) is charged on",
        "  every row tile; resnet50's wide 14x14/7x7 layers are split into many kernel-chunk tiles on the",
        "  256 KiB CBUF, and their input is re-read for every kernel chunk (no DATA_REUSE modelled).",
        "- **mobilenet_v2 (too fast).** Depthwise layers are DDR-bound here; the board's perf_debug rows show",
        "  depthwise NPU cycles of 9*ceil(C/64), which rknn-sim models as 9*ceil(C/32) (slower), so the",
        "  remaining miss is in per-layer fixed costs rather than in compute.",
        "- **rk3562 and rk3576.** No public source gives their boards' DDR rate: their bandwidth is the",
        "  parameter fitted to the yolov5s row, with RK3588's per-task overhead (models/<platform>/calibration.md).",
        "- The stand-ins are not the exact model-zoo graphs (torchvision ResNet-50 v1 vs ONNX ResNet50-v2,",
        "  random weights, our own fusion decisions); board numbers themselves move up to 1.5x between SDKs.",
        "",
    ]
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))
    if args.max_median is not None and median > args.max_median:
        print(f"median absolute error {median:.1f}% exceeds {args.max_median}%", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
