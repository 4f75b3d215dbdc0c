#!/usr/bin/env python3
"""Golden per-layer timing baselines (traces/baselines/): a zoo network is compiled for a target and
run timing-only; every layer's simulated time must stay within a tolerance of the committed
baseline, so timing changes are always deliberate. Refresh after a deliberate change with
  RKNN_SIM_UPDATE_GOLDEN=1 ctest -R zoo.timing_baseline
and review the diff of traces/baselines/.

usage: timing_baseline.py --sim RKNN_SIM --name NAME --target TARGET --cache CACHE --work WORK --baselines DIR
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REL_TOL = 0.02   # per layer
ABS_TOL_US = 0.5


def main():
    ap = argparse.ArgumentParser()
    for flag in ("--sim", "--name", "--target", "--cache", "--work", "--baselines"):
        ap.add_argument(flag, required=True)
    a = ap.parse_args()
    models = os.path.abspath(os.path.join(a.cache, "models"))
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts/gen_zoo.py"), "--out", models, "--only", a.name],
                   check=True, stdout=subprocess.DEVNULL)
    model_dir = os.path.join(models, a.name)
    os.makedirs(a.work, exist_ok=True)
    inputs = sorted(f for f in os.listdir(model_dir) if f.startswith("input_") and f.endswith(".npy"))
    dataset = os.path.join(a.work, "dataset.txt")
    with open(dataset, "w") as f:
        f.write(" ".join(os.path.join(model_dir, i) for i in inputs) + "\n")
    compiled = os.path.join(a.work, "model.rknnsim")
    perf_json = os.path.join(a.work, "perf.json")
    subprocess.run([a.sim, "-q", "convert", os.path.join(model_dir, "model.onnx"), "-t", a.target, "-d", dataset,
                    "-o", compiled], check=True)
    subprocess.run([a.sim, "-q", "perf", compiled, "--json", perf_json], check=True, stdout=subprocess.DEVNULL)
    with open(perf_json) as f:
        perf = json.load(f)
    current = {
        "model": a.name, "target": a.target, "total_time_us": round(perf["total_time_us"], 3),
        "layers": [{"name": l["name"], "op_type": l["op_type"], "target": l["target"],
                    "time_us": round(l["time_us"], 3), "cycles_total": l["cycles_total"]} for l in perf["layers"]],
    }
    path = os.path.join(a.baselines, f"{a.name}_{a.target}.json")
    if os.environ.get("RKNN_SIM_UPDATE_GOLDEN") == "1":
        with open(path, "w") as f:
            json.dump(current, f, indent=1)
            f.write("\n")
        print(f"updated {path}")
        return 0
    if not os.path.exists(path):
        print(f"no baseline {path}; create it with RKNN_SIM_UPDATE_GOLDEN=1")
        return 1
    with open(path) as f:
        baseline = json.load(f)
    problems = []
    if [l["name"] for l in baseline["layers"]] != [l["name"] for l in current["layers"]]:
        problems.append("the layer list changed")
    else:
        for old, new in zip(baseline["layers"], current["layers"]):
            if old["target"] != new["target"]:
                problems.append(f"{new['name']}: placement {old['target']} -> {new['target']}")
            elif abs(new["time_us"] - old["time_us"]) > max(ABS_TOL_US, REL_TOL * old["time_us"]):
                problems.append(f"{new['name']}: {old['time_us']} -> {new['time_us']} us")
    print(f"{a.name} on {a.target}: total {baseline['total_time_us']} -> {current['total_time_us']} us")
    for p in problems[:20]:
        print("  " + p)
    if problems:
        print(f"{len(problems)} layer(s) moved beyond {REL_TOL:.0%}/{ABS_TOL_US} us; if deliberate, refresh the baseline")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
