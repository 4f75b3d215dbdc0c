"""Published board data used to calibrate and validate rknn-sim's timing model, and the helpers
that compile the stand-in networks and run `rknn-sim perf` on them (shared by
scripts/calibrate_timing.py and scripts/validate_timing.py).

Every number here is quoted with its source; see docs/hardware_sources.md §7 for the whole-model rows.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Whole-model latency: rknn_model_zoo README (release 2025-04, commit bad6c73), batch 1, INT8,
# rknn_run time, RK3588 and RK3576 on one core. model -> (zoo stand-in, note, {platform: FPS}).
PUBLISHED = {
    "mobilenetv2-12": ("mobilenet_v2", "torchvision mobilenet_v2 (same architecture)",
                       {"rk3566": 180.7, "rk3588": 450.7, "rk3562": 281.3, "rk3576": 467.0}),
    "resnet50-v2-7": ("resnet50", "torchvision resnet50 (v1 ordering, same convolutions)",
                      {"rk3566": 37.9, "rk3588": 110.1, "rk3562": 54.9, "rk3576": 99.0}),
    "yolov5s_relu": ("yolov5s_relu", "YOLOv5s with ReLU, RKNN-friendly head (tests/zoo)",
                     {"rk3566": 25.5, "rk3588": 66.1, "rk3562": 33.2, "rk3576": 65.0}),
    "yolov8n": ("yolov8n", "YOLOv8n with the model zoo's split head (tests/zoo)",
                {"rk3566": 34.0, "rk3588": 73.5, "rk3562": 40.9, "rk3576": 90.2}),
}

# The whole-model rows the per-task overhead is fitted to, one per platform, chosen before
# fitting: the mid-sized network. All other rows are held out.
FIT_ROWS = {("yolov5s_relu", "rk3566"), ("yolov5s_relu", "rk3588"), ("yolov5s_relu", "rk3562"),
            ("yolov5s_relu", "rk3576")}

# Platforms whose DDR bandwidth (not published: bus width and board DDR rate unknown) is fitted to
# their FIT_ROWS row instead of the per-task overhead, which they take from RK3588 (the same NPU
# generation: 16-byte atoms, pc_data_amount_scale 2 in the vendor driver).
FIT_BANDWIDTH = {"rk3562", "rk3576"}

PLATFORM_DIR = {"rk3566": "rk356x", "rk3588": "rk3588", "rv1106": "rv1106", "rk3562": "rk3562", "rk3576": "rk3576",
                "rv1126b": "rv1126b"}

# Per-layer rows of a published RK3588 perf_debug table (INT8, one core, 1 GHz):
# github.com/THU-MIG/yolov10 issue #115 (rows 117-121, 129-133) and the ConvExSwish row quoted in
# shared RKNN_API.md "Report layouts". (description, DDR cycles, NPU cycles, RW KB, out pixels,
# kernel taps, Cin, Cout or None for non-conv rows).
RK3588_LAYER_ROWS = [
    ("Conv 1x1 64->64 @40x40 (yolov10#115 row 117)", 7083, 12800, 104, 1600, 1, 64, 64),
    ("ConvExSwish 1x1 256->128 @40x40 (row 118)", 21923, 51200, 433, 1600, 1, 256, 128),
    ("ConvExSwish dw3x3 256 @20x20 (row 119)", 7074, 14400, 104, 400, 9, 256, None),
    ("ConvExSwish dw3x3 128 @40x40 (row 120)", 13927, 28800, 202, 1600, 9, 128, None),
    ("ConvExSwish 1x1 256->512 @20x20 (row 121)", 14962, 51200, 232, 400, 1, 256, 512),
    ("Split (1,1,1,33600) (row 129)", 45457, 0, 525, 0, 0, 0, None),
    ("Sub (1,1,1,8400) (row 130)", 17046, 0, 262, 0, 0, 0, None),
    ("Sub (1,1,1,8400) (row 131)", 17046, 0, 262, 0, 0, 0, None),
    ("Add (1,1,1,8400) (row 132)", 17046, 0, 262, 0, 0, 0, None),
    ("ConvExSwish 3x3 3->16 @960x960 (RKNN_API.md example)", 1091036, 8294400, 10802, 921600, 9, 3, 16),
]


def run(cmd, env=None):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout


def compile_models(sim, cache):
    """Generates the stand-ins (scripts/gen_zoo.py, reused when current) and compiles each for its
    platforms; returns {(zoo, platform): compiled path}."""
    models_dir = os.path.abspath(os.path.join(cache, "models"))
    work = os.path.join(cache, "timing")
    os.makedirs(work, exist_ok=True)
    compiled = {}
    for _, (zoo, _, fps) in PUBLISHED.items():
        run([sys.executable, os.path.join(ROOT, "scripts/gen_zoo.py"), "--out", models_dir, "--only", zoo])
        model_dir = os.path.join(models_dir, zoo)
        inputs = sorted(f for f in os.listdir(model_dir) if f.startswith("input_") and f.endswith(".npy"))
        dataset = os.path.join(work, zoo + "_dataset.txt")
        with open(dataset, "w") as f:
            f.write(" ".join(os.path.join(model_dir, i) for i in inputs) + "\n")
        for platform in fps:
            path = os.path.join(work, f"{zoo}_{platform}.rknnsim")
            run([sim, "-q", "convert", os.path.join(model_dir, "model.onnx"), "-t", platform, "-d", dataset,
                 "-o", path])
            compiled[(zoo, platform)] = path
    return compiled


def perf(sim, compiled, models_dir=None, args=()):
    """Timing-only `rknn-sim perf --json` of a compiled model; models_dir overrides the platform
    descriptions (RKNN_SIM_MODELS_DIR); args are further perf flags (e.g. a core mask)."""
    env = dict(os.environ)
    if models_dir:
        env["RKNN_SIM_MODELS_DIR"] = models_dir
    out = compiled + ".perf.json"
    run([sim, "-q", "perf", compiled, "--json", out, *args], env=env)
    with open(out) as f:
        return json.load(f)


def set_value(yaml_text, key, value):
    """Replaces the value of the first `key: {value: ...}` leaf of a platform.yaml text."""
    new, n = re.subn(r"(\n\s*%s:\s*\{value: )[^,]+" % re.escape(key), lambda m: m.group(1) + str(value),
                     yaml_text, count=1)
    if n != 1:
        raise KeyError(key)
    return new


class PlatformOverride:
    """A temporary models directory: the committed platform.yaml files with some values replaced."""

    def __init__(self, overrides):
        self.dir = tempfile.mkdtemp(prefix="rknnsim-calib-")
        for name in sorted(set(PLATFORM_DIR.values())):
            os.makedirs(os.path.join(self.dir, name))
            with open(os.path.join(ROOT, "models", name, "platform.yaml")) as f:
                text = f.read()
            for key, value in overrides.get(name, {}).items():
                text = set_value(text, key, value)
            with open(os.path.join(self.dir, name, "platform.yaml"), "w") as f:
                f.write(text)

    def __enter__(self):
        return self.dir

    def __exit__(self, *exc):
        shutil.rmtree(self.dir)
