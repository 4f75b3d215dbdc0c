#!/usr/bin/python3
"""Generate the ONNX model zoo that checks rknn-sim's float32 reference executor.

Run with:  /usr/bin/python3 scripts/gen_zoo.py --out DIR [--only NAME ...] [--list]

Writes, per model, DIR/<name>/:
  model.onnx             the exported graph (fixed shapes, batch 1)
  input_0.npy            seeded standard-normal float32 input
  torch_output_K.npy     PyTorch eval-mode float32 output K for input_0.npy
  meta.json              opset, shapes, output names, torch_fp32_vs_fp64 (per output, the max
                         relative error of PyTorch's float32 result against a float64 run), and
                         the BatchNorm conditioning chosen with the measures of every candidate tried
  stamp                  hash of this script and zoo_conditioning.py + torch/torchvision versions;
                         a model whose stamp matches (and whose files all exist) is not regenerated

Models are built with torch.manual_seed(0) and random weights (nothing is downloaded).
BatchNorm layers get random affine parameters and running statistics measured on a
seeded random batch, so activations stay in a realistic range through deep networks.

Random networks are conditioned to behave like trained ones (docs/quantization.md §22). A random
conv + BN + ReLU layer (BN normalizes the centered variance) multiplies a small input perturbation,
relative to the signal, by chi = gamma sqrt(E[relu'^2] / Var relu) =~ 1.2 (> 1 for any
nonlinearity, by the Gaussian Poincare inequality), so deep random networks are chaotic where
trained ones are not: the input's own int8 rounding already cost resnet50 and mobilenet_v2 0.009 of
output cosine and yolov5s 0.4. CONDITIONING lists the candidate schemes in a fixed order; each
model gets the first under which zoo_conditioning.py's quantizer-independent measures say it
behaves like a trained network (its input's int8 rounding moves the output by cosine < 0.001, and
its output depends on the input), else the first:
  residual          residual branches scaled down (zero-init residual, Goyal et al. 2017, "Accurate,
                    Large Minibatch SGD", and torchvision's zero_init_residual; Fixup and SkipInit
                    start the same way): the BatchNorm that ends a branch beside an identity
                    shortcut (added to it, or concatenated with it in ShuffleNetV2) gets gamma and
                    beta ten times smaller (RESIDUAL_BRANCH_SCALE), so each block adds about 1% of
                    its stream's variance. Calms the residual networks and shufflenet; plain chains
                    without identity shortcuts (the YOLO necks and heads) stay chaotic.
  gating            and beta = +-2 gamma (random sign) in every BatchNorm: each channel mostly on
                    (nearly linear) or mostly off, so a chain barely amplifies perturbations. Calms
                    the YOLO models; makes global-pooling classifiers' outputs input-independent.
  gating_var_floor  and running variances floored at a tenth of their layer's median.

Models (see ZOO below): torchvision classifiers at 224x224 (opset 13, two also at
opset 12), YOLOv5s (ReLU) and YOLOv8n at 640x640 with the RKNN model zoo's
post-processing-free heads, a small U-Net at 128x128, and a transformer encoder block.

Each model directory is written to a temporary sibling and renamed into place, so
processes that generate different models into the same DIR can run concurrently.
"""
import argparse
import copy
import hashlib
import io
import json
import math
import os
import shutil
import sys
import tempfile
import warnings



def stamp_text(name):
    """What a model directory's stamp must say for it to be reused."""
    from importlib import metadata
    here = os.path.dirname(os.path.abspath(__file__))
    sha = hashlib.sha256()
    for script in ("gen_zoo.py", "zoo_conditioning.py"):  # the models depend on both
        with open(os.path.join(here, script), "rb") as f:
            sha.update(f.read())
    versions = " ".join(f"{p} {metadata.version(p)}" for p in ("torch", "torchvision", "onnx", "numpy"))
    return f"{name} gen_zoo.py+zoo_conditioning.py sha256 {sha.hexdigest()} {versions}\n"


