#!/usr/bin/python3
"""Rockchip's mobilefacenet (.rknn for RV1103, 160x160 face embedding) executed from its register
commands on a real photo, checked with oracles nobody here wrote:

- the photo is Debian python3-skimage's astronaut (NASA, public domain); OpenCV's Haar face cascade
  (Debian opencv-data) finds the face, which is cropped with a margin;
- the embedding of the same face mirrored must lie closer (cosine) to the face's embedding than
  the embeddings of other pictures (skimage's coffee cup and cat) by at least MARGIN: a face
  embedding that ignores its input, or scrambles it, cannot do that;
- the SystemC platform and `--reference int8` write the same bytes for every picture.
The crops, side by side with their cosines, are written as a PNG into WORKDIR.

usage: face_embedding_rknn.py SIM DATA_DIR WORKDIR
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from shared_data import require  # noqa: E402

import numpy as np

import astronaut

FILE = "mobilefacenet_rv1103"
SIZE = 160
MARGIN = 0.05


def embed(sim, model, picture, out, reference):
    cmd = [sim, "run", model, "-i", picture, "-o", out] + (["--reference", "int8"] if reference else [])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(" ".join(cmd) + ": " + p.stderr.strip())
    name = [f for f in os.listdir(out) if f.endswith(".npy")][0]
    return open(os.path.join(out, name), "rb").read(), np.load(os.path.join(out, name)).astype(np.float64).ravel()


def main():
    sim, data, work = sys.argv[1:4]
    model, = require(data, FILE + ".rknn")
    try:
        import cv2
        import skimage.data
        from PIL import Image, ImageDraw
        photo, (x, y, w, h) = astronaut.astronaut_and_face()
    except (ImportError, astronaut.Unavailable) as e:
        print("FAIL: %s" % e)
        return 1
    os.makedirs(work, exist_ok=True)
    m = int(0.15 * w)
    face = cv2.resize(photo[max(0, y - m):y + h + m, max(0, x - m):x + w + m], (SIZE, SIZE))
    pictures = {"face": face, "mirrored": face[:, ::-1]}
    for other in ("coffee", "chelsea"):
        pictures[other] = cv2.resize(getattr(skimage.data, other)(), (SIZE, SIZE))
    embeddings = {}
    ok = True
    for name, rgb in pictures.items():
        path = os.path.join(work, name + ".npy")
        np.save(path, np.ascontiguousarray(rgb.transpose(2, 0, 1)[None]).astype(np.uint8))
        platform_bytes, e = embed(sim, model, path, os.path.join(work, name, "platform"), False)
        reference_bytes, _ = embed(sim, model, path, os.path.join(work, name, "reference"), True)
        same = platform_bytes == reference_bytes
        print("%-4s %-9s platform == reference %s" % ("ok" if same else "FAIL", name, same))
        ok &= same
        embeddings[name] = e / np.linalg.norm(e)
    cosine = {name: float(embeddings["face"] @ e) for name, e in embeddings.items()}
    nearest_other = max(cosine["coffee"], cosine["chelsea"])
    closer = cosine["mirrored"] - nearest_other >= MARGIN
    print("%-4s cosine to the face: mirrored %.4f, coffee %.4f, cat %.4f (mirrored must lead by %.2f)" %
          ("ok" if closer else "FAIL", cosine["mirrored"], cosine["coffee"], cosine["chelsea"], MARGIN))
    ok &= closer
    strip = Image.new("RGB", (SIZE * len(pictures), SIZE + 16), "white")
    draw = ImageDraw.Draw(strip)
    for k, (name, rgb) in enumerate(pictures.items()):
        strip.paste(Image.fromarray(np.ascontiguousarray(rgb)), (k * SIZE, 0))
        draw.text((k * SIZE + 4, SIZE + 2), "%s %.3f" % (name, cosine[name]), fill="black")
    strip.save(os.path.join(work, "mobilefacenet_cosines.png"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
