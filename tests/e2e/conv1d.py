#!/usr/bin/python3
"""1-D convolutions and pools (Conv1d, MaxPool1d, AvgPool1d, ConvTranspose1d) through the whole
pipeline: the importer lifts them to 2-D (compiler/frontend/onnx_windows_1d.h); the float reference
matches PyTorch, and the int8 model (rk3588) runs the same bytes on the SystemC platform as on the
int8 reference, close to PyTorch.

usage: conv1d.py SIM WORKDIR
"""
import glob
import os
import subprocess
import sys

import numpy as np
import torch


class Audio(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv1d(4, 8, 5, padding=2)
        self.pool = torch.nn.MaxPool1d(2)
        self.strided = torch.nn.Conv1d(8, 8, 3, stride=2, dilation=1)
        self.avg = torch.nn.AvgPool1d(3, stride=1, padding=1)
        self.up = torch.nn.ConvTranspose1d(8, 6, 4, stride=2, padding=1)

    def forward(self, x):
        return self.up(self.avg(torch.relu(self.strided(self.pool(self.conv(x))))))


def run(sim, *args):
    p = subprocess.run([sim, "-q", *args], capture_output=True, text=True)
    if p.returncode:
        raise SystemExit("FAIL rknn-sim %s: %s" % (" ".join(args), p.stderr.strip()))


def output_of(directory):
    return np.load(sorted(glob.glob(os.path.join(directory, "*.npy")))[0])


def main():
    sim, work = sys.argv[1:3]
    os.makedirs(work, exist_ok=True)
    torch.manual_seed(0)
    model = Audio().eval()
    x = torch.randn(1, 4, 64)
    onnx_path, x_path = os.path.join(work, "conv1d.onnx"), os.path.join(work, "x.npy")
    torch.onnx.export(model, x, onnx_path, opset_version=13)
    np.save(x_path, x.numpy())
    with open(os.path.join(work, "dataset.txt"), "w") as f:
        f.write(x_path + "\n")
    expected = model(x).detach().numpy()

    run(sim, "run", onnx_path, "-i", x_path, "-o", os.path.join(work, "float"), "--reference", "float")
    got = output_of(os.path.join(work, "float"))
    float_ok = got.shape == expected.shape and np.allclose(got, expected, rtol=1e-4, atol=1e-5)
    print("%-4s float reference vs PyTorch: shape %s, max abs error %.2e" %
          ("ok" if float_ok else "FAIL", got.shape, float(np.abs(got - expected).max())))

    model_path = os.path.join(work, "conv1d.rknnsim")
    run(sim, "convert", onnx_path, "-t", "rk3588", "-d", os.path.join(work, "dataset.txt"), "-o", model_path)
    run(sim, "run", model_path, "-i", x_path, "-o", os.path.join(work, "platform"))
    run(sim, "run", model_path, "-i", x_path, "-o", os.path.join(work, "int8"), "--reference", "int8")
    platform, reference = output_of(os.path.join(work, "platform")), output_of(os.path.join(work, "int8"))
    cosine = float(platform.ravel() @ expected.ravel() / np.linalg.norm(platform) / np.linalg.norm(expected))
    int8_ok = np.array_equal(platform, reference) and cosine >= 0.999
    print("%-4s int8 on rk3588: platform == reference %s, cosine with PyTorch %.6f" %
          ("ok" if int8_ok else "FAIL", np.array_equal(platform, reference), cosine))
    return 0 if float_ok and int8_ok else 1


if __name__ == "__main__":
    sys.exit(main())
