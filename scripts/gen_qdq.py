#!/usr/bin/python3
"""Generate pre-quantized (QDQ) ONNX models with PyTorch's quantization tools, and PyTorch's own
int8 results on them, for tests/qdq.

Run with:  /usr/bin/python3 scripts/gen_qdq.py --out DIR [--only NAME ...] [--list]

Each model is a float network with random weights (torch.manual_seed(0), nothing downloaded),
quantized with FX graph mode (prepare_fx / convert_fx) for the qnnpack backend, calibrated on
seeded random batches, and exported with torch.onnx.export: PyTorch writes every quantized op as
DequantizeLinear -> float op -> QuantizeLinear (a QDQ model). Writes DIR/<name>/:
  model.onnx           the QDQ model (batch 1, opset from MODELS)
  input_K.npy          seeded standard-normal float32 test inputs
  torch_q_K.npy        PyTorch's quantized output for input_K.npy (qnnpack kernels), as int32
                       integers in the int8 domain (quint8 - 128)
  meta.json            the output's scale and int8 zero point, and the torch version
A directory whose meta.json names the same script hash and torch version is reused.
"""
import argparse
import copy
import hashlib
import json
import os
import shutil
import sys
import tempfile
import warnings

N_INPUTS = 4


def small_cnn(per_channel=False):
    import torch.nn as nn

    class SmallCnn(nn.Module):
        """conv+relu, maxpool, a residual add, flatten, linear: the ops of a small classifier."""
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(3, 16, 3, padding=1)
            self.r1 = nn.ReLU()
            self.pool = nn.MaxPool2d(2)
            self.c2 = nn.Conv2d(16, 16, 3, padding=1)
            self.r2 = nn.ReLU()
            self.dw = nn.Conv2d(16, 16, 3, padding=1, groups=16)
            self.fc = nn.Linear(16 * 8 * 8, 64)

        def forward(self, x):
            y = self.pool(self.r1(self.c1(x)))
            y = y + self.dw(self.r2(self.c2(y)))
            return self.fc(y.flatten(1))
    return SmallCnn(), (1, 3, 16, 16)


def residual_net():
    """torchvision's BasicBlock (conv-bn-relu, a stride-2 1x1 downsample, add+relu) and an inverted
    residual (ReLU6, depthwise), then global average pooling and a classifier: every op of
    resnet18/mobilenet_v2 at a depth where one rounding difference cannot grow."""
    import torch.nn as nn
    from torchvision.models.mobilenetv2 import InvertedResidual
    from torchvision.models.resnet import BasicBlock
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from gen_zoo import randomize_norms
    down = nn.Sequential(nn.Conv2d(16, 32, 1, stride=2, bias=False), nn.BatchNorm2d(32))
    model = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
                          BasicBlock(16, 32, stride=2, downsample=down), InvertedResidual(32, 32, 1, 4),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 100))
    shape = (1, 3, 32, 32)
    randomize_norms(model, shape, seed=0)
    return model, shape


def torchvision_model(name):
    """Random weights; BatchNorm statistics measured and the network conditioned by the zoo's fixed
    rule (scripts/gen_zoo.py, docs/quantization.md §22), so activations stay in a realistic range
    (default statistics collapse mobilenet_v2's output to one value) and the network does not
    amplify small differences as a chaotic random one does."""
    import torch
    import torchvision
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import zoo_conditioning
    from gen_zoo import CONDITIONING, randomize_norms
    shape = (1, 3, 64, 64)

    def build(conditioning):
        torch.manual_seed(0)
        model = getattr(torchvision.models, name)(weights=None)
        randomize_norms(model, shape, seed=0, **CONDITIONING[conditioning])
        return model
    return zoo_conditioning.choose(build, list(CONDITIONING), shape)[1], shape


# name: (builder, opset, per-channel weights)
MODELS = {
    "cnn": (lambda: small_cnn(), 13, False),
    "cnn_op10": (lambda: small_cnn(), 10, False),
    "cnn_per_channel": (lambda: small_cnn(), 13, True),
    "residual": (residual_net, 13, False),
    "resnet18": (lambda: torchvision_model("resnet18"), 13, False),
    "mobilenet_v2": (lambda: torchvision_model("mobilenet_v2"), 13, False),
}


