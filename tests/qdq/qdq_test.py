#!/usr/bin/python3
"""A pre-quantized (QDQ) PyTorch model through rknn-sim, with no dataset (docs/quantization.md §18).

usage: tests/qdq/qdq_test.py --sim RKNN_SIM --name NAME --target TARGET --cache DIR --work DIR
                            [--min-within-1-lsb SHARE | --vs-onnxruntime MARGIN --peers CACHE]

1. scripts/gen_qdq.py makes the model and PyTorch's int8 results (qnnpack) into CACHE/NAME.
2. `rknn-sim convert` without -d, and again with --no-quant: both must give the same program.
3. Per input: the SystemC platform and the int8 reference (`run --reference int8`) must be
   byte-identical; their output, mapped back to integers with the model's output scale and zero
   point, is compared with PyTorch's: prints the max difference in LSB and the share of outputs
   within 1 LSB, and fails below --min-within-1-lsb (default 0.99). The two implementations round
   requantization differently (qnnpack in float32, rknn-sim with a 16-bit multiplier and shift,
   §6), so single ops agree within 1 LSB; through a deep network those differences add up
   (an add of two inputs each 1 LSB off can be 3 LSB off). So a deep model's bar is what an
   independent int8 engine achieves on the same file: with --vs-onnxruntime MARGIN the file also
   runs on onnxruntime-node (its QDQ fusion into int8 kernels, scripts/fetch_peers.sh), and the
   share within 1 LSB of PyTorch must be at least onnxruntime's minus MARGIN (and onnxruntime
   must itself agree with PyTorch, or the reference is broken). Exits 77 (skip)
   when the npm registry is unreachable. For scale it also prints how far the ONNX float
   execution of the same file (`run model.onnx --reference float`, Q/DQ as ONNX defines them) is
   from PyTorch.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# onnxruntime and PyTorch, both independent of rknn-sim, agree within 1 LSB on 37-87% of the deep
# models' outputs (mobilenet_v2 lowest); below this their results cannot make a bar.
ORACLE_AGREEMENT = 0.25


def run(*cmd):
    subprocess.run([str(c) for c in cmd], check=True)


def main():
    ap = argparse.ArgumentParser()
    for flag in ("--sim", "--name", "--target", "--cache", "--work"):
        ap.add_argument(flag, required=True)
    ap.add_argument("--min-within-1-lsb", type=float, default=0.99)
    ap.add_argument("--vs-onnxruntime", type=float, metavar="MARGIN",
                    help="bar: onnxruntime's share within 1 LSB of PyTorch minus MARGIN")
    ap.add_argument("--peers", help="cache directory of scripts/fetch_peers.sh (with --vs-onnxruntime)")
    a = ap.parse_args()
    node_path = None
    if a.vs_onnxruntime is not None:
        peers = subprocess.run([os.path.join(ROOT, "scripts", "fetch_peers.sh"), a.peers or ""],
                               capture_output=True, text=True)
        if peers.returncode == 77:
            print(f"SKIP: onnxruntime-node unavailable: {peers.stderr.strip()}")
            sys.exit(77)
        if peers.returncode != 0:
            sys.exit(f"FAIL: scripts/fetch_peers.sh: {peers.stderr.strip()}")
        node_path = peers.stdout.strip()
    run(sys.executable, os.path.join(ROOT, "scripts", "gen_qdq.py"), "--out", a.cache, "--only", a.name)
    src = os.path.join(a.cache, a.name)
    with open(os.path.join(src, "meta.json")) as f:
        meta = json.load(f)
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    model = os.path.join(a.work, "model.rknnsim")
    run(a.sim, "-q", "convert", os.path.join(src, "model.onnx"), "-t", a.target, "-o", model)
    no_quant = os.path.join(a.work, "no_quant.rknnsim")
    run(a.sim, "-q", "convert", os.path.join(src, "model.onnx"), "-t", a.target, "--no-quant", "-o", no_quant)
    with open(model, "rb") as f1, open(no_quant, "rb") as f2:
        if f1.read() != f2.read():
            sys.exit("FAIL: convert with --no-quant gives another program than without a dataset")

    scale, zero_point = np.float32(meta["scale"]), meta["zero_point"]
    diffs, float_diffs, ort_diffs = [], [], []
    for k in range(meta["inputs"]):
        outs = {}
        for kind, extra in (("sim", []), ("ref", ["--reference", "int8"])):
            d = os.path.join(a.work, f"{kind}_{k}")
            run(a.sim, "-q", "run", model, *extra, "-i", os.path.join(src, f"input_{k}.npy"), "-o", d)
            files = sorted(glob.glob(os.path.join(d, "*.npy")))
            if len(files) != 1:
                sys.exit(f"FAIL: expected one output in {d}, got {files}")
            with open(files[0], "rb") as f:
                outs[kind] = f.read()
            outs[kind + "_array"] = np.load(files[0])
        if outs["sim"] != outs["ref"]:
            sys.exit(f"FAIL: input {k}: the platform's output differs from the int8 reference's")
        # The outputs are f32(scale * (q - z)) with |q - z| <= 255: dividing recovers q exactly.
        ours = np.round(outs["ref_array"] / scale).astype(np.int64) + zero_point
        torch_q = np.load(os.path.join(src, f"torch_q_{k}.npy")).astype(np.int64)
        if ours.shape != torch_q.shape:
            sys.exit(f"FAIL: output shape {ours.shape}, PyTorch's {torch_q.shape}")
        diffs.append(np.abs(ours - torch_q).ravel())
        d = os.path.join(a.work, f"float_{k}")
        run(a.sim, "-q", "run", os.path.join(src, "model.onnx"), "--reference", "float", "-i",
            os.path.join(src, f"input_{k}.npy"), "-o", d)
        onnx_q = np.round(np.load(glob.glob(os.path.join(d, "*.npy"))[0]) / scale).astype(np.int64) + zero_point
        float_diffs.append(np.abs(onnx_q - torch_q).ravel())
        if node_path is not None:
            d = os.path.join(a.work, f"ort_{k}")
            subprocess.run(["node", os.path.join(ROOT, "tests", "zoo", "ort_run.js"), os.path.join(src, "model.onnx"),
                            d, os.path.join(src, f"input_{k}.npy")], check=True, stdout=subprocess.DEVNULL,
                           env=dict(os.environ, NODE_PATH=node_path, ORT_RUN_OPT="all"))
            ort_q = np.round(np.load(os.path.join(d, "ort_output_0.npy")) / scale).astype(np.int64) + zero_point
            ort_diffs.append(np.abs(ort_q - torch_q).ravel())
    d, fd = np.concatenate(diffs), np.concatenate(float_diffs)
    within = float(np.mean(d <= 1))
    print(f"qdq {a.name} on {a.target}: platform == int8 reference on {meta['inputs']} inputs; vs PyTorch "
          f"(qnnpack) over {d.size} outputs: max {int(d.max())} LSB, {100 * within:.2f}% within 1 LSB, "
          f"{100 * float(np.mean(d == 0)):.2f}% equal (ONNX float QDQ execution vs PyTorch: max {int(fd.max())} LSB, "
          f"{100 * float(np.mean(fd <= 1)):.2f}% within 1 LSB)")
    bar, basis = a.min_within_1_lsb, "the fixed bar"
    if ort_diffs:
        od = np.concatenate(ort_diffs)
        ort_within = float(np.mean(od <= 1))
        print(f"onnxruntime-node int8 (QDQ fused, graph optimization 'all') vs PyTorch: max {int(od.max())} LSB, "
              f"{100 * ort_within:.2f}% within 1 LSB, {100 * float(np.mean(od == 0)):.2f}% equal")
        # The bar is only as good as its two oracles: if they no longer agree, PyTorch's results
        # (or onnxruntime) are broken, and a bar made from them would pass anything.
        if ort_within < ORACLE_AGREEMENT:
            sys.exit(f"FAIL: onnxruntime and PyTorch agree within 1 LSB on only {100 * ort_within:.2f}% of outputs "
                     f"(< {100 * ORACLE_AGREEMENT:.0f}%): the reference results in {src} are suspect")
        bar, basis = ort_within - a.vs_onnxruntime, f"onnxruntime's share less {100 * a.vs_onnxruntime:.1f} points"
    if within < bar:
        sys.exit(f"FAIL: only {100 * within:.2f}% of outputs within 1 LSB of PyTorch "
                 f"(need {100 * bar:.2f}%: {basis})")


if __name__ == "__main__":
    main()
