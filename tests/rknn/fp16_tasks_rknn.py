#!/usr/bin/python3
"""Float16 convolutions of a Rockchip program, from their register commands: the toolkit's
custom-op example (dual_residual, RK3588, toolkit 1.6.1) converts its two float16 inputs into the
NPU's layout with one 1x1 float16 convolution each (identity weights 'Pre_weight0/1', CNA, CORE
and DPU in precision 2, FP32TOFP16 out) before its CPU custom operator.

- `run --outputs New_input_0,New_input_1` on the SystemC platform and on `--reference int8` write
  the same bytes, and the values are the example's inputs rounded to float16, exactly;
- the whole file, through `rknn-sim run` (which cannot register custom operators), is refused in
  one line naming the custom operator node and how to register it (python.custom_op runs it with
  the operator registered);
- the same example for RK3566, RK3562, RK3576 and RV1126B, whose float16 registers are not mapped,
  is refused in one line naming task 0.
usage: fp16_tasks_rknn.py SIM DATA_DIR WORKDIR
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from shared_data import require  # noqa: E402

import numpy as np

OTHERS = ["rk3566_rk3568", "rk3562", "rk3576", "rv1126b"]


def run(sim, model, inputs, out, *extra):
    return subprocess.run([sim, "-q", "run", model, "-o", out] + [a for i in inputs for a in ("-i", i)] + list(extra),
                          capture_output=True, text=True)


def one_line(p, phrase):
    lines = p.stderr.strip().splitlines()
    return p.returncode == 1 and len(lines) == 1 and lines[0].startswith("E run:") and phrase in lines[0]


def main():
    sim, data, work = sys.argv[1:4]
    custom = os.path.join(data, "custom_op")
    names = ["dual_residual_custom_%s.rknn" % p for p in ["rk3588"] + OTHERS]
    paths = require(custom, *names, "dual_residual_input_0.npy", "dual_residual_input_1.npy")
    model, others = paths[0], paths[1:len(names)]
    inputs = paths[len(names):]
    ok = True
    got = {}
    for mode, extra in (("platform", []), ("reference", ["--reference", "int8"])):
        out = os.path.join(work, mode)
        p = run(sim, model, inputs, out, "--outputs", "New_input_0,New_input_1", *extra)
        if p.returncode:
            print("FAIL %s: %s" % (mode, p.stderr.strip()))
            return 1
        got[mode] = [open(os.path.join(out, "%d_New_input_%d.npy" % (k, k)), "rb").read() for k in range(2)]
    same = got["platform"] == got["reference"]
    print("%-4s platform == reference on New_input_0/1, byte for byte" % ("ok" if same else "FAIL"))
    ok &= same
    for k in range(2):
        value = np.load(os.path.join(work, "platform", "%d_New_input_%d.npy" % (k, k)))
        want = np.load(inputs[k]).astype(np.float16).astype(np.float32)
        err = float(np.abs(value - want).max()) if value.shape == want.shape else float("inf")
        good = err == 0.0
        print("%-4s New_input_%d == input %d in float16: max difference %g" % ("ok" if good else "FAIL", k, k, err))
        ok &= good
    p = run(sim, model, inputs, os.path.join(work, "whole"))
    good = one_line(p, "no custom operator 'cstDualResidual' is registered") and "reg_custom_op" in p.stderr
    print("%-4s the whole file: %s" % ("ok" if good else "FAIL", p.stderr.strip()))
    ok &= good
    for path in others:
        p = run(sim, path, inputs, os.path.join(work, "other"), "--outputs", "New_input_0")
        good = one_line(p, "task 0 (node '', Conv)")
        print("%-4s %s: %s" % ("ok" if good else "FAIL", os.path.basename(path), p.stderr.strip()))
        ok &= good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
