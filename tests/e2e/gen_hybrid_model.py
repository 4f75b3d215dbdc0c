#!/usr/bin/python3
"""Writes a small zoo-like network for the hybrid quantization test, with its calibration data.

The network has one layer where int8 hurts: conv_a's output has an outlier channel about 500x
larger than the others, so its per-tensor int8 scale rounds the small channels to a few levels.
conv_a, the LeakyRelu after it and conv_b (which reads the outlier channel with a tiny weight, so
its own output has an ordinary range) are the layers a user would keep in float16. The rest mixes
the other forms: depthwise conv, lookup-table activations (HardSwish, Sigmoid), Concat, Add, GAP,
Gemm, and CPU fallback ops on non-4-D tensors (Reshape to 3-D, Softmax). Outputs: the
probabilities and the logits before them (where accuracy is measured).

usage: gen_hybrid_model.py OUT_DIR
"""
import os
import sys

import numpy as np
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.conv_a = nn.Conv2d(16, 16, 1)
        self.act_a = nn.LeakyReLU(0.1)
        self.conv_b = nn.Conv2d(16, 16, 3, padding=1)
        self.dw = nn.Conv2d(16, 16, 3, padding=1, groups=16)
        self.conv_c = nn.Conv2d(32, 32, 1)
        self.fc = nn.Linear(32, 12)
        with torch.no_grad():
            self.conv_a.weight[0] *= 500.0
            self.conv_a.bias[0] = 300.0
            self.conv_b.weight[:, 0] *= 0.002

    def forward(self, x):
        y = torch.relu(self.conv1(x))
        b = self.conv_b(self.act_a(self.conv_a(y)))
        h = nn.functional.hardswish(b)
        d = torch.sigmoid(self.dw(h))
        c = torch.relu(self.conv_c(torch.cat([h, d], dim=1)) + torch.cat([b, y], dim=1))
        g = self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(c, 1), 1))
        return torch.softmax(g.reshape(1, 3, 4), dim=-1), g


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(3)
    net = Net().eval()
    rng = np.random.default_rng(5)
    samples = [rng.uniform(-1, 1, (1, 3, 24, 24)).astype(np.float32) for _ in range(6)]
    torch.onnx.export(net, torch.from_numpy(samples[0]), os.path.join(out, "model.onnx"), opset_version=14,
                      input_names=["input"], output_names=["prob", "logits"])
    with open(os.path.join(out, "dataset.txt"), "w") as f:
        for i, s in enumerate(samples):
            np.save(os.path.join(out, f"sample_{i}.npy"), s)
            f.write(f"sample_{i}.npy\n")


if __name__ == "__main__":
    main()
