#!/usr/bin/python3
"""Rockchip's retinaface (.rknn for RV1106) executed from its register commands on a real photo,
checked against an oracle nobody here wrote:

- the photo is Debian python3-skimage's astronaut, OpenCV's Haar face cascade (Debian opencv-data)
  finds her face;
- the whole file runs on the SystemC platform and on `--reference int8`, byte for byte the same
  outputs (the box, class and landmark tensors, 16800 priors each);
- each output is the source network's Concat of Reshape(Transpose(head)) over the three levels:
  its codes equal those of the nine head convolutions (read by `run --outputs` after their last
  writer) transposed, concatenated and requantized to the output's scale (RV110x Transposes run as
  two DPU passes, the Concats requantize, the Reshapes copy into the linear outputs);
- decoded with RetinaFace's own priors (min sizes 16/32, 64/128, 256/512 at strides 8/16/32,
  variances 0.1/0.2), the most confident face has a score of at least 0.9, lies on the Haar box
  (IoU at least 0.4: RetinaFace's boxes reach from forehead to chin, the cascade's are square), and
  no other prior with a score of at least 0.5 lies off the face.
This exercises what the heads depend on: BN's PReLU with shifts (the FPN's LeakyReLU + Add tasks)
and DPU IN_OFFSET (the SSH modules' ReLU and Concat tasks). The overlay (Haar box green, RetinaFace
box red) is written as a PNG into WORKDIR.

usage: retinaface_rknn.py SIM DATA_DIR WORKDIR
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from shared_data import require  # noqa: E402

import numpy as np

import astronaut

FILE = "retinaface_rv1106"
SIZE = 640
HEADS = [(8, (16, 32)), (16, (64, 128)), (32, (256, 512))]  # stride, min sizes (RetinaFace cfg_mnet)


def iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


OUTPUTS = [("515", "BboxHead", 4), ("553", "ClassHead", 2), ("592", "LandmarkHead", 10)]


def priors():
    """(cx, cy, size) of every prior in the outputs' row order: level, then y, x, then min size."""
    rows = []
    for stride, sizes in HEADS:
        n = SIZE // stride
        for y in range(n):
            for x in range(n):
                rows += [((x + 0.5) * stride, (y + 0.5) * stride, size) for size in sizes]
    return np.array(rows)


def detections(box, cls):
    """(score, box x0 y0 x1 y1 in pixels of the 640x640 input) of every prior scoring 0.05 or more."""
    p = priors()
    score = 1.0 / (1.0 + np.exp(-(cls[:, 1] - cls[:, 0])))
    found = []
    for i in np.nonzero(score >= 0.05)[0]:
        cx, cy, size = p[i]
        d = box[i]
        cx, cy = cx + d[0] * 0.1 * size, cy + d[1] * 0.1 * size
        w, h = size * np.exp(d[2] * 0.2), size * np.exp(d[3] * 0.2)
        found.append((float(score[i]), (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)))
    return sorted(found, key=lambda f: -f[0])


def codes(values, scale, zero_point):
    return np.clip(np.round(values / scale) + zero_point, -128, 127)


def expected_codes(heads, head, k, scale, zero_point):
    """The output's codes from the heads: Transpose (0, 2, 3, 1), Reshape (1, -1, k), Concat."""
    levels = [np.transpose(heads["/%s.%d/conv1x1/Conv_output_0" % (head, level)], (0, 2, 3, 1)).reshape(1, -1, k)
              for level in range(len(HEADS))]
    return codes(np.concatenate(levels, axis=1), scale, zero_point)


def main():
    sim, data, work = sys.argv[1:4]
    path, = require(data, FILE + ".rknn")
    try:
        photo, face, photo_path = astronaut.saved_astronaut(work)
    except astronaut.Unavailable as e:
        print("FAIL: %s" % e)
        return 1
    from PIL import Image, ImageDraw
    heads = ["/%s.%d/conv1x1/Conv_output_0" % (head, level) for level in range(len(HEADS)) for _, head, _ in OUTPUTS]
    runs = {}
    for mode, extra in (("platform", []), ("reference", ["--reference", "int8"]), ("heads", ["--outputs", ",".join(heads)])):
        out = os.path.join(work, mode)
        p = subprocess.run([sim, "run", path, "-i", photo_path, "-o", out] + extra, capture_output=True, text=True)
        if p.returncode:
            print("FAIL %s: %s" % (mode, p.stderr.strip()))
            return 1
        wanted = heads if mode == "heads" else [name for name, _, _ in OUTPUTS]
        runs[mode] = {n: np.load(os.path.join(out, "%d_%s.npy" % (i, n.replace("/", "_")))) for i, n in enumerate(wanted)}
    same = all(np.array_equal(runs["platform"][n], runs["reference"][n]) for n, _, _ in OUTPUTS)
    print("%-4s platform == reference on the three outputs" % ("ok" if same else "FAIL"))

    quant = {}
    for line in subprocess.run([sim, "info", path], capture_output=True, text=True, check=True).stdout.splitlines():
        f = line.split()  # "  515  (1,16800,4)  int8  linear  scale=1.95141149 zp=-125  67200 B"
        fields = dict(v.split("=", 1) for v in f if "=" in v)
        if f and f[0] in {n for n, _, _ in OUTPUTS} and "scale" in fields:
            quant[f[0]] = (float(fields["scale"]), int(fields["zp"]))
    transposed = True
    for name, head, k in OUTPUTS:
        scale, zero_point = quant[name]
        got, want = codes(runs["platform"][name], scale, zero_point), expected_codes(runs["heads"], head, k, scale, zero_point)
        equal = int(np.sum(got == want))
        print("%-4s output %s %s: %d of %d codes equal the heads' transposed and concatenated" %
              ("ok" if equal == want.size else "FAIL", name, tuple(got.shape), equal, want.size))
        transposed = transposed and equal == want.size

    scale = SIZE / photo.shape[0]
    haar = tuple(v * scale for v in (face[0], face[1], face[0] + face[2], face[1] + face[3]))
    found = detections(runs["platform"]["515"][0], runs["platform"]["553"][0])
    if not found:
        print("FAIL: no prior scores a face at 0.05 or more")
        return 1
    best_score, best_box = found[0]
    overlap = iou(best_box, haar)
    strays = [f for f in found if f[0] >= 0.5 and iou(f[1], haar) < 0.1]
    good = best_score >= 0.9 and overlap >= 0.4 and not strays
    print("%-4s best face score %.3f, box (%.0f, %.0f, %.0f, %.0f), IoU with OpenCV's Haar box %.2f; "
          "%d confident priors off the face" % (("ok" if good else "FAIL"), best_score, *best_box, overlap, len(strays)))

    view = Image.fromarray(photo).resize((SIZE, SIZE), Image.BILINEAR)
    draw = ImageDraw.Draw(view)
    draw.rectangle(haar, outline=(0, 255, 0), width=2)
    draw.rectangle(best_box, outline=(255, 0, 0), width=2)
    view.save(os.path.join(work, FILE + "_overlay.png"))
    return 0 if same and transposed and good else 1


if __name__ == "__main__":
    sys.exit(main())