def up_to_date(name, out_root):
    d = os.path.join(out_root, name)
    try:
        with open(os.path.join(d, "stamp")) as f:
            if f.read() != stamp_text(name):
                return False
        with open(os.path.join(d, "meta.json")) as f:
            n_out = len(json.load(f)["output_names"])
    except (OSError, ValueError, KeyError):
        return False
    files = ["model.onnx", "input_0.npy"] + [f"torch_output_{k}.npy" for k in range(n_out)]
    return all(os.path.exists(os.path.join(d, e)) for e in files)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="output directory (one subdirectory per model)")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="generate only these models")
    ap.add_argument("--list", action="store_true", help="print the model names and exit")
    args = ap.parse_args()
    if not args.list and not args.out:
        ap.error("--out is required")
    return ap, args


# Fast path before importing torch (which takes seconds): `--only` models that are up to date.
if __name__ == "__main__":
    _, _args = parse_args()
    if _args.only and not _args.list and all(up_to_date(n, os.path.abspath(_args.out)) for n in _args.only):
        for _n in _args.only:
            print(f"{_n}: up to date ({os.path.join(os.path.abspath(_args.out), _n)})")
        sys.exit(0)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zoo_conditioning  # noqa: E402

# --------------------------------------------------------------------------------------
# YOLOv5s (v6.x layout, ReLU activations as in the RKNN model zoo's yolov5s_relu)
# --------------------------------------------------------------------------------------


class Conv(nn.Module):
    """Conv2d (no bias) + BatchNorm + activation, 'same' padding."""

    def __init__(self, c1, c2, k=1, s=1, p=None, act=nn.ReLU):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2 if p is None else p, bias=False)
        self.bn = nn.BatchNorm2d(c2, eps=1e-3, momentum=0.03)
        self.act = act()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    def __init__(self, c1, c2, shortcut=True, k=(1, 3), e=0.5, act=nn.ReLU):
        super().__init__()
        c_ = int(c2 * e)
        self.cv1 = Conv(c1, c_, k[0], act=act)
        self.cv2 = Conv(c_, c2, k[1], act=act)
        self.add = shortcut and c1 == c2

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C3(nn.Module):
    def __init__(self, c1, c2, n=1, shortcut=True, act=nn.ReLU):
        super().__init__()
        c_ = c2 // 2
        self.cv1 = Conv(c1, c_, 1, act=act)
        self.cv2 = Conv(c1, c_, 1, act=act)
        self.cv3 = Conv(2 * c_, c2, 1, act=act)
        self.m = nn.Sequential(*(Bottleneck(c_, c_, shortcut, (1, 3), 1.0, act) for _ in range(n)))

    def forward(self, x):
        return self.cv3(torch.cat((self.m(self.cv1(x)), self.cv2(x)), 1))


