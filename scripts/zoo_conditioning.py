"""Whether a random-weight zoo network behaves like a trained one, measured in PyTorch only, and the
fixed rule by which scripts/gen_zoo.py picks each model's BatchNorm conditioning
(docs/quantization.md §22).

Two measures, neither of which involves any quantizer:
  input LSB cosine   cosine of f(x) with f(x + e), e uniform in +-1/2 LSB of the int8 quantization
                     of the input (range over 20 inputs drawn like the calibration set): the
                     rounding error of quantizing the input alone. Worst output, worst input.
  distinct cosine    cosine of f(x1) with f(x2) for two different inputs, per output its worst
                     pair: near 1 means that output hardly depends on the input.

The rule: the first candidate (in gen_zoo.CONDITIONING's order) whose outputs are finite and not
constant, whose input LSB cosine (worst output, worst input) is >= LSB_BAR and whose distinct
cosine is < DISTINCT_BAR on at least one output. Both bars derive from the int8 zoo test
(tests/zoo/quant_accuracy.py: every output's cosine >= 0.99), not from any quantizer:
  LSB_BAR = 1 - (1 - 0.99) / 10   the input's own rounding may use at most a tenth of the test's
                                  cosine budget; every quantized layer adds rounding noise of
                                  about that size, so a network above this bar leaves room for
                                  its 20-100 layers, one below 0.99 cannot pass whatever the quantizer.
  DISTINCT_BAR = 0.99             if another input's output already had cosine >= 0.99 with the
                                  reference on every output, the test would pass a wrong (or
                                  constant) result. The test fails if any output fails, so one
                                  input-dependent output suffices (yolov8n's score outputs sit near
                                  their -5 class prior whatever the input; its box outputs do not).
If no candidate qualifies, the first is kept (and gen_zoo.py says so).

The rule's inputs (seeds RULE_SEED..) are not the int8 test's (calibration 0..19, held-out 1000..),
so the choice is not fitted to the test's samples.
"""
import numpy as np
import torch

TEST_THRESHOLD = 0.99
LSB_BAR = 1 - (1 - TEST_THRESHOLD) / 10
DISTINCT_BAR = TEST_THRESHOLD
RULE_SEED = 2000


def cosine(a, b):
    a, b = a.double().ravel(), b.double().ravel()
    return float(a @ b / (a.norm() * b.norm()))


def draw(shape, seed):
    return torch.from_numpy(np.random.RandomState(seed).standard_normal(shape).astype(np.float32))


def as_tuple(y):
    return (y,) if isinstance(y, torch.Tensor) else tuple(y)


def measure(model, shape, held_out_seeds, calib_seeds):
    """The two measures of the eval-mode MODEL (see the module docstring), and its outputs' health."""
    lo = min(0.0, min(float(draw(shape, s).min()) for s in calib_seeds))
    hi = max(0.0, max(float(draw(shape, s).max()) for s in calib_seeds))
    lsb = (hi - lo) / 255.0
    noise = torch.Generator().manual_seed(7)
    near, outs = [], []
    with torch.no_grad():
        for seed in held_out_seeds:
            x = draw(shape, seed)
            y = as_tuple(model(x))
            e = (torch.rand(x.shape, generator=noise) - 0.5) * lsb
            near.append(min(cosine(a, b) for a, b in zip(y, as_tuple(model(x + e)))))
            outs.append(y)
    n = len(outs)
    per_output = [max(cosine(outs[j][i], outs[k][i]) for j in range(n) for k in range(j + 1, n))
                  for i in range(len(outs[0]))]
    finite = all(bool(torch.isfinite(o).all()) for y in outs for o in y)
    return {"lsb_mean": float(np.mean(near)), "lsb_min": min(near), "distinct": max(per_output),
            "distinct_least": min(per_output), "std_min": min(float(o.std()) for y in outs for o in y),
            "finite": finite}


def rule_measure(model, shape):
    """measure() on the rule's own inputs: 3 held-out, 20 for the input range."""
    return measure(model, shape, range(RULE_SEED, RULE_SEED + 3), range(RULE_SEED + 100, RULE_SEED + 120))


def verdict(m):
    """None if measures M qualify under the rule, else why not."""
    if not m["finite"] or not m["std_min"] > 0:
        return "outputs not finite or constant"
    if not m["lsb_min"] >= LSB_BAR:
        return f"input LSB cosine {m['lsb_min']:.6f} < {LSB_BAR:.4f}"
    if not m["distinct_least"] < DISTINCT_BAR:
        return f"distinct cosine {m['distinct_least']:.6f} >= {DISTINCT_BAR} on every output"
    return None


def choose(build, candidates, shape, log=print):
    """(candidate, model, measures of every candidate tried): the first of CANDIDATES whose model,
    BUILD(candidate), qualifies; the first candidate's if none does."""
    tried = {}
    first = None
    for c in candidates:
        model = build(c)
        m = rule_measure(model, shape)
        why = verdict(m)
        tried[c] = dict(m, rejected=why)
        log(f"  conditioning {c}: input LSB cos {m['lsb_min']:.6f}, distinct cos {m['distinct_least']:.6f}"
            f"{'' if why is None else ' - rejected: ' + why}")
        if why is None:
            return c, model, tried
        if first is None:
            first = model
    log(f"  no conditioning qualifies: keeping {candidates[0]}")
    return candidates[0], first, tried
