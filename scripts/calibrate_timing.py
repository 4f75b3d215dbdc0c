#!/usr/bin/env python3
"""Fits rknn-sim's calibrated timing parameters and writes the evidence to
models/<platform>/calibration.md (with --apply, also the values into platform.yaml).

usage: /usr/bin/python3 scripts/calibrate_timing.py [--sim build/tools/rknn-sim] [--cache build/zoo-cache] [--apply]

What is fitted to what (scripts/timing_data.py holds the data and its sources):
  1. npu.min_cycles_per_output_pixel (RK3588): the NPU-cycle column of the published per-layer
     rows; the floor is the cycles per output pixel of the 1x1 conv whose channel product is
     below it (the other conv rows must follow the product formula exactly).
  1b. npu.mac.int8.depthwise_channels_per_cycle (RK3588): the NPU cycles of the same table's
     depthwise rows are out pixels x taps x ceil(C / g); g is the one power of two that gives
     every row. Other platforms state theirs in their platform.yaml (RK3576/RV1126B share the
     array; elsewhere the array's input atom, assumed).
  2. ddr.efficiency (RK3588): the median of RW bytes / DDR cycles over the same rows, divided by
     the DDR peak bytes per NPU cycle (the rate of a normal run).
  3. The layer timed alone, as perf_debug times it (RK3588): npu.layer_alone_overhead_us,
     ddr.efficiency_layer_alone and npu.layer_alone_drain_cycles_per_atom_int8, fitted to the Time(us)
     column of one public perf_debug table, FIT_LOG (scripts/perf_logs.py; the only one taken at a
     fixed, known NPU and DDR frequency), each row rebuilt and timed by scripts/validate_layers.py:
     every combination of a grid of the three is timed, and the one with the lowest median |error|
     over all the table's rows is chosen. The other two tables are held out.
  4. npu.task_overhead_cycles (each platform, except those in FIT_BANDWIDTH, which take RK3588's
     and have ddr.bandwidth_gbps fitted instead): bisection so that the simulated latency of the
     FIT_ROWS model equals the published latency, with 1 and 2 applied. The other whole-model
     rows are not looked at: they are the held-out validation (scripts/validate_timing.py). The
     latency is a normal run's (perf --json run_time_us), with 1-3 applied.
RK3566/RK3568, RK3562 and RK3576 have no published per-layer rows: 1 and 2 are carried over from
RK3588 (same NPU generation and DMA design) and marked `assumed` in their platform.yaml; so are
the per-layer parameters of 3.
"""
import argparse
import itertools
import math
import os
import re
import statistics

import perf_logs as pl
import timing_data as td
import validate_layers as vl

# The per-layer table the per-layer parameters are fitted to: RKNN-Toolkit2 2.3.2 with the NPU fixed
# at 1 GHz and DDR at 2112 MHz. The 1.5.0 yolov5s table (frequencies not given) and the FP16 U-Net
# table are held out.
FIT_LOG = "yolov8n_tk232"
LAYER_GRIDS = {  # platform.yaml key -> values tried; every combination is timed
    "layer_alone_overhead_us": [20 + 2.5 * i for i in range(13)],
    "efficiency_layer_alone": [round(0.28 + 0.02 * i, 2) for i in range(12)],
    "layer_alone_drain_cycles_per_atom_int8": [2 + 0.5 * i for i in range(11)],
}
TRACE_POINTS = 15  # the best points calibration.md lists
# Platforms without a whole-model row whose platform.yaml takes these RK3588 values as they are.
CARRIED_FROM_RK3588 = {"rv1126b": ("min_cycles_per_output_pixel", "efficiency", "task_overhead_cycles")}


def yaml_value(platform_dir, key):
    with open(os.path.join(td.ROOT, "models", platform_dir, "platform.yaml")) as f:
        m = re.search(r"\n\s*%s:\s*\{value: ([^,]+)" % re.escape(key), f.read())
    return float(m.group(1))