class SPPF(nn.Module):
    def __init__(self, c1, c2, k=5, act=nn.ReLU):
        super().__init__()
        c_ = c1 // 2
        self.cv1 = Conv(c1, c_, 1, act=act)
        self.cv2 = Conv(c_ * 4, c2, 1, act=act)
        self.m = nn.MaxPool2d(k, 1, k // 2)

    def forward(self, x):
        x = self.cv1(x)
        y1 = self.m(x)
        y2 = self.m(y1)
        return self.cv2(torch.cat((x, y1, y2, self.m(y2)), 1))


class YoloV5s(nn.Module):
    """yolov5s.yaml (depth 0.33, width 0.50); Detect outputs the raw 1x1 conv maps."""

    def __init__(self, nc=80, na=3):
        super().__init__()
        self.b0 = Conv(3, 32, 6, 2, 2)
        self.b1 = Conv(32, 64, 3, 2)
        self.b2 = C3(64, 64, 1)
        self.b3 = Conv(64, 128, 3, 2)
        self.b4 = C3(128, 128, 2)
        self.b5 = Conv(128, 256, 3, 2)
        self.b6 = C3(256, 256, 3)
        self.b7 = Conv(256, 512, 3, 2)
        self.b8 = C3(512, 512, 1)
        self.b9 = SPPF(512, 512, 5)
        self.h10 = Conv(512, 256, 1, 1)
        self.h13 = C3(512, 256, 1, False)
        self.h14 = Conv(256, 128, 1, 1)
        self.h17 = C3(256, 128, 1, False)
        self.h18 = Conv(128, 128, 3, 2)
        self.h20 = C3(256, 256, 1, False)
        self.h21 = Conv(256, 256, 3, 2)
        self.h23 = C3(512, 512, 1, False)
        self.detect = nn.ModuleList(nn.Conv2d(c, na * (nc + 5), 1) for c in (128, 256, 512))
        self.up = nn.Upsample(scale_factor=2, mode="nearest")

    def forward(self, x):
        x = self.b2(self.b1(self.b0(x)))
        p3 = self.b4(self.b3(x))
        p4 = self.b6(self.b5(p3))
        p5 = self.b9(self.b8(self.b7(p4)))
        h10 = self.h10(p5)
        h14 = self.h14(self.h13(torch.cat((self.up(h10), p4), 1)))
        o3 = self.h17(torch.cat((self.up(h14), p3), 1))
        o4 = self.h20(torch.cat((self.h18(o3), h14), 1))
        o5 = self.h23(torch.cat((self.h21(o4), h10), 1))
        return tuple(conv(f) for conv, f in zip(self.detect, (o3, o4, o5)))


# --------------------------------------------------------------------------------------
# YOLOv8n (SiLU), head as exported by the RKNN model zoo: per scale the box distribution
# (4*reg_max channels), sigmoid class scores and their clamped sum; no DFL, no decoding.
# --------------------------------------------------------------------------------------


class C2f(nn.Module):
    def __init__(self, c1, c2, n=1, shortcut=False, act=nn.SiLU):
        super().__init__()
        self.c = c2 // 2
        self.cv1 = Conv(c1, 2 * self.c, 1, act=act)
        self.cv2 = Conv((2 + n) * self.c, c2, 1, act=act)
        self.m = nn.ModuleList(Bottleneck(self.c, self.c, shortcut, (3, 3), 1.0, act) for _ in range(n))

    def forward(self, x):
        y = list(self.cv1(x).split((self.c, self.c), 1))
        y.extend(m(y[-1]) for m in self.m)
        return self.cv2(torch.cat(y, 1))


class YoloV8n(nn.Module):
    """yolov8n.yaml (depth 0.33, width 0.25, max_channels 1024)."""

    def __init__(self, nc=80, reg_max=16):
        super().__init__()
        s = nn.SiLU
        self.b0 = Conv(3, 16, 3, 2, act=s)
        self.b1 = Conv(16, 32, 3, 2, act=s)
        self.b2 = C2f(32, 32, 1, True)
        self.b3 = Conv(32, 64, 3, 2, act=s)
        self.b4 = C2f(64, 64, 2, True)
        self.b5 = Conv(64, 128, 3, 2, act=s)
        self.b6 = C2f(128, 128, 2, True)
        self.b7 = Conv(128, 256, 3, 2, act=s)
        self.b8 = C2f(256, 256, 1, True)
        self.b9 = SPPF(256, 256, 5, act=s)
        self.h12 = C2f(384, 128, 1)
        self.h15 = C2f(192, 64, 1)
        self.h16 = Conv(64, 64, 3, 2, act=s)
        self.h18 = C2f(192, 128, 1)
        self.h19 = Conv(128, 128, 3, 2, act=s)
        self.h21 = C2f(384, 256, 1)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        ch = (64, 128, 256)
        c2, c3 = max(16, ch[0] // 4, reg_max * 4), max(ch[0], min(nc, 100))
        self.cv2 = nn.ModuleList(
            nn.Sequential(Conv(x, c2, 3, act=s), Conv(c2, c2, 3, act=s), nn.Conv2d(c2, 4 * reg_max, 1)) for x in ch)
        self.cv3 = nn.ModuleList(
            nn.Sequential(Conv(x, c3, 3, act=s), Conv(c3, c3, 3, act=s), nn.Conv2d(c3, nc, 1)) for x in ch)
        for seq in self.cv3:  # background-like class prior, so that the clamped score sum is not always 1
            nn.init.constant_(seq[-1].bias, -5.0)

    def forward(self, x):
        x = self.b2(self.b1(self.b0(x)))
        p3 = self.b4(self.b3(x))
        p4 = self.b6(self.b5(p3))
        p5 = self.b9(self.b8(self.b7(p4)))
        h12 = self.h12(torch.cat((self.up(p5), p4), 1))
        o3 = self.h15(torch.cat((self.up(h12), p3), 1))
        o4 = self.h18(torch.cat((self.h16(o3), h12), 1))
        o5 = self.h21(torch.cat((self.h19(o4), p5), 1))
        outs = []
        for i, f in enumerate((o3, o4, o5)):
            cls = torch.sigmoid(self.cv3[i](f))
            outs += [self.cv2[i](f), cls, torch.clamp(cls.sum(1, keepdim=True), 0, 1)]
        return tuple(outs)


# --------------------------------------------------------------------------------------
# Small U-Net: ConvTranspose (k2 s2 and k4 s2 p1) and bilinear Resize up-paths, Concat skips
# --------------------------------------------------------------------------------------


def double_conv(c1, c2):
    return nn.Sequential(nn.Conv2d(c1, c2, 3, padding=1, bias=False), nn.BatchNorm2d(c2), nn.ReLU(inplace=True),
                         nn.Conv2d(c2, c2, 3, padding=1, bias=False), nn.BatchNorm2d(c2), nn.ReLU(inplace=True))


class SmallUNet(nn.Module):
    def __init__(self, cin=3, ncls=2):
        super().__init__()
        self.e1, self.e2, self.e3, self.e4 = double_conv(cin, 16), double_conv(16, 32), double_conv(32, 64), \
            double_conv(64, 128)
        self.pool = nn.MaxPool2d(2)
        self.up3 = nn.ConvTranspose2d(128, 64, 2, stride=2)
        self.d3 = double_conv(128, 64)
        self.up2 = nn.Sequential(nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
                                 nn.Conv2d(64, 32, 1))
        self.d2 = double_conv(64, 32)
        self.up1 = nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1)
        self.d1 = double_conv(32, 16)
        self.head = nn.Conv2d(16, ncls, 1)

    def forward(self, x):
        x1 = self.e1(x)
        x2 = self.e2(self.pool(x1))
        x3 = self.e3(self.pool(x2))
        x4 = self.e4(self.pool(x3))
        y = self.d3(torch.cat((self.up3(x4), x3), 1))
        y = self.d2(torch.cat((self.up2(y), x2), 1))
        y = self.d1(torch.cat((self.up1(y), x1), 1))
        return self.head(y)


# --------------------------------------------------------------------------------------
# Transformer encoder block (pre-norm): explicit MatMul attention, Softmax, LayerNorm, erf GELU
# --------------------------------------------------------------------------------------


class EncoderBlock(nn.Module):
    def __init__(self, d=128, heads=4, ff=512):
        super().__init__()
        self.h, self.dk = heads, d // heads
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.q, self.k, self.v, self.o = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)
        self.ff1, self.ff2 = nn.Linear(d, ff), nn.Linear(ff, d)
        self.gelu = nn.GELU()  # exact (erf) form

    def forward(self, x):
        b, n, d = x.shape
        y = self.ln1(x)
        q = self.q(y).reshape(b, n, self.h, self.dk).transpose(1, 2)
        k = self.k(y).reshape(b, n, self.h, self.dk).transpose(1, 2)
        v = self.v(y).reshape(b, n, self.h, self.dk).transpose(1, 2)
        att = torch.softmax(torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.dk), dim=-1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(b, n, d)
        x = x + self.o(y)
        return x + self.ff2(self.gelu(self.ff1(self.ln2(x))))


