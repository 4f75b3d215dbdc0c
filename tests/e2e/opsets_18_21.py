#!/usr/bin/python3
"""ONNX opsets 18-21, as current PyTorch and Hugging Face exporters write them: one small model per
change that touches an operator rknn-sim implements, built with the onnx helpers (Debian's onnx
stops at opset 17, so no exporter can make them here), run through `rknn-sim run --reference
float` and compared with PyTorch (or, for Q/DQ, numpy's rint); a Gelu model is also quantized and
run on the SystemC platform, which must equal the int8 reference byte for byte. Opset 22 and IR 11
are refused with a message naming them.

usage: opsets_18_21.py SIM WORKDIR
"""
import glob
import os
import subprocess
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

IR_VERSION = {18: 8, 19: 9, 20: 9, 21: 10}  # what ONNX writes for each opset
failures = []


def model(opset, nodes, inputs, outputs, initializers=(), ir_version=None):
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
                              [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in outputs],
                              [numpy_helper.from_array(np.asarray(v), n) for n, v in initializers])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = ir_version or IR_VERSION[opset]
    return m


def sim(*args):
    return subprocess.run([SIM, "-q", *args], capture_output=True, text=True)


def run_float(name, m, feeds):
    """The float reference's outputs for `feeds` (numpy arrays in graph input order)."""
    d = os.path.join(WORK, name)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "model.onnx")
    onnx.save(m, path)
    inputs = []
    for i, x in enumerate(feeds):
        inputs.append(os.path.join(d, "in%d.npy" % i))
        np.save(inputs[-1], x)
    p = sim("run", path, "--reference", "float", "-i", *inputs, "-o", os.path.join(d, "out"))
    if p.returncode:
        return None, p.stderr.strip()
    return [np.load(f) for f in sorted(glob.glob(os.path.join(d, "out", "*.npy")))], ""


def check(name, m, feeds, expected, atol=1e-5, rtol=1e-4):
    got, error = run_float(name, m, feeds)
    ok = got is not None and len(got) == len(expected) and all(
        g.shape == e.shape and np.allclose(g, e, atol=atol, rtol=rtol) for g, e in zip(got, expected))
    detail = error or "; ".join("%s max abs error %.2e" % (g.shape, float(np.abs(g - e).max()) if g.shape == e.shape
                                                            else float("nan")) for g, e in zip(got, expected))
    print("%-4s %-40s %s" % ("ok" if ok else "FAIL", name, detail))
    if not ok:
        failures.append(name)


def expect_refusal(name, m, feeds, message):
    got, error = run_float(name, m, feeds)
    ok = got is None and message in error and "internal error" not in error
    print("%-4s %-40s %s" % ("ok" if ok else "FAIL", name, error or "ran"))
    if not ok:
        failures.append(name)


def t(x):
    return torch.from_numpy(x)