def write_values(platform_dir, values):
    """Replaces the `{value: ...}` of each key in models/<platform_dir>/platform.yaml."""
    path = os.path.join(td.ROOT, "models", platform_dir, "platform.yaml")
    with open(path) as f:
        text = f.read()
    for k, v in values.items():
        text = td.set_value(text, k, v)
    with open(path, "w") as f:
        f.write(text)


def fit_floor():
    rows, floor = [], 0
    for desc, _, npu, _, pixels, taps, cin, cout in td.RK3588_LAYER_ROWS:
        if cout is None or not pixels:
            continue
        product = taps * math.ceil(cin / 32) * math.ceil(cout / 32)
        observed = npu / pixels
        rows.append((desc, product, observed))
        if observed > product:
            floor = max(floor, observed)
    exact = all(obs == max(prod, floor) for _, prod, obs in rows)
    return int(floor), rows, exact


def fit_depthwise():
    """The channels a depthwise conv advances per cycle and tap: the power of two g for which every
    published depthwise row's NPU cycles equal out pixels x taps x ceil(C / g)."""
    rows = [(desc, npu / pixels / taps, cin) for desc, _, npu, _, pixels, taps, cin, cout in td.RK3588_LAYER_ROWS
            if cout is None and taps > 1 and pixels]
    fits = [g for g in (2 ** i for i in range(3, 9)) if all(per_tap == math.ceil(c / g) for _, per_tap, c in rows)]
    if len(fits) != 1:
        raise SystemExit(f"depthwise rows fit channel groups {fits}, not exactly one")
    return fits[0], rows


def fit_ddr_efficiency():
    clock = yaml_value("rk3588", "clock_mhz")
    peak_per_cycle = yaml_value("rk3588", "bandwidth_gbps") * 1e3 / clock
    ratios = [(desc, kb * 1024 / ddr) for desc, ddr, _, kb, *_ in td.RK3588_LAYER_ROWS]
    median = statistics.median(r for _, r in ratios)
    return round(median / peak_per_cycle, 3), ratios, peak_per_cycle


def fit_layer_rows(sim, work, fixed):
    """The LAYER_GRIDS point, all combinations tried, with the lowest median |error| over every
    compared row of FIT_LOG (ties: the lower sum of its conv and other medians), the other RK3588
    values as in `fixed`. One objective over the whole grid: fitting the keys in turn, each on its
    own rows, stopped wherever it started on these flat medians. Returns ({key: value},
    [(values, all median, conv median, other median)] of the TRACE_POINTS best points)."""
    dtype, rows = pl.all_logs()[FIT_LOG]
    compiled, first, skipped = vl.compile_log(sim, work, FIT_LOG, dtype, rows)
    scored = []
    for combination in itertools.product(*LAYER_GRIDS.values()):
        point = dict(zip(LAYER_GRIDS, combination))
        with td.PlatformOverride({"rk3588": dict(fixed, **point)}) as d:
            simulated, _ = vl.time_rows(sim, compiled, rows, first, dict(skipped), d)
        (conv, _), (other, _) = vl.summarize(rows, simulated)
        every = statistics.median(abs(vl.error_pct(simulated[r.id], r.time_us)) for r in rows if r.id in simulated)
        scored.append(((every, conv + other), point, conv, other))
    scored.sort(key=lambda s: s[0])
    trace = [(point, score[0], conv, other) for score, point, conv, other in scored[:TRACE_POINTS]]
    return scored[0][1], trace


# The fitted keys: search range, tolerance, rounding of the result, and whether a larger value makes
# the model slower (the overhead) or faster (the bandwidth).
FITS = {"task_overhead_cycles": (0, 20000, 50, 50, True), "bandwidth_gbps": (2.0, 64.0, 0.05, 0.1, False)}