def with_contiguous_relu6(quantized):
    """A copy whose ReLU6 modules read contiguous tensors. torch 1.13's quantized hardtanh (ReLU6,
    clamp) is wrong on channels_last quint8 tensors, which qnnpack's convolutions return: e.g.
    1.65 comes out as 0.45 (checked against clamp on a contiguous copy). The export is unaffected
    (it writes Clip), so only PyTorch's reference run needs this."""
    import torch

    class ContiguousReLU6(torch.nn.Module):
        def forward(self, x):
            return torch.nn.functional.relu6(x.contiguous())

    model = copy.deepcopy(quantized)
    for name, module in list(model.named_modules()):
        if isinstance(module, torch.nn.ReLU6):
            parent, _, leaf = name.rpartition(".")
            setattr(model.get_submodule(parent) if parent else model, leaf, ContiguousReLU6())
    return model


def stamp(name):
    import torch
    here = os.path.dirname(os.path.abspath(__file__))
    digest = hashlib.sha256()
    for script in ("gen_qdq.py", "gen_zoo.py", "zoo_conditioning.py"):  # the models come from all three
        with open(os.path.join(here, script), "rb") as f:
            digest.update(f.read())
    return f"{name} {digest.hexdigest()} torch {torch.__version__}"


def out_qparams(model):
    """(scale, int8 zero point) of each graph output's DequantizeLinear."""
    import numpy as np
    from onnx import numpy_helper
    consts = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    alias = {}
    for n in model.graph.node:
        if n.op_type == "Constant":
            consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
        if n.op_type == "Identity":
            alias[n.output[0]] = n.input[0]
    get = lambda k: consts[alias.get(k, k)]
    result = []
    for out in model.graph.output:
        dq = next(n for n in model.graph.node if out.name in n.output)
        if dq.op_type != "DequantizeLinear":
            raise SystemExit(f"output {out.name} is not dequantized by the export ({dq.op_type})")
        z = get(dq.input[2]) if len(dq.input) > 2 else np.uint8(0)
        result.append((float(get(dq.input[1])), int(z) - (128 if z.dtype == np.uint8 else 0)))
    return result


def generate(name, out_root):
    import numpy as np
    import onnx
    import torch
    from torch.ao.quantization import QConfig, get_default_qconfig_mapping
    from torch.ao.quantization.observer import default_per_channel_weight_observer
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

    builder, opset, per_channel = MODELS[name]
    torch.manual_seed(0)
    torch.backends.quantized.engine = "qnnpack"
    model, shape = builder()
    model.eval()
    qconfig_mapping = get_default_qconfig_mapping("qnnpack")
    if per_channel:
        default = qconfig_mapping.global_qconfig
        qconfig = QConfig(activation=default.activation, weight=default_per_channel_weight_observer)
        qconfig_mapping.set_global(qconfig)
        for module in (torch.nn.Conv2d, torch.nn.Linear, torch.nn.ReLU):  # types the qnnpack mapping names itself
            qconfig_mapping.set_object_type(module, qconfig)
    example = torch.randn(shape)
    prepared = prepare_fx(model, qconfig_mapping, (example,))
    with torch.no_grad():
        for _ in range(8):
            prepared(torch.randn(shape))
    quantized = convert_fx(copy.deepcopy(prepared))

    tmp = tempfile.mkdtemp(prefix=f".{name}.", dir=out_root)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(quantized, example, os.path.join(tmp, "model.onnx"), opset_version=opset,
                          input_names=["input"], output_names=["output"])
    (scale, zero_point), = out_qparams(onnx.load(os.path.join(tmp, "model.onnx")))
    reference = with_contiguous_relu6(quantized)
    gen = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for k in range(N_INPUTS):
            x = torch.randn(shape, generator=gen)
            np.save(os.path.join(tmp, f"input_{k}.npy"), x.numpy())
            y = reference(x).numpy()  # convert_fx dequantizes the output: y = scale * (q - zero_point)
            q = np.round(y / np.float32(scale)).astype(np.int32) + zero_point
            np.save(os.path.join(tmp, f"torch_q_{k}.npy"), q)
    with open(os.path.join(tmp, "meta.json"), "w") as f:
        json.dump({"stamp": stamp(name), "scale": scale, "zero_point": zero_point, "inputs": N_INPUTS,
                   "opset": opset, "per_channel_weights": per_channel}, f, indent=1)
    dest = os.path.join(out_root, name)
    shutil.rmtree(dest, ignore_errors=True)
    os.rename(tmp, dest)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=False)
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    if args.list:
        print("\n".join(MODELS))
        return
    if not args.out:
        ap.error("--out is required")
    os.makedirs(args.out, exist_ok=True)
    for name in args.only or list(MODELS):
        if name not in MODELS:
            sys.exit(f"unknown model {name} (known: {', '.join(MODELS)})")
        try:
            with open(os.path.join(args.out, name, "meta.json")) as f:
                if json.load(f)["stamp"] == stamp(name):
                    continue
        except (OSError, ValueError, KeyError):
            pass
        generate(name, args.out)


if __name__ == "__main__":
    main()
