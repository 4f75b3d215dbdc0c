#!/usr/bin/env python3
"""Per-layer timing against the public RK3588 perf_debug tables (../shared/data/perf_logs): each
row's layer is rebuilt from its printed shapes (scripts/layer_models.py), compiled for rk3588
(INT8 with a random calibration set, or FP16 as the log says) and timed by `rknn-sim perf`; the
simulated Time(us) is compared with the board's row by row.

usage: /usr/bin/python3 scripts/validate_layers.py [--sim build/tools/rknn-sim] [--work DIR]
                                                   [--out docs/layer_validation.md] [--svg FILE]
                                                   [--max-conv-median P] [--max-other-median P]
A simulated layer is every node of the row's branch (named row<ID>/...): where rknn-sim does not
fuse what the board fuses (ConvExSwish), the row is the sum of its layers. Rows of operations the
builder does not rebuild (Reshape, Transpose, Softmax, CPU rows) are listed as skipped.
Exits 1 when the median |error| of a log's conv rows exceeds --max-conv-median percent, or that
of its other rows --max-other-median (CTest timing.layers).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

import numpy as np
import onnx

import layer_models as lm
import perf_logs as pl


def simulate(sim, work, short, dtype, rows):
    """{row id: simulated us} for the distinct rows of one log (duplicates take their twin's
    figure), and {row id: reason} for rows not rebuilt."""
    builder, first, skipped = lm.Builder(), {}, {}
    for r in rows:
        if r.key() in first:
            continue
        first[r.key()] = r.id
        try:
            builder.add_row(r)
        except lm.Unsupported as e:
            skipped[r.id] = str(e)
    os.makedirs(work, exist_ok=True)
    model = os.path.join(work, short + ".onnx")
    onnx.save(builder.model(), model)
    convert = [sim, "-q", "convert", model, "-t", "rk3588", "-o", os.path.join(work, short + ".rknnsim")]
    if dtype == "int8":
        names = []
        for i, a in enumerate(builder.input_arrays()):
            names.append(os.path.join(work, f"{short}_in{i}.npy"))
            np.save(names[-1], a)
        with open(os.path.join(work, short + "_dataset.txt"), "w") as f:
            f.write(" ".join(names) + "\n")
        convert += ["-d", os.path.join(work, short + "_dataset.txt")]
    else:
        convert += ["--no-quant"]
    subprocess.run(convert, check=True)
    report = os.path.join(work, short + ".perf.json")
    subprocess.run([sim, "-q", "perf", os.path.join(work, short + ".rknnsim"), "--core-mask", "0", "--json", report],
                   check=True, stdout=subprocess.DEVNULL)
    with open(report) as f:
        layers = json.load(f)["layers"]
    by_row = {}
    for layer in layers:
        name = layer["name"].split(":", 1)[-1]
        if name.startswith("row") and "/" in name:
            rid = int(name[3:name.index("/")])
            by_row[rid] = by_row.get(rid, 0.0) + layer["time_us"]
    simulated = {}
    for r in rows:
        twin = first[r.key()]
        if twin in by_row:
            simulated[r.id] = by_row[twin]
        elif twin not in skipped:
            skipped[r.id] = "no simulated layer"
        elif r.id != twin:
            skipped[r.id] = skipped[twin]
    return simulated, skipped


def is_conv(row):
    return row.op_type.startswith("Conv")


def error_pct(sim_us, board_us):
    return 100.0 * (sim_us - board_us) / board_us


def summarize(rows, simulated):
    """Median |error| over the conv rows and over the other rebuilt rows."""
    conv = [abs(error_pct(simulated[r.id], r.time_us)) for r in rows if r.id in simulated and is_conv(r)]
    other = [abs(error_pct(simulated[r.id], r.time_us)) for r in rows if r.id in simulated and not is_conv(r)]
    return (statistics.median(conv) if conv else None, len(conv)), (statistics.median(other) if other else None,
                                                                       len(other))


def by_op_type(rows, simulated):
    groups = {}
    for r in rows:
        if r.id in simulated:
            groups.setdefault(r.op_type, []).append((simulated[r.id], r.time_us))
    return {op: (len(v), sum(s for s, _ in v), sum(b for _, b in v),
                 statistics.median(abs(error_pct(s, b)) for s, b in v)) for op, v in sorted(groups.items())}


def svg_plot(points, path):
    """Simulated vs board Time(us) per layer, log-log, one colour per log, the y=x line."""
    import math
    colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]
    lo, hi = 5.0, max(max(b, s) for pts in points.values() for s, b in pts) * 1.3
    size, pad = 560, 60

    def xy(v):
        return pad + (math.log10(max(v, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * (size - 2 * pad)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" font-family="sans-serif" '
           f'font-size="12"><rect width="100%" height="100%" fill="white"/>',
           f'<line x1="{xy(lo)}" y1="{size - xy(lo)}" x2="{xy(hi)}" y2="{size - xy(hi)}" stroke="#999"/>',
           f'<text x="{size / 2}" y="{size - 15}" text-anchor="middle">board Time(us), log scale</text>',
           f'<text x="15" y="{size / 2}" transform="rotate(-90 15 {size / 2})" text-anchor="middle">'
           f'rknn-sim Time(us), log scale</text>']
    for tick in (10, 100, 1000):
        if lo < tick < hi:
            out.append(f'<text x="{xy(tick)}" y="{size - pad + 15}" text-anchor="middle">{tick}</text>')
            out.append(f'<text x="{pad - 5}" y="{size - xy(tick) + 4}" text-anchor="end">{tick}</text>')
    for i, (name, pts) in enumerate(points.items()):
        c = colours[i % len(colours)]
        out.append(f'<text x="{pad + 5}" y="{pad - 35 + 14 * i}" fill="{c}">{name}</text>')
        for s, b in pts:
            out.append(f'<circle cx="{xy(b):.1f}" cy="{size - xy(s):.1f}" r="3" fill="{c}" fill-opacity="0.6"/>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sim", default=os.path.join(pl.ROOT, "build/tools/rknn-sim"))
    ap.add_argument("--work", default=os.path.join(pl.ROOT, "build/layer-validation"))
    ap.add_argument("--out", default=None, help="write the markdown tables here")
    ap.add_argument("--svg", default=None, help="write the simulated-vs-board plot here")
    ap.add_argument("--max-conv-median", type=float, default=None)
    ap.add_argument("--max-other-median", type=float, default=None)
    args = ap.parse_args()

    md, failures, points = ["# Per-layer timing against RK3588 perf_debug tables", "",
                            "Generated by `scripts/validate_layers.py`; error = (rknn-sim - board) / board.", ""], [], {}
    for short, (dtype, rows) in pl.all_logs().items():
        simulated, skipped = simulate(args.sim, args.work, short, dtype, rows)
        (conv_med, n_conv), (other_med, n_other) = summarize(rows, simulated)
        board_total = sum(r.time_us for r in rows if r.id in simulated)
        sim_total = sum(simulated.values())
        md += [f"## {short} ({dtype}, {len(rows)} rows: {len(simulated)} compared, {len(skipped)} skipped)", "",
               f"- conv rows: median |error| {conv_med:.1f}% over {n_conv}" if conv_med is not None else "- no conv rows",
               f"- other rows: median |error| {other_med:.1f}% over {n_other}" if other_med is not None
               else "- no other rows",
               f"- sum over compared rows: board {board_total} us, rknn-sim {sim_total:.0f} us "
               f"({error_pct(sim_total, board_total):+.1f}%)", "",
               "| op type | rows | board us | rknn-sim us | median abs error |", "|---|---:|---:|---:|---:|"]
        for op, (n, s, b, med) in by_op_type(rows, simulated).items():
            md.append(f"| {op} | {n} | {b} | {s:.0f} | {med:.1f}% |")
        md += ["", "| row | layer | board us | rknn-sim us | error |", "|---:|---|---:|---:|---:|"]
        for r in rows:
            if r.id in simulated:
                md.append(f"| {r.id} | {r.label()} | {r.time_us} | {simulated[r.id]:.1f} | "
                          f"{error_pct(simulated[r.id], r.time_us):+.1f}% |")
        md += ["", "Skipped: " + ", ".join(f"{rid} ({why})" for rid, why in sorted(skipped.items())), ""]
        points[short] = [(simulated[r.id], r.time_us) for r in rows if r.id in simulated]
        print(f"{short}: conv median |error| {conv_med:.1f}% ({n_conv} rows), other {other_med:.1f}% ({n_other} rows)"
              if other_med is not None else f"{short}: conv median |error| {conv_med:.1f}% ({n_conv} rows)")
        if args.max_conv_median is not None and conv_med is not None and conv_med > args.max_conv_median:
            failures.append(f"{short}: conv rows median |error| {conv_med:.1f}% > {args.max_conv_median}%")
        if args.max_other_median is not None and other_med is not None and other_med > args.max_other_median:
            failures.append(f"{short}: other rows median |error| {other_med:.1f}% > {args.max_other_median}%")
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(md))
    if args.svg:
        svg_plot(points, args.svg)
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