def fit_value(sim, compiled, platform, overrides, published_ms, key):
    """Bisection of platform.yaml `key` (FITS) until the simulated latency meets the published one."""
    lo, hi, tolerance, rounding, slows = FITS[key]
    pdir = td.PLATFORM_DIR[platform]

    def simulated(value):
        o = {k: dict(v) for k, v in overrides.items()}
        o.setdefault(pdir, {})[key] = value
        with td.PlatformOverride(o) as d:
            return td.perf(sim, compiled, d)["run_time_us"] / 1000.0

    trace = []
    while hi - lo > tolerance:
        mid = (lo + hi) / 2
        ms = simulated(mid)
        trace.append((mid, ms))
        too_fast = ms < published_ms
        lo, hi = (mid, hi) if too_fast == slows else (lo, mid)
    best = round((lo + hi) / 2 / rounding) * rounding
    best = int(best) if rounding >= 1 else round(best, 1)
    return best, simulated(best), trace


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", default=os.path.join(td.ROOT, "build/tools/rknn-sim"))
    ap.add_argument("--cache", default=os.path.join(td.ROOT, "build/zoo-cache"))
    ap.add_argument("--apply", action="store_true", help="write the fitted values into platform.yaml")
    args = ap.parse_args()

    floor, floor_rows, exact = fit_floor()
    depthwise, depthwise_rows = fit_depthwise()
    eff, ratios, peak = fit_ddr_efficiency()
    layer_fit, layer_trace = fit_layer_rows(
        args.sim, os.path.join(args.cache, "layer-fit"),
        {"min_cycles_per_output_pixel": floor, "efficiency": eff, "depthwise_channels_per_cycle": depthwise,
         "task_overhead_cycles": int(yaml_value("rk3588", "task_overhead_cycles"))})
    shared = dict({"min_cycles_per_output_pixel": floor, "efficiency": eff}, **layer_fit)
    # Platforms without per-layer rows take RK3588's floor and DDR efficiency.
    overrides = {td.PLATFORM_DIR[p]: dict(shared) for _, _, fps in td.PUBLISHED.values() for p in fps}
    overrides["rk3588"]["depthwise_channels_per_cycle"] = depthwise  # the int8 key comes first
    compiled = td.compile_models(args.sim, args.cache)
    fitted = {}
    for name, (zoo, _, fps) in td.PUBLISHED.items():
        for platform, f in fps.items():
            if (zoo, platform) not in td.FIT_ROWS:
                continue
            pub = 1000.0 / f
            pdir = td.PLATFORM_DIR[platform]
            key = "task_overhead_cycles"
            if platform in td.FIT_BANDWIDTH:
                assert "rk3588" in fitted, "RK3588's overhead is fitted first (its row comes first in PUBLISHED)"
                overrides[pdir]["task_overhead_cycles"] = fitted["rk3588"][2]
                key = "bandwidth_gbps"
            value, ms, trace = fit_value(args.sim, compiled[(zoo, platform)], platform, overrides, pub, key)
            fitted[platform] = (name, pub, value, ms, trace, key)

    for platform, (name, pub, value, ms, trace, key) in fitted.items():
        pdir = td.PLATFORM_DIR[platform]
        lines = [f"# Timing calibration: {pdir}", "",
                 "Generated by `/usr/bin/python3 scripts/calibrate_timing.py` (data and sources: scripts/timing_data.py).", ""]
        if platform == "rk3588":
            lines += ["## npu.min_cycles_per_output_pixel and the conv cycle formula (per-layer rows)", "",
                      "Published RK3588 perf_debug NPU cycles per output pixel against "
                      "`taps * ceil(Cin/32) * ceil(Cout/32)`:", "",
                      "| row | formula | observed |", "|---|---|---|"]
            lines += [f"| {d} | {p} | {o:g} |" for d, p, o in floor_rows]
            lines += ["", f"Fitted floor: **{floor}** cycles per output pixel; every conv row equals "
                      f"max(formula, floor): **{'yes' if exact else 'NO'}**.", "",
                      "## npu.mac.int8.depthwise_channels_per_cycle (per-layer rows)", "",
                      "Published depthwise rows, NPU cycles per output pixel and tap against channels:", "",
                      "| row | cycles per pixel and tap | channels |", "|---|---|---|"]
            lines += [f"| {d} | {t:g} | {c} |" for d, t, c in depthwise_rows]
            lines += ["", f"`ceil(C / g)` gives every row for one power of two only: **{depthwise}** channels per "
                      "cycle and tap.", "",
                      "## ddr.efficiency (per-layer rows)", "",
                      f"Peak LPDDR4X bytes per NPU cycle: {peak:.1f}. Bytes moved per DDR cycle (RW KB * 1024 / DDR cycles):", "",
                      "| row | bytes/cycle |", "|---|---|"]
            lines += [f"| {d} | {r:.1f} |" for d, r in ratios]
            lines += ["", f"Median {statistics.median(r for _, r in ratios):.1f} B/cycle -> efficiency **{eff}**.", "",
                      f"## A layer timed alone: {', '.join(LAYER_GRIDS)} (per-layer rows of {FIT_LOG})", "",
                      "Every row of the table rebuilt and timed (scripts/validate_layers.py) at every combination of "
                      + "; ".join(f"`{k}` {v[0]:g}..{v[-1]:g} ({len(v)} values)" for k, v in LAYER_GRIDS.items())
                      + ". Chosen: the lowest median |error| over all its rows (ties: the lower sum of the conv and "
                      f"other medians). The {TRACE_POINTS} best points:", "",
                      "| " + " | ".join(LAYER_GRIDS) + " | all rows median | conv median | other median |",
                      "|" + "---|" * (len(LAYER_GRIDS) + 3)]
            lines += ["| " + " | ".join(f"{p[k]:g}" for k in LAYER_GRIDS) + f" | {a:.1f}% | {c:.1f}% | {o:.1f}% |"
                      for p, a, c, o in layer_trace]
            lines += ["", "Chosen: " + ", ".join(f"`{k}` **{v:g}**" for k, v in layer_fit.items()) +
                      ". The yolov5s (toolkit 1.5.0) and FP16 U-Net tables are held out (docs/layer_validation.md).", ""]
        else:
            lines += ["No published per-layer rows exist for this platform: `min_cycles_per_output_pixel` "
                      f"({floor}), `ddr.efficiency` ({eff}) and the per-layer values "
                      + ", ".join(f"`{k}` ({v:g})" for k, v in layer_fit.items()) + " are RK3588's calibrated values carried over "
                      "(see models/rk3588/calibration.md).", ""]
        if key == "bandwidth_gbps":
            lines += [f"`npu.task_overhead_cycles` ({overrides[pdir]['task_overhead_cycles']}) is RK3588's fitted value "
                      "carried over (same NPU generation); the DDR bandwidth, which no public source gives for this "
                      "chip's boards, is fitted instead.", "",
                      "## ddr.bandwidth_gbps (whole-model row)", ""]
            unit, what = "GB/s", "bandwidth"
        else:
            lines += ["## npu.task_overhead_cycles (whole-model row)", ""]
            unit, what = "cycles per task", "overhead"
        lines += [f"Fit row: {name} on {platform}, published {pub:.2f} ms (rknn_model_zoo README 2025-04). "
                  f"Bisection ({what} -> simulated ms):", "",
                  f"| {what} | simulated (ms) |", "|---|---|"]
        lines += [f"| {o:g} | {m:.3f} |" for o, m in trace]
        lines += ["", f"Fitted: **{value}** {unit} (simulated {ms:.2f} ms). "
                  "All other whole-model rows are held out (docs/timing_validation.md).", ""]
        out = os.path.join(td.ROOT, "models", pdir, "calibration.md")
        with open(out, "w") as f:
            f.write("\n".join(lines))
        print("\n".join(lines))
        if args.apply:
            write_values(pdir, dict(overrides[pdir], **{key: value}))
    if args.apply:
        # Platforms without a whole-model row take RK3588's per-layer values, and those of
        # CARRIED_FROM_RK3588 (their platform.yaml says so); their other values are their own.
        rk3588 = {"min_cycles_per_output_pixel": floor, "efficiency": eff,
                  "task_overhead_cycles": fitted["rk3588"][2]}
        for pdir in sorted(set(td.PLATFORM_DIR.values()) - set(overrides)):
            write_values(pdir, dict(layer_fit, **{k: rk3588[k] for k in CARRIED_FROM_RK3588.get(pdir, ())}))


if __name__ == "__main__":
    main()