def main():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)

    # Opset 18: every Reduce* takes its axes as an input.
    for op, ref in (("ReduceMean", torch.mean), ("ReduceMax", torch.amax), ("ReduceMin", torch.amin)):
        m = model(18, [helper.make_node(op, ["x", "axes"], ["y"], keepdims=1)], [("x", x.shape)], [("y", None)],
                  [("axes", np.array([1, 3], np.int64))])
        check("%s_axes_input_18" % op, m, [x], [ref(t(x), dim=(1, 3), keepdim=True).numpy()])

    # Opset 18: Split by num_outputs, the last part smaller when the length does not divide.
    s = rng.standard_normal((1, 7, 4)).astype(np.float32)
    m = model(18, [helper.make_node("Split", ["x"], ["a", "b", "c"], axis=1, num_outputs=3)], [("x", s.shape)],
              [("a", None), ("b", None), ("c", None)])
    check("Split_num_outputs_18", m, [s], [c.numpy() for c in torch.chunk(t(s), 3, dim=1)])

    # Opset 18: Resize scales for some axes only; sizes keeping the aspect ratio.
    img = rng.standard_normal((1, 2, 4, 6)).astype(np.float32)
    m = model(18, [helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="linear", axes=[2, 3])],
              [("x", img.shape)], [("y", None)], [("scales", np.array([2.0, 1.5], np.float32))])
    check("Resize_axes_18", m, [img], [F.interpolate(t(img), scale_factor=(2.0, 1.5), mode="bilinear").numpy()])
    m = model(18, [helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], mode="linear", axes=[2, 3],
                                    keep_aspect_ratio_policy="not_larger")],
              [("x", img.shape)], [("y", None)], [("sizes", np.array([8, 9], np.int64))])
    check("Resize_not_larger_18", m, [img], [F.interpolate(t(img), size=(6, 9), mode="bilinear").numpy()])
    m = model(18, [helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], mode="nearest", axes=[3, 2],
                                    keep_aspect_ratio_policy="not_smaller")],
              [("x", img.shape)], [("y", None)], [("sizes", np.array([9, 8], np.int64))])
    check("Resize_not_smaller_18", m, [img], [F.interpolate(t(img), size=(8, 12), mode="nearest").numpy()])
    m = model(18, [helper.make_node("Resize", ["x", "", "scales"], ["y"], antialias=1, mode="linear")],
              [("x", img.shape)], [("y", None)], [("scales", np.array([1, 1, 0.5, 0.5], np.float32))])
    expect_refusal("Resize_antialias_18", m, [img], "antialias=1 (opset 18) is not supported")

    # Opset 19: half_pixel_symmetric. With integral output lengths it is half_pixel (PyTorch's
    # bilinear); with a rounded length it shifts the grid by in/2 * (1 - out / (scale * in)).
    m = model(19, [helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="linear",
                                    coordinate_transformation_mode="half_pixel_symmetric")],
              [("x", img.shape)], [("y", None)], [("scales", np.array([1, 1, 2, 2], np.float32))])
    check("Resize_half_pixel_symmetric_19", m, [img],
          [F.interpolate(t(img), scale_factor=2, mode="bilinear").numpy()])
    row = np.arange(5, dtype=np.float32).reshape(1, 1, 1, 5)
    m = model(19, [helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="linear",
                                    coordinate_transformation_mode="half_pixel_symmetric")],
              [("x", row.shape)], [("y", None)], [("scales", np.array([1, 1, 1, 0.5], np.float32))])
    # out = floor(2.5) = 2; adjustment 2 / 2.5 = 0.8; offset 2.5 * 0.2 = 0.5; x = 0.5 + (o + 0.5) / 0.5 - 0.5
    check("Resize_half_pixel_symmetric_rounded_19", m, [row], [np.array([[[[1.0, 3.0]]]], np.float32)])

    # Opset 18: Pad for named axes; opset 19: wrap.
    m = model(18, [helper.make_node("Pad", ["x", "pads", "", "axes"], ["y"])], [("x", x.shape)], [("y", None)],
              [("pads", np.array([1, 2, 0, 1], np.int64)), ("axes", np.array([2, -1], np.int64))])
    check("Pad_axes_18", m, [x], [F.pad(t(x), (2, 1, 1, 0)).numpy()])
    m = model(19, [helper.make_node("Pad", ["x", "pads"], ["y"], mode="wrap")], [("x", x.shape)], [("y", None)],
              [("pads", np.array([0, 0, 2, 1, 0, 0, 1, 3], np.int64))])
    check("Pad_wrap_19", m, [x], [F.pad(t(x), (1, 3, 2, 1), mode="circular").numpy()])

    # Mish (opset 18) and Gelu (opset 20) as ops of their own.
    a = (rng.standard_normal((1, 8, 6, 6)) * 3).astype(np.float32)
    m = model(18, [helper.make_node("Mish", ["x"], ["y"])], [("x", a.shape)], [("y", None)])
    check("Mish_18", m, [a], [F.mish(t(a)).numpy()], rtol=1e-3)
    for approximate in ("none", "tanh"):
        m = model(20, [helper.make_node("Gelu", ["x"], ["y"], approximate=approximate)], [("x", a.shape)], [("y", None)])
        check("Gelu_%s_20" % approximate, m, [a], [F.gelu(t(a), approximate=approximate).numpy()], rtol=1e-3)

    # Opset 21: QuantizeLinear's output_dtype names the integer type when there is no zero point.
    q = (rng.standard_normal((1, 3, 4, 4)) * 20).astype(np.float32)
    m = model(21, [helper.make_node("QuantizeLinear", ["x", "scale"], ["y"], output_dtype=TensorProto.INT8)],
              [("x", q.shape)], [("y", None)], [("scale", np.array(0.1, np.float32))])
    check("QuantizeLinear_output_dtype_21", m, [q], [np.clip(np.rint(q / np.float32(0.1)), -128, 127)])
    m = model(21, [helper.make_node("DequantizeLinear", ["x", "scale"], ["y"], block_size=2)],
              [("x", q.shape)], [("y", None)], [("scale", np.ones((1, 3, 2, 4), np.float32))])
    expect_refusal("DequantizeLinear_block_size_21", m, [q], "block_size, opset 21) is not supported")

    # Beyond the range: a one-line error naming the opset / IR version.
    m = model(21, [helper.make_node("Relu", ["x"], ["y"])], [("x", x.shape)], [("y", None)])
    m.opset_import[0].version = 22
    expect_refusal("opset_22", m, [x], "ONNX opset 22 is not supported (supported: 1-21")
    m = model(21, [helper.make_node("Relu", ["x"], ["y"])], [("x", x.shape)], [("y", None)], ir_version=11)
    expect_refusal("ir_11", m, [x], "ONNX IR version 11 is outside the supported range")

    # Gelu on the NPU: a DPU lookup table in the int8 model, the platform equal to the int8 reference.
    torch.manual_seed(0)
    w1 = (torch.randn(8, 3, 3, 3) * 0.3).numpy()
    w2 = (torch.randn(4, 8, 1, 1) * 0.3).numpy()
    m = model(20, [helper.make_node("Conv", ["x", "w1"], ["h"], pads=[1, 1, 1, 1]),
                   helper.make_node("Gelu", ["h"], ["g"]),
                   helper.make_node("Conv", ["g", "w2"], ["y"])],
              [("x", (1, 3, 16, 16))], [("y", (1, 4, 16, 16))], [("w1", w1), ("w2", w2)])
    d = os.path.join(WORK, "gelu_int8")
    os.makedirs(d, exist_ok=True)
    onnx.save(m, os.path.join(d, "model.onnx"))
    samples = []
    for i in range(4):
        samples.append(os.path.join(d, "x%d.npy" % i))
        np.save(samples[-1], rng.standard_normal((1, 3, 16, 16)).astype(np.float32))
    with open(os.path.join(d, "dataset.txt"), "w") as f:
        f.write("\n".join(samples) + "\n")
    compiled = os.path.join(d, "model.rknnsim")
    steps = [("convert", os.path.join(d, "model.onnx"), "--target", "rk3588", "-d", os.path.join(d, "dataset.txt"),
              "-o", compiled),
             ("run", compiled, "-i", samples[0], "-o", os.path.join(d, "npu")),
             ("run", compiled, "-i", samples[0], "-o", os.path.join(d, "ref"), "--reference", "int8")]
    error = ""
    for step in steps:
        p = sim(*step)
        if p.returncode:
            error = "%s: %s" % (step[0], p.stderr.strip())
            break
    if not error:
        npu, ref = (np.load(glob.glob(os.path.join(d, k, "*.npy"))[0]) for k in ("npu", "ref"))
        if not np.array_equal(npu, ref):
            error = "the platform differs from the int8 reference"
    print("%-4s %-40s %s" % ("FAIL" if error else "ok", "Gelu_int8_platform_bit_exact_20", error or "equal"))
    if error:
        failures.append("Gelu_int8_platform_bit_exact_20")

    if failures:
        raise SystemExit("FAIL: " + ", ".join(failures))
    print("all opset 18-21 cases pass")


if __name__ == "__main__":
    SIM, WORK = sys.argv[1:3]
    os.makedirs(WORK, exist_ok=True)
    main()
