#!/usr/bin/env python3
"""Regenerates docs/timing_validation.md: simulated whole-model latency of the GROUND_TRUTH.md
models (rknn_model_zoo README, release 2025-04, batch 1, INT8, RK3588 on one core) against the
published figures.

usage: /usr/bin/python3 scripts/validate_timing.py [--sim build/tools/rknn-sim] [--cache build/zoo-cache]
Models come from scripts/gen_zoo.py (random weights: timing does not depend on weight values);
each is calibrated on its one generated input, compiled per platform and run timing-only.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# model -> (zoo stand-in, note, {platform: published FPS}) from shared GROUND_TRUTH.md.
PUBLISHED = {
    "mobilenetv2-12": ("mobilenet_v2", "torchvision mobilenet_v2 (same architecture)",
                       {"rk3566": 180.7, "rk3588": 450.7}),
    "resnet50-v2-7": ("resnet50", "torchvision resnet50 (v1 ordering, same convolutions)",
                      {"rk3566": 37.9, "rk3588": 110.1}),
    "yolov5s_relu": ("yolov5s_relu", "YOLOv5s with ReLU, RKNN-friendly head (tests/zoo)",
                     {"rk3566": 25.5, "rk3588": 66.1}),
    "yolov8n": ("yolov8n", "YOLOv8n with the model zoo's split head (tests/zoo)",
                {"rk3566": 34.0, "rk3588": 73.5}),
}


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", default=os.path.join(ROOT, "build/tools/rknn-sim"))
    ap.add_argument("--cache", default=os.path.join(ROOT, "build/zoo-cache"))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs/timing_validation.md"))
    args = ap.parse_args()
    models_dir = os.path.abspath(os.path.join(args.cache, "models"))
    work = os.path.join(args.cache, "timing")
    os.makedirs(work, exist_ok=True)
    rows, errors = [], []
    for name, (zoo, note, fps) in PUBLISHED.items():
        run([sys.executable, os.path.join(ROOT, "scripts/gen_zoo.py"), "--out", models_dir, "--only", zoo])
        model_dir = os.path.join(models_dir, zoo)
        inputs = sorted(f for f in os.listdir(model_dir) if f.startswith("input_") and f.endswith(".npy"))
        dataset = os.path.join(work, zoo + "_dataset.txt")
        with open(dataset, "w") as f:
            f.write(" ".join(os.path.join(model_dir, i) for i in inputs) + "\n")
        for platform, published_fps in fps.items():
            compiled = os.path.join(work, f"{zoo}_{platform}.rknnsim")
            run([args.sim, "-q", "convert", os.path.join(model_dir, "model.onnx"), "-t", platform, "-d", dataset,
                 "-o", compiled])
            perf_json = compiled + ".perf.json"
            run([args.sim, "-q", "perf", compiled, "--json", perf_json])
            with open(perf_json) as f:
                perf = json.load(f)
            sim_ms = perf["total_time_us"] / 1000.0
            pub_ms = 1000.0 / published_fps
            cpu_ms = sum(l["time_us"] for l in perf["layers"] if l["target"] == "CPU") / 1000.0
            err = 100.0 * (sim_ms - pub_ms) / pub_ms
            errors.append(abs(err))
            rows.append((name, platform, pub_ms, sim_ms, err, cpu_ms, note))
    median = statistics.median(errors)
    lines = [
        "# Timing validation against published board numbers",
        "",
        "Regenerate with `/usr/bin/python3 scripts/validate_timing.py` (after `bash scripts/demo.sh` built the tool).",
        "Published: rknn_model_zoo README (release 2025-04), batch 1, INT8, `rknn_run` time, RK3588 on one core",
        "(shared GROUND_TRUTH.md). Simulated: `rknn-sim perf` (timing-only) of the stand-in network with random",
        "weights, compiled with the current placement (ops without an NPU lowering run as CPU fallback).",
        "No parameter has been fitted to these rows yet: every timing value in models/*/platform.yaml is a",
        "sourced or `assumed` start value, so this table is a validation, not a fit.",
        "",
        "| model | platform | published (ms) | simulated (ms) | error | of which CPU fallback (ms) | stand-in |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, platform, pub, sim, err, cpu, note in rows:
        lines.append(f"| {name} | {platform} | {pub:.2f} | {sim:.2f} | {err:+.1f}% | {cpu:.2f} | {note} |")
    lines += ["", f"Median absolute error over {len(rows)} rows: **{median:.1f}%**.", ""]
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
