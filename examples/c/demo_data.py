#!/usr/bin/python3
"""Test data for the C demos (examples/c/demo_test.sh).

image:   a float32 NCHW array of normalized pixels -> the uint8 image the board would see
         (pixel = x * std + mean, rounded and clipped) as a binary PPM for the demo, plus the same
         pixels as float32 NCHW .npy for `rknn-sim run` (the model then normalizes itself).
calib:   calibration arrays in the same raw-pixel space, and a dataset.txt listing them.
compare: the demo's output_<i>.npy against the CLI's <i>_<name>.npy, bit for bit.
"""
import argparse
import glob
import os
import sys

import numpy as np


def to_pixels(x, mean, std):
    x = np.asarray(x, dtype=np.float32).reshape(-1, 3, x.shape[-2], x.shape[-1])[:1]
    mean = np.array(mean, dtype=np.float32).reshape(1, 3, 1, 1)
    std = np.array(std, dtype=np.float32).reshape(1, 3, 1, 1)
    return np.clip(np.rint(x * std + mean), 0, 255).astype(np.uint8)


def write_ppm(path, nchw_u8):
    hwc = nchw_u8[0].transpose(1, 2, 0)
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (hwc.shape[1], hwc.shape[0]))
        f.write(np.ascontiguousarray(hwc).tobytes())


def cmd_image(a):
    x = np.load(a.input)
    if a.unit_range:  # inputs in [0, 1]: mean 0, std 1/255 maps them to pixels
        pixels = np.clip(np.rint(x.astype(np.float32) * 255), 0, 255).astype(np.uint8)
    else:
        pixels = to_pixels(x, a.mean, a.std)
    write_ppm(a.ppm, pixels)
    np.save(a.npy, pixels.astype(np.float32))


def cmd_calib(a):
    lines = []
    for i, path in enumerate(sorted(a.inputs)):
        out = os.path.join(a.out, "calib_%02d.npy" % i)
        np.save(out, to_pixels(np.load(path), a.mean, a.std).astype(np.float32))
        lines.append(out)
    with open(os.path.join(a.out, "dataset.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def cmd_compare(a):
    cli = sorted(glob.glob(os.path.join(a.cli, "*.npy")), key=lambda p: int(os.path.basename(p).split("_")[0]))
    if not cli:
        sys.exit("no CLI outputs in " + a.cli)
    for i, path in enumerate(cli):
        ref = np.load(path)
        got = np.load(os.path.join(a.demo, "output_%d.npy" % i))
        if ref.dtype != got.dtype or ref.shape != got.shape:
            sys.exit("output %d: demo %s %s, CLI %s %s" % (i, got.dtype, got.shape, ref.dtype, ref.shape))
        if ref.tobytes() != got.tobytes():
            diff = np.count_nonzero(ref.view(np.uint32) != got.view(np.uint32))
            sys.exit("output %d: %d of %d values differ from the CLI's" % (i, diff, ref.size))
        print("output %d %s: bit-exact with rknn-sim run" % (i, ref.shape))


def main():
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("image")
    s.add_argument("input"), s.add_argument("ppm"), s.add_argument("npy")
    s.add_argument("--unit-range", action="store_true")
    for s2 in (s, sub.add_parser("calib")):
        s2.add_argument("--mean", type=float, nargs=3, default=[123.675, 116.28, 103.53])
        s2.add_argument("--std", type=float, nargs=3, default=[58.395, 57.12, 57.375])
    c = sub.choices["calib"]
    c.add_argument("out"), c.add_argument("inputs", nargs="+")
    s = sub.add_parser("compare")
    s.add_argument("cli"), s.add_argument("demo")
    a = p.parse_args()
    {"image": cmd_image, "calib": cmd_calib, "compare": cmd_compare}[a.cmd](a)


if __name__ == "__main__":
    main()
