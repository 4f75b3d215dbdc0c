#!/usr/bin/python3
"""How well conditioned the random-weight zoo models are, measured in PyTorch without any quantizer.

usage: /usr/bin/python3 scripts/zoo_sensitivity.py [--only NAME ...] [--conditioning C]
                                                   [--residual-branch-scale S]

Per model of scripts/gen_zoo.py, on the inputs of tests/zoo/quant_accuracy.py (held-out seeds
1000.., input range from calibration seeds 0..19), the measures of scripts/zoo_conditioning.py:
  input LSB cosine   cosine of f(x) with f(x + e), e uniform in +-1/2 LSB of the input's int8
                     quantization; worst output, mean and min over the held-out inputs. Trained
                     networks stay well above 0.9999; below 0.99 no int8 model can pass.
  distinct cosine    cosine of f(x1) with f(x2) for two different held-out inputs, worst pair, for
                     the worst output and (least) the most input-dependent one: near 1 means the
                     output hardly depends on the input.
  output std         the smallest standard deviation of an output tensor.
By default each model is measured with the conditioning gen_zoo.py's rule picks for it (which
measures on its own inputs, so figures differ slightly); --conditioning forces one of
gen_zoo.CONDITIONING, and --residual-branch-scale overrides gen_zoo.RESIDUAL_BRANCH_SCALE in it
(1 = the zoo before residual branches were scaled down), to compare schemes.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_zoo  # noqa: E402
import torch  # noqa: E402
import zoo_conditioning  # noqa: E402


def measure(name, conditioning):
    shape = gen_zoo.ZOO[name][1]
    if conditioning is None:
        conditioning, model, _ = zoo_conditioning.choose(lambda c: gen_zoo.build_model(name, c),
                                                         list(gen_zoo.CONDITIONING), shape, log=lambda _: None)
    else:
        model = gen_zoo.build_model(name, conditioning)
    return conditioning, zoo_conditioning.measure(model, shape, range(1000, 1003), range(20))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="+", metavar="NAME", help="these models (default: all)")
    ap.add_argument("--conditioning", choices=list(gen_zoo.CONDITIONING), help="force this conditioning")
    ap.add_argument("--residual-branch-scale", type=float, help="override gen_zoo.RESIDUAL_BRANCH_SCALE")
    args = ap.parse_args()
    names = args.only or list(gen_zoo.ZOO)
    unknown = [n for n in names if n not in gen_zoo.ZOO]
    if unknown:
        print(f"E zoo_sensitivity: unknown model(s) {', '.join(unknown)}", file=sys.stderr)
        return 1
    if args.residual_branch_scale is not None:
        for c in gen_zoo.CONDITIONING.values():
            c["residual_branch_scale"] = args.residual_branch_scale
    torch.set_num_threads(1)
    print(f"{'model':20s} {'conditioning':16s} {'input LSB cos mean':>18s} {'min':>9s} {'distinct cos':>12s} "
          f"{'least':>8s} {'output std':>10s}")
    for n in names:
        t = time.time()
        c, r = measure(n, args.conditioning)
        print(f"{n:20s} {c:16s} {r['lsb_mean']:18.6f} {r['lsb_min']:9.6f} {r['distinct']:12.6f} "
              f"{r['distinct_least']:8.4f} {r['std_min']:10.4f}"
              f"  ({time.time() - t:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
