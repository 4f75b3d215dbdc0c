#!/usr/bin/python3
"""Float16 convolutions of a Rockchip program, from their register commands: the toolkit's
custom-op example (dual_residual) converts its two float16 inputs into the NPU's layout with one 1x1
float16 convolution each (identity weights 'Pre_weight0/1') before its CPU custom operator. Each of
the five register maps writes the float16 precision in its own codes (RK3588: 2 throughout and
FP32TOFP16 out; RK3566: CNA code 4 and CORE's bit 13; RK3562, RK3576, RV1126B: the DPU's input
precision 0; RK3562 counts the last weight block whole):

- for every platform's file, `run --outputs New_input_0,New_input_1` on the SystemC platform and on
  `--reference int8` write the same bytes, and the values are the example's inputs rounded to
  float16, exactly;
- the whole file, through `rknn-sim run` (which cannot register custom operators), is refused in
  one line naming the custom operator node and how to register it (python.custom_op runs it with
  the operator registered);
- `perf` times each file (its conversions on the NPU, the custom operator on the CPU).
usage: fp16_tasks_rknn.py SIM DATA_DIR WORKDIR
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from shared_data import require  # noqa: E402

import numpy as np

PLATFORMS = ["rk3588", "rk3566_rk3568", "rk3562", "rk3576", "rv1126b"]


def run(sim, model, inputs, out, *extra):
    return subprocess.run([sim, "-q", "run", model, "-o", out] + [a for i in inputs for a in ("-i", i)] + list(extra),
                          capture_output=True, text=True)


def one_line(p, phrase):
    lines = p.stderr.strip().splitlines()
    return p.returncode == 1 and len(lines) == 1 and lines[0].startswith("E run:") and phrase in lines[0]


def main():
    sim, data, work = sys.argv[1:4]
    custom = os.path.join(data, "custom_op")
    names = ["dual_residual_custom_%s.rknn" % p for p in PLATFORMS]
    paths = require(custom, *names, "dual_residual_input_0.npy", "dual_residual_input_1.npy")
    models, inputs = paths[:len(names)], paths[len(names):]
    ok = True
    for platform, model in zip(PLATFORMS, models):
        got = {}
        for mode, extra in (("platform", []), ("reference", ["--reference", "int8"])):
            out = os.path.join(work, platform, mode)
            p = run(sim, model, inputs, out, "--outputs", "New_input_0,New_input_1", *extra)
            if p.returncode:
                print("FAIL %s %s: %s" % (platform, mode, p.stderr.strip()))
                ok = False
                break
            got[mode] = [open(os.path.join(out, "%d_New_input_%d.npy" % (k, k)), "rb").read() for k in range(2)]
        if len(got) < 2:
            continue
        same = got["platform"] == got["reference"]
        print("%-4s %s: platform == reference on New_input_0/1, byte for byte" % ("ok" if same else "FAIL", platform))
        ok &= same
        for k in range(2):
            value = np.load(os.path.join(work, platform, "platform", "%d_New_input_%d.npy" % (k, k)))
            want = np.load(inputs[k]).astype(np.float16).astype(np.float32)
            err = float(np.abs(value - want).max()) if value.shape == want.shape else float("inf")
            good = err == 0.0
            print("%-4s %s: New_input_%d == input %d in float16: max difference %g" %
                  ("ok" if good else "FAIL", platform, k, k, err))
            ok &= good
        p = subprocess.run([sim, "-q", "perf", model], capture_output=True, text=True)
        good = p.returncode == 0 and "cstDualResidual" in p.stdout
        print("%-4s %s: perf times the file%s" % ("ok" if good else "FAIL", platform, "" if good else ": " + p.stderr.strip()))
        ok &= good
    p = run(sim, models[0], inputs, os.path.join(work, "whole"))
    good = one_line(p, "no custom operator 'cstDualResidual' is registered") and "reg_custom_op" in p.stderr
    print("%-4s the whole file: %s" % ("ok" if good else "FAIL", p.stderr.strip()))
    ok &= good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
