#!/usr/bin/python3
"""Rockchip's retinaface (.rknn for RV1106) executed from its register commands on a real photo,
checked against an oracle nobody here wrote:

- the photo is Debian python3-skimage's astronaut, OpenCV's Haar face cascade (Debian opencv-data)
  finds her face;
- `run --outputs` reads the class and box heads' convolutions (the tensors before the heads'
  Transposes, which rknn-sim does not execute yet) after their last writer on the SystemC platform;
  `--reference int8` must write the same bytes for the stride-16 heads;
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


def detections(outputs):
    """(score, box x0 y0 x1 y1 in pixels of the 640x640 input) for every prior of the three heads."""
    found = []
    for level, (stride, sizes) in enumerate(HEADS):
        cls, box = outputs["/ClassHead.%d/conv1x1/Conv_output_0" % level][0], \
            outputs["/BboxHead.%d/conv1x1/Conv_output_0" % level][0]
        for a, size in enumerate(sizes):
            logits = cls[2 * a + 1] - cls[2 * a]
            score = 1.0 / (1.0 + np.exp(-logits))
            ys, xs = np.nonzero(score >= 0.05)
            for y, x in zip(ys, xs):
                d = box[4 * a:4 * a + 4, y, x]
                cx = (x + 0.5) * stride + d[0] * 0.1 * size
                cy = (y + 0.5) * stride + d[1] * 0.1 * size
                w, h = size * np.exp(d[2] * 0.2), size * np.exp(d[3] * 0.2)
                found.append((float(score[y, x]), (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)))
    return sorted(found, key=lambda f: -f[0])


def main():
    sim, data, work = sys.argv[1:4]
    path, = require(data, FILE + ".rknn")
    try:
        photo, face, photo_path = astronaut.saved_astronaut(work)
    except astronaut.Unavailable as e:
        print("FAIL: %s" % e)
        return 1
    from PIL import Image, ImageDraw
    names = ["/%s.%d/conv1x1/Conv_output_0" % (head, level) for level in range(3) for head in ("ClassHead", "BboxHead")]
    # The reference's scalar loops take seconds per prefix: it checks the stride-16 heads, where
    # the face is.
    runs = {}
    for mode, extra, wanted in (("platform", [], names), ("reference", ["--reference", "int8"], names[2:4])):
        out = os.path.join(work, mode)
        p = subprocess.run([sim, "run", path, "-i", photo_path, "-o", out, "--outputs", ",".join(wanted)] + extra,
                           capture_output=True, text=True)
        if p.returncode:
            print("FAIL %s: %s" % (mode, p.stderr.strip()))
            return 1
        files = [os.path.join(out, "%d_%s.npy" % (i, n.replace("/", "_"))) for i, n in enumerate(wanted)]
        runs[mode] = {n: np.load(f) for n, f in zip(wanted, files)}
    same = all(np.array_equal(runs["platform"][n], runs["reference"][n]) for n in names[2:4])
    print("%-4s platform == reference on the stride-16 heads" % ("ok" if same else "FAIL"))

    scale = SIZE / photo.shape[0]
    haar = tuple(v * scale for v in (face[0], face[1], face[0] + face[2], face[1] + face[3]))
    found = detections(runs["platform"])
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
    return 0 if same and good else 1


if __name__ == "__main__":
    sys.exit(main())
