#!/usr/bin/python3
"""How well conditioned the random-weight zoo models are, measured in PyTorch without any quantizer.

usage: /usr/bin/python3 scripts/zoo_sensitivity.py [--only NAME ...] [--residual-branch-scale S]

Per model of scripts/gen_zoo.py (as it would generate it), on held-out inputs drawn like
tests/zoo/quant_accuracy.py's (seeded standard normal, seeds 1000..):
  input LSB cosine   cosine of f(x) with f(x + e), e uniform in +-1/2 LSB of the int8 quantization
                     of the input calibrated on quant_accuracy.py's 20 calibration inputs (the
                     rounding error of quantizing the input alone); the worst output, mean and min
                     over the held-out inputs. Trained networks stay well above 0.9999; a network
                     below 0.99 here cannot pass a 0.99 int8 test whatever the quantizer does.
  distinct cosine    cosine of f(x1) with f(x2) for two different held-out inputs, worst output
                     and pair: near 1 means the network ignores its input, so a cosine test on it
                     would pass even for a constant output.
  output std         the smallest standard deviation of an output tensor (for x1).
--residual-branch-scale overrides gen_zoo.RESIDUAL_BRANCH_SCALE (1 = the zoo before residual
branches were scaled down) to compare conditioning schemes.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_zoo  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402


def cosine(a, b):
    a, b = a.double().ravel(), b.double().ravel()
    return float(a @ b / (a.norm() * b.norm()))


def draw(shape, seed):
    return torch.from_numpy(np.random.RandomState(seed).standard_normal(shape).astype(np.float32))


def as_tuple(y):
    return (y,) if isinstance(y, torch.Tensor) else tuple(y)


def measure(name, held_out=3, calib=20):
    shape = gen_zoo.ZOO[name][1]
    model = gen_zoo.build_model(name)
    lo = min(0.0, min(float(draw(shape, i).min()) for i in range(calib)))
    hi = max(0.0, max(float(draw(shape, i).max()) for i in range(calib)))
    lsb = (hi - lo) / 255.0
    noise = torch.Generator().manual_seed(7)
    near, outs = [], []
    with torch.no_grad():
        for j in range(held_out):
            x = draw(shape, 1000 + j)
            y = as_tuple(model(x))
            e = (torch.rand(x.shape, generator=noise) - 0.5) * lsb
            near.append(min(cosine(a, b) for a, b in zip(y, as_tuple(model(x + e)))))
            outs.append(y)
    distinct = max(cosine(a, b) for j in range(held_out) for k in range(j + 1, held_out) for a, b in zip(outs[j], outs[k]))
    return {"lsb_mean": float(np.mean(near)), "lsb_min": min(near), "distinct": distinct,
            "std_min": min(float(o.std()) for o in outs[0])}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="+", metavar="NAME", help="these models (default: all)")
    ap.add_argument("--residual-branch-scale", type=float, help="override gen_zoo.RESIDUAL_BRANCH_SCALE")
    args = ap.parse_args()
    names = args.only or list(gen_zoo.ZOO)
    unknown = [n for n in names if n not in gen_zoo.ZOO]
    if unknown:
        print(f"E zoo_sensitivity: unknown model(s) {', '.join(unknown)}", file=sys.stderr)
        return 1
    if args.residual_branch_scale is not None:
        gen_zoo.RESIDUAL_BRANCH_SCALE = args.residual_branch_scale
    torch.set_num_threads(1)
    print(f"residual branch scale {gen_zoo.RESIDUAL_BRANCH_SCALE}")
    print(f"{'model':20s} {'input LSB cos mean':>18s} {'min':>9s} {'distinct cos':>12s} {'output std':>10s}")
    for n in names:
        t = time.time()
        r = measure(n)
        print(f"{n:20s} {r['lsb_mean']:18.6f} {r['lsb_min']:9.6f} {r['distinct']:12.6f} {r['std_min']:10.4f}"
              f"  ({time.time() - t:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