# --------------------------------------------------------------------------------------
# The zoo
# --------------------------------------------------------------------------------------


def tv(name):
    def build():
        import torchvision
        return getattr(torchvision.models, name)(weights=None)
    return build


# name: (builder, input shape, opset, output names)
ZOO = {
    "resnet18": (tv("resnet18"), (1, 3, 224, 224), 13, ["output"]),
    "resnet50": (tv("resnet50"), (1, 3, 224, 224), 13, ["output"]),
    "mobilenet_v2": (tv("mobilenet_v2"), (1, 3, 224, 224), 13, ["output"]),
    "mobilenet_v3_small": (tv("mobilenet_v3_small"), (1, 3, 224, 224), 13, ["output"]),
    "squeezenet1_1": (tv("squeezenet1_1"), (1, 3, 224, 224), 13, ["output"]),
    "shufflenet_v2_x1_0": (tv("shufflenet_v2_x1_0"), (1, 3, 224, 224), 13, ["output"]),
    "efficientnet_b0": (tv("efficientnet_b0"), (1, 3, 224, 224), 13, ["output"]),
    "resnet18_op12": (tv("resnet18"), (1, 3, 224, 224), 12, ["output"]),
    "mobilenet_v2_op12": (tv("mobilenet_v2"), (1, 3, 224, 224), 12, ["output"]),
    "yolov5s_relu": (YoloV5s, (1, 3, 640, 640), 12, ["output_p3", "output_p4", "output_p5"]),
    "yolov8n": (YoloV8n, (1, 3, 640, 640), 12,
                [f"{kind}_{s}" for s in ("p3", "p4", "p5") for kind in ("box", "score", "score_sum")]),
    "unet_small": (SmallUNet, (1, 3, 128, 128), 13, ["output"]),
    "transformer_block": (EncoderBlock, (1, 64, 128), 17, ["output"]),
}


