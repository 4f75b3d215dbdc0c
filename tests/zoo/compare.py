#!/usr/bin/python3
"""Run rknn-sim's float reference executor on one zoo model and compare with an independent engine.

usage: compare.py --sim RKNN_SIM --dir MODEL_DIR [--work OUT_DIR] [--rtol R] [--sim-arg ARG ...]

MODEL_DIR holds model.onnx, input_0.npy [input_1.npy ...] and the independent engine's outputs
as <engine>_output_K.npy (torch_output_K.npy from scripts/gen_zoo.py, ort_output_K.npy from
onnxruntime-node via tests/zoo/ort_run.js). Runs

  RKNN_SIM run MODEL_DIR/model.onnx --reference float -i input_0.npy ... -o OUT_DIR [ARG ...]

and checks every output K (OUT_DIR/K_<name>.npy) against the reference with
max|ours - ref| / max|ref| <= rtol. The default rtol is 1e-4, or 1e-3 when the graph has
transcendental or piecewise-approximated ops (sigmoid, softmax, erf, hard-swish ...), whose
implementations legitimately differ in the last bits between engines. When MODEL_DIR/meta.json
records torch_fp32_vs_fp64 (PyTorch's own float32 error against float64 on this model and input,
written by gen_zoo.py), output K's tolerance is at least 3x that figure: a deep random network can
be so ill-conditioned that two correct float32 engines differ by more than 1e-4.
MODEL_DIR/sim_args.txt, if present, holds extra `rknn-sim run` arguments, one per line.

Prints one line per output, then a summary line, and writes OUT_DIR/result.json. Exit code 0
when every output is within tolerance, 1 otherwise (including rknn-sim errors, whose
'E ...' line is repeated in the summary).
"""
import argparse
import glob
import json
import os
import re
import resource
import subprocess
import sys
import time

import numpy as np

NOISE_FACTOR = 3.0
TRANSCENDENTAL = {"Sigmoid", "HardSigmoid", "HardSwish", "Erf", "Softmax", "LogSoftmax", "Exp", "Log", "Tanh",
                  "Sqrt", "Pow", "Gelu", "Mish", "Softplus", "Elu", "Selu", "Sin", "Cos", "Reciprocal",
                  "LayerNormalization", "InstanceNormalization", "GroupNormalization", "Atan", "Acos", "Asin"}


def op_types(model_path):
    try:
        import onnx
        m = onnx.load(model_path, load_external_data=False)
    except Exception as e:  # pragma: no cover - only when python3-onnx is missing
        print(f"warning: cannot read ops of {model_path} ({e}); using the tight tolerance")
        return set()
    ops = set()
    graphs = [m.graph]
    while graphs:
        g = graphs.pop()
        for n in g.node:
            ops.add(n.op_type)
            graphs += [a.g for a in n.attribute if a.HasField("g")]
    return ops


def numbered(paths, pattern):
    found = {}
    for p in paths:
        mt = re.fullmatch(pattern, os.path.basename(p))
        if mt:
            found[int(mt.group(1))] = p
    return [found[k] for k in sorted(found)] if sorted(found) == list(range(len(found))) else None


