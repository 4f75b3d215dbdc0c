#!/usr/bin/python3
"""Generate the bundled TinyResNet ONNX model and its sample data for rknn-sim.

Run with:  /usr/bin/python3 scripts/gen_bundled_model.py [--out DIR]

Outputs (default DIR = <repo>/models/bundled):
  tiny_resnet.onnx            opset 13, input 'input' [1,3,64,64] f32, output 'output' [1,10] f32
  calib/calib_00..07.npy      8 calibration samples, float32 NCHW [1,3,64,64]
  dataset.txt                 calibration list, paths relative to dataset.txt's directory
  input.npy                   separate test input, float32 [1,3,64,64]
  reference_output.npy        PyTorch float32 eval-mode output for input.npy, [1,10]

Everything is seeded (torch.manual_seed(0), numpy RandomState(1234)), so
re-running produces byte-identical files.
"""
import argparse
import io
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO_ROOT, "models", "bundled")

NUM_CALIB = 8
IMG_C, IMG_H, IMG_W = 3, 64, 64
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float64)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], dtype=np.float64)
ALLOWED_OPS = {"Conv", "Relu", "MaxPool", "Add", "GlobalAveragePool",
               "Flatten", "Reshape", "Gemm"}


class TinyResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, stride=1, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.conv3 = nn.Conv2d(32, 32, 3, stride=1, padding=1)
        self.conv4 = nn.Conv2d(32, 32, 1, stride=1)
        self.conv5 = nn.Conv2d(32, 64, 1, stride=2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = self.pool(x)                      # 16x32x32
        c2 = F.relu(self.conv2(x))            # 32x16x16
        y = F.relu(self.conv3(c2))
        y = self.conv4(y)
        x = F.relu(c2 + y)                    # residual
        x = F.relu(self.conv5(x))             # 64x8x8
        x = self.gap(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


def build_model():
    torch.manual_seed(0)
    model = TinyResNet()
    # Well-scaled init (no BatchNorm): He/Kaiming for conv weights so activation
    # magnitudes stay O(1) through the ReLU stack, small biases; fc keeps torch's
    # default init.
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_uniform_(m.weight, mode="fan_in", nonlinearity="relu")
                nn.init.uniform_(m.bias, -0.1, 0.1)
    model.eval()
    return model


def _upsample_bilinear(img, out_h, out_w):
    """Bilinear (align_corners=True) upsampling of a [C,h,w] float64 array."""
    c, h, w = img.shape
    ys = np.linspace(0.0, h - 1, out_h)
    xs = np.linspace(0.0, w - 1, out_w)
    y0 = np.floor(ys).astype(np.int64)
    x0 = np.floor(xs).astype(np.int64)
    y1 = np.minimum(y0 + 1, h - 1)
    x1 = np.minimum(x0 + 1, w - 1)
    wy = (ys - y0)[None, :, None]
    wx = (xs - x0)[None, None, :]
    a = img[:, y0][:, :, x0]
    b = img[:, y0][:, :, x1]
    cc = img[:, y1][:, :, x0]
    d = img[:, y1][:, :, x1]
    top = a * (1 - wx) + b * wx
    bot = cc * (1 - wx) + d * wx
    return top * (1 - wy) + bot * wy


def make_image(rs):
    """One image-like sample: smooth multi-scale random field in [0,1] pixel
    space, ImageNet-normalized. Returns float32 [1,3,64,64], values ~[-2,2]."""
    field = np.zeros((IMG_C, IMG_H, IMG_W), dtype=np.float64)
    # Shared luminance-ish component so channels are correlated like real images.
    for res, amp in ((4, 1.0), (8, 0.5), (16, 0.25)):
        lum = rs.standard_normal((1, res, res))
        col = rs.standard_normal((IMG_C, res, res))
        field += amp * _upsample_bilinear(0.8 * lum + 0.45 * col, IMG_H, IMG_W)
    field += 0.03 * rs.standard_normal((IMG_C, IMG_H, IMG_W))  # fine texture
    # Map to pixel range [0,1] with a per-image random brightness/contrast.
    field = (field - field.mean()) / (field.std() + 1e-12)
    brightness = rs.uniform(0.35, 0.6)
    contrast = rs.uniform(0.12, 0.2)
    pix = np.clip(brightness + contrast * field, 0.0, 1.0)
    norm = (pix - IMAGENET_MEAN[:, None, None]) / IMAGENET_STD[:, None, None]
    return norm[None].astype(np.float32)


def export_onnx(model, path):
    import onnx
    dummy = torch.zeros(1, IMG_C, IMG_H, IMG_W, dtype=torch.float32)
    buf = io.BytesIO()
    torch.onnx.export(model, dummy, buf, opset_version=13,
                      do_constant_folding=True,
                      input_names=["input"], output_names=["output"],
                      export_params=True, training=torch.onnx.TrainingMode.EVAL)
    m = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(m)
    ops = [n.op_type for n in m.graph.node]
    bad = sorted(set(ops) - ALLOWED_OPS)
    if bad:
        raise RuntimeError("unexpected ops in exported graph: %s" % bad)
    with open(path, "wb") as f:
        f.write(m.SerializeToString())
    return m


def save_npy(path, arr):
    # np.save output is deterministic for a given dtype/shape/data.
    with open(path, "wb") as f:
        np.save(f, np.ascontiguousarray(arr), allow_pickle=False)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=DEFAULT_OUT,
                    help="output directory (default: %(default)s)")
    args = ap.parse_args(argv)
    out = os.path.abspath(args.out)
    os.makedirs(os.path.join(out, "calib"), exist_ok=True)

    torch.set_num_threads(1)
    model = build_model()

    m = export_onnx(model, os.path.join(out, "tiny_resnet.onnx"))

    rs = np.random.RandomState(1234)
    lines = []
    for i in range(NUM_CALIB):
        rel = "calib/calib_%02d.npy" % i
        save_npy(os.path.join(out, rel), make_image(rs))
        lines.append(rel)
    with open(os.path.join(out, "dataset.txt"), "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")

    x = make_image(rs)
    save_npy(os.path.join(out, "input.npy"), x)
    with torch.no_grad():
        y = model(torch.from_numpy(x)).numpy().astype(np.float32)
    assert y.shape == (1, 10)
    save_npy(os.path.join(out, "reference_output.npy"), y)

    print("wrote", out)
    print("nodes:")
    for n in m.graph.node:
        print("  %-28s %s" % (n.name, n.op_type))
    print("input range [%.3f, %.3f]" % (x.min(), x.max()))
    print("reference_output:", np.array2string(y[0], precision=5))
    return 0


if __name__ == "__main__":
    sys.exit(main())