def name_seed(name):
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)


# gamma and beta of the BatchNorm that ends a residual branch, relative to the other norms' (see the
# module docstring): small, as after zero-init residual, but not zero, so that the branch's layers
# still shape the output (a zero branch would be a constant the int8 tests could not check).
RESIDUAL_BRANCH_SCALE = 0.1


def residual_branch_norms(model):
    """The BatchNorm ending each residual branch that runs beside an identity shortcut (added to
    it, or concatenated with it in ShuffleNetV2)."""
    norms = []
    for m in model.modules():
        kind = type(m).__name__
        if kind == "BasicBlock":  # torchvision ResNet
            norms.append(m.bn2)
        elif kind == "Bottleneck" and hasattr(m, "bn3"):  # torchvision ResNet
            norms.append(m.bn3)
        elif kind == "Bottleneck" and getattr(m, "add", False):  # YOLO's, above
            norms.append(m.cv2.bn)
        elif kind in ("InvertedResidual", "MBConv") and getattr(m, "use_res_connect", False):  # MobileNet, EfficientNet
            body = m.conv if hasattr(m, "conv") else m.block
            norms.append([n for n in body.modules() if isinstance(n, nn.BatchNorm2d)][-1])
        elif kind == "InvertedResidual" and hasattr(m, "branch2") and m.stride == 1:
            # ShuffleNetV2's stride-1 unit: half the channels pass unchanged and are concatenated
            # with the branch's output, an identity shortcut by concatenation instead of addition.
            norms.append([n for n in m.branch2.modules() if isinstance(n, nn.BatchNorm2d)][-1])
    return norms


def randomize_norms(model, shape, seed, residual_branch_scale=1.0, gate=None, var_floor=None):
    """Random affine parameters for every norm layer (times residual_branch_scale where a norm
    ends a residual branch); BatchNorm running statistics are measured (cumulative average) on a
    seeded random batch of 2, in train mode. GATE: every BatchNorm's beta = +-GATE * gamma
    (random sign) instead of N(0, 0.2). VAR_FLOOR: each BatchNorm's running variance at least
    VAR_FLOOR times its layer's median. The defaults keep scripts/gen_qdq.py's models as they
    were; the zoo passes a CONDITIONING candidate."""
    g = torch.Generator().manual_seed(seed)
    residual = {id(n) for n in residual_branch_norms(model)} if residual_branch_scale != 1.0 else set()
    bns = []
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm2d, nn.LayerNorm)) and getattr(m, "weight", None) is not None:
            scale = residual_branch_scale if id(m) in residual else 1.0
            with torch.no_grad():
                m.weight.copy_((torch.rand(m.weight.shape, generator=g) + 0.5) * scale)
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.2 * scale)
                if gate is not None and isinstance(m, nn.BatchNorm2d):
                    m.bias.copy_(torch.where(m.bias >= 0, gate, -gate) * m.weight)
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None
            bns.append(m)
    if bns:
        calib = torch.randn((2,) + tuple(shape[1:]), generator=g)
        model.train()
        with torch.no_grad():
            model(calib)
            if var_floor is not None:
                for m in bns:
                    m.running_var.clamp_(min=float(m.running_var.median()) * var_floor)
    model.eval()