def main():
    ap = argparse.ArgumentParser(description="compare rknn-sim's float reference with an independent engine")
    ap.add_argument("--sim", required=True, help="path to build/tools/rknn-sim")
    ap.add_argument("--dir", required=True, help="model directory (model.onnx, input_K.npy, *_output_K.npy)")
    ap.add_argument("--model", default="model.onnx", help="model file name inside --dir (default model.onnx)")
    ap.add_argument("--work", help="directory for rknn-sim's outputs (default DIR/sim_out)")
    ap.add_argument("--rtol", type=float, help="fixed tolerance for every output (no automatic choice)")
    ap.add_argument("--sim-arg", action="append", default=[], help="extra argument for `rknn-sim run` (repeatable)")
    args = ap.parse_args()

    d = os.path.abspath(args.dir)
    name = os.path.basename(d.rstrip("/"))
    model = os.path.join(d, args.model)
    work = os.path.abspath(args.work or os.path.join(d, "sim_out"))
    inputs = numbered(glob.glob(os.path.join(d, "input_*.npy")), r"input_(\d+)\.npy")
    refs = numbered(glob.glob(os.path.join(d, "*_output_*.npy")), r"[a-z]+_output_(\d+)\.npy")
    if not os.path.exists(model) or not inputs or not refs:
        print(f"error: {d} needs {args.model}, input_0.npy.. and <engine>_output_0.npy..")
        return 1
    engine = os.path.basename(refs[0]).split("_output_")[0]

    ops = op_types(model)
    trans = sorted(ops & TRANSCENDENTAL)
    base_rtol = args.rtol if args.rtol is not None else (1e-3 if trans else 1e-4)
    noise = []
    meta_path = os.path.join(d, "meta.json")
    if args.rtol is None and os.path.exists(meta_path):
        with open(meta_path) as f:
            noise = json.load(f).get("torch_fp32_vs_fp64", [])
    tols = [max(base_rtol, NOISE_FACTOR * noise[k]) if k < len(noise) else base_rtol for k in range(len(refs))]
    rtol = max(tols)
    sim_args = list(args.sim_arg)
    if os.path.exists(os.path.join(d, "sim_args.txt")):
        with open(os.path.join(d, "sim_args.txt")) as f:
            sim_args += [l.rstrip("\n") for l in f if l.strip()]

    os.makedirs(work, exist_ok=True)
    for f in glob.glob(os.path.join(work, "*.npy")):
        os.remove(f)
    cmd = [args.sim, "run", model, "--reference", "float"]
    for i in inputs:
        cmd += ["-i", i]
    cmd += ["-o", work] + sim_args
    print("$ " + " ".join(cmd), flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    except OSError as e:
        proc = subprocess.CompletedProcess(cmd, 127, f"E cannot start {args.sim}: {e}")
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    log = proc.stdout.rstrip()
    if log:
        lines = log.splitlines()
        print("\n".join(lines if len(lines) <= 40 else lines[:20] + ["..."] + lines[-20:]))
    result = {"name": name, "engine": engine, "rtol": rtol, "fp32_noise": max(noise) if noise else None, "transcendental_ops": trans, "wall_s": round(wall, 3),
              "cpu_s": round(cpu, 3), "outputs": [], "status": "FAIL", "error": None, "max_rel": None}

    def finish(code):
        with open(os.path.join(work, "result.json"), "w") as f:
            json.dump(result, f, indent=1)
        return code

    if proc.returncode != 0:
        err = [l for l in log.splitlines() if l.startswith("E ")]
        result["error"] = err[-1] if err else f"rknn-sim exited with {proc.returncode}"
        print(f"zoo {name}: FAIL ({result['error']})")
        return finish(1)

    ours = numbered(glob.glob(os.path.join(work, "*.npy")), r"(\d+)_.*\.npy")
    if not ours or len(ours) != len(refs):
        result["error"] = f"rknn-sim wrote {len(ours or [])} outputs, {engine} has {len(refs)}"
        print(f"zoo {name}: FAIL ({result['error']})")
        return finish(1)
    worst, ok = 0.0, True
    for k, (o, r) in enumerate(zip(ours, refs)):
        a, b = np.load(o).astype(np.float64), np.load(r).astype(np.float64)
        entry = {"index": k, "file": os.path.basename(o), "shape": list(a.shape)}
        if a.size != b.size or (a.shape != b.shape and a.squeeze().shape != b.squeeze().shape):
            entry["error"] = f"shape {list(a.shape)} vs {engine} {list(b.shape)}"
            ok = False
        elif not np.isfinite(a).all():
            entry["error"] = "non-finite values"
            ok = False
        else:
            a = a.reshape(b.shape)
            denom = np.abs(b).max()
            rel = float(np.abs(a - b).max() / denom) if denom > 0 else float(np.abs(a - b).max())
            entry["max_rel"] = rel
            entry["rtol"] = tols[k]
            worst = max(worst, rel)
            ok = ok and rel <= tols[k]
        result["outputs"].append(entry)
        detail = entry.get("error") or f"max rel err {entry['max_rel']:.3e} (tol {tols[k]:.1e}" + \
            (f", torch fp32 vs fp64 {noise[k]:.1e})" if k < len(noise) else ")")
        print(f"  output {k} {os.path.basename(o)} {list(a.shape)}: {detail}")
    result["max_rel"] = worst
    result["status"] = "PASS" if ok else "FAIL"
    if not ok and not result["error"]:
        errs = [e["error"] for e in result["outputs"] if "error" in e]
        result["error"] = errs[0] if errs else f"max rel err {worst:.3e} > tol"
    print(f"zoo {name}: {result['status']} max rel err {worst:.3e} vs {engine} (tol {rtol:.1e}"
          f"{', transcendental: ' + ','.join(trans) if trans else ''}); float reference "
          f"{wall:.2f} s wall, {cpu:.2f} s cpu")
    return finish(0 if ok else 1)


if __name__ == "__main__":
    sys.exit(main())