# BatchNorm conditionings of the random zoo, in the order zoo_conditioning's fixed rule tries them
# (docs/quantization.md §22): each model gets the first under which it behaves like a trained network.
CONDITIONING = {
    # residual branches scaled down (above), beta ~ N(0, 0.2) elsewhere
    "residual": dict(residual_branch_scale=RESIDUAL_BRANCH_SCALE),
    # and every BatchNorm gating: beta = +-2 gamma, each channel mostly on or mostly off
    "gating": dict(residual_branch_scale=RESIDUAL_BRANCH_SCALE, gate=2.0),
    # and no running variance below a tenth of its layer's median: a channel that happened to be
    # dead on the 2 statistics inputs (a depthwise conv of a gated-off channel) otherwise divides
    # by sqrt(eps) on other inputs
    "gating_var_floor": dict(residual_branch_scale=RESIDUAL_BRANCH_SCALE, gate=2.0, var_floor=0.1),
}


def build_model(name, conditioning="residual"):
    """The eval-mode PyTorch model of zoo entry NAME, with its random weights and norms."""
    builder, shape = ZOO[name][:2]
    torch.manual_seed(0)
    model = builder()
    randomize_norms(model, shape, name_seed(name), **CONDITIONING[conditioning])
    return model


def generate(name, out_root):
    builder, shape, opset, out_names = ZOO[name]
    final = os.path.join(out_root, name)
    stamp = stamp_text(name)
    if up_to_date(name, out_root):
        print(f"{name}: up to date ({final})")
        return

    print(f"{name}: choosing its conditioning (zoo_conditioning.py)", flush=True)
    conditioning, model, tried = zoo_conditioning.choose(lambda c: build_model(name, c), list(CONDITIONING), shape)
    x = torch.from_numpy(np.random.RandomState(name_seed(name) ^ 1).standard_normal(shape).astype(np.float32))
    with torch.no_grad():
        outs = model(x)
    if isinstance(outs, torch.Tensor):
        outs = (outs,)
    assert len(outs) == len(out_names), (name, len(outs), out_names)
    # PyTorch's own float32 error against float64 on this model and input: how much any float32
    # engine can legitimately differ (tests/zoo/compare.py scales its tolerance floor by it).
    with torch.no_grad():
        outs64 = copy.deepcopy(model).double()(x.double())
    outs64 = (outs64,) if isinstance(outs64, torch.Tensor) else outs64
    noise = [float((o.double() - e).abs().max() / e.abs().max().clamp_min(1e-30)) for o, e in zip(outs, outs64)]

    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, x, buf, opset_version=opset, input_names=["input"], output_names=out_names,
                          do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load_from_string(buf.getvalue()))

    os.makedirs(out_root, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".{name}.", dir=out_root)
    try:
        with open(os.path.join(tmp, "model.onnx"), "wb") as f:
            f.write(buf.getvalue())
        np.save(os.path.join(tmp, "input_0.npy"), x.numpy())
        for k, o in enumerate(outs):
            np.save(os.path.join(tmp, f"torch_output_{k}.npy"), o.numpy().astype(np.float32))
        with open(os.path.join(tmp, "meta.json"), "w") as f:
            json.dump({"name": name, "opset": opset, "input_shape": list(shape), "output_names": out_names,
                       "torch_fp32_vs_fp64": noise, "conditioning": conditioning,
                       "conditioning_rule": {"lsb_bar": zoo_conditioning.LSB_BAR,
                                             "distinct_bar": zoo_conditioning.DISTINCT_BAR, "tried": tried}},
                      f, indent=1)
        with open(os.path.join(tmp, "stamp"), "w") as f:
            f.write(stamp)
        shutil.rmtree(final, ignore_errors=True)
        os.rename(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{name}: wrote {final} (opset {opset}, input {list(shape)}, "
          f"outputs {[list(o.shape) for o in outs]}, torch fp32 vs fp64 {max(noise):.1e}); conditioning {conditioning}: "
          f"input LSB cos {tried[conditioning]['lsb_min']:.6f}, distinct cos {tried[conditioning]['distinct_least']:.6f}")


def main():
    ap, args = parse_args()
    if args.list:
        print("\n".join(ZOO))
        return 0
    names = args.only or list(ZOO)
    unknown = [n for n in names if n not in ZOO]
    if unknown:
        ap.error(f"unknown model(s) {', '.join(unknown)}; known: {', '.join(ZOO)}")
    for n in names:
        generate(n, os.path.abspath(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
