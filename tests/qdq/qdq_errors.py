#!/usr/bin/python3
"""QDQ patterns rknn-sim maps and the ones it refuses (docs/quantization.md §18), on small models
built with onnx.helper: each refused pattern must fail `convert` with a message naming the node or
tensor; the mapped ones must convert, and uint8 weights with zero point 128 must give exactly the
program of the same int8 weights.

usage: tests/qdq/qdq_errors.py RKNN_SIM WORK_DIR
"""
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SIM, WORK = sys.argv[1], sys.argv[2]
RNG = np.random.default_rng(0)
W = RNG.integers(-100, 100, size=(4, 3, 3, 3)).astype(np.int8)


def init(name, value, dtype=None):
    return numpy_helper.from_array(np.asarray(value, dtype=dtype), name)


def qdq(x, out, scale, zp, zp_type=np.uint8, tag=""):
    """x -> QuantizeLinear -> DequantizeLinear -> out, with its own parameter initializers."""
    s, z = f"s{tag}_{out}", f"z{tag}_{out}"
    return ([helper.make_node("QuantizeLinear", [x, s, z], [f"q_{out}"], name=f"Q_{out}"),
             helper.make_node("DequantizeLinear", [f"q_{out}", s, z], [out], name=f"DQ_{out}")],
            [init(s, scale, np.float32), init(z, zp, zp_type)])


def conv_model(path, weights=W, w_zp=0, w_type=np.int8, tail=None, opset=13, in_q=None):
    """input -> Q/DQ -> Conv(DQ weights) -> Relu -> Q/DQ -> output, with optional changes."""
    nodes, inits = [], []
    n, i = in_q if in_q else qdq("input", "x", 0.02, 128)
    nodes += n
    inits += i
    inits += [init("wq", weights, w_type), init("ws", 0.01, np.float32), init("wz", w_zp, w_type),
              init("b", np.zeros(4), np.float32)]
    nodes.append(helper.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["w"], name="DQ_w"))
    nodes.append(helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", pads=[1, 1, 1, 1]))
    nodes.append(helper.make_node("Relu", ["c"], ["r"], name="relu"))
    n, i = qdq("r", "y", 0.05, 0)
    nodes += n
    inits += i
    out = "y"
    if tail:
        tail_nodes, out = tail
        nodes += tail_nodes
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info(out, TensorProto.FLOAT, None)], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)]), path)


def convert(path, *extra):
    r = subprocess.run([SIM, "convert", path, "-t", "rk3588", "-o", path + ".rknnsim", *extra],
                       capture_output=True, text=True)
    return r.returncode, r.stderr


failures = []


def expect(name, build, code, *needles, extra=()):
    path = os.path.join(WORK, name + ".onnx")
    build(path)
    rc, err = convert(path, *extra)
    missing = [n for n in needles if n not in err]
    if rc != code or missing:
        failures.append(f"{name}: exit {rc} (want {code}), missing {missing} in: {err.strip()}")
    else:
        print(f"ok {name}: {err.strip().splitlines()[-1] if err.strip() else 'converted'}")


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)

# Mapped patterns.
expect("plain", lambda p: conv_model(p), 0)
expect("opset10", lambda p: conv_model(p, opset=10), 0)
expect("int8_activations", lambda p: conv_model(p, in_q=qdq("input", "x", 0.02, 0, np.int8)), 0)
expect("uint8_weights", lambda p: conv_model(p, weights=(W.astype(np.int16) + 128).astype(np.uint8), w_zp=128,
                                             w_type=np.uint8), 0)
expect("asymmetric_weights", lambda p: conv_model(p, w_zp=3), 0, "node 'conv'", "re-quantized")
# Refused patterns.
expect("per_axis_activation",
       lambda p: conv_model(p, in_q=qdq("input", "x", [0.02, 0.03, 0.04], [128, 128, 128]), opset=13), 1,
       "node 'Q_x'", "per-axis quantization of the activation 'input'")
expect("int16", lambda p: conv_model(p, in_q=qdq("input", "x", 0.02, 0, np.int16)), 1,
       "node 'Q_x'", "QuantizeLinear to INT16 is not supported")
expect("mismatched_pair",
       lambda p: conv_model(p, in_q=([helper.make_node("QuantizeLinear", ["input", "s1", "z1"], ["qi"], name="Qi"),
                                      helper.make_node("DequantizeLinear", ["qi", "s2", "z1"], ["x"], name="DQi")],
                                     [init("s1", 0.02, np.float32), init("s2", 0.04, np.float32),
                                      init("z1", 128, np.uint8)])), 1,
       "node 'DQi'", "other parameters")
sig = ([helper.make_node("Sigmoid", ["y"], ["sig"], name="sigmoid")], "sig")
expect("float_island", lambda p: conv_model(p, tail=sig), 1, "node 'sigmoid'", "output 'sig' has no quantization",
       "-d dataset.txt")
integer_out = ([helper.make_node("QuantizeLinear", ["y", "so", "zo"], ["yq"], name="Q_out")], "yq")


def integer_output(p):
    conv_model(p, tail=integer_out)
    m = onnx.load(p)
    m.graph.initializer.extend([init("so", 0.05, np.float32), init("zo", 0, np.uint8)])
    onnx.save(m, p)


expect("integer_output", integer_output, 1, "node 'Q_out'", "not followed by a DequantizeLinear")


def uint8_input(p):
    conv_model(p, in_q=([helper.make_node("DequantizeLinear", ["input", "s_in", "z_in"], ["x"], name="DQ_in")],
                        [init("s_in", 0.02, np.float32), init("z_in", 128, np.uint8)]))
    m = onnx.load(p)
    m.graph.input[0].type.tensor_type.elem_type = TensorProto.UINT8
    onnx.save(m, p)


expect("uint8_input", uint8_input, 1, "node 'DQ_in'", "neither a constant nor the output of a QuantizeLinear")

# A float island converts when a dataset gives the missing ranges.
np.save(os.path.join(WORK, "in.npy"), RNG.standard_normal((1, 3, 8, 8)).astype(np.float32))
with open(os.path.join(WORK, "dataset.txt"), "w") as f:
    f.write("in.npy\n")
expect("float_island_dataset", lambda p: conv_model(p, tail=sig), 0, extra=("-d", os.path.join(WORK, "dataset.txt")))

# uint8 weights with zero point 128 are the int8 weights shifted: the same program, bit for bit.
outs = []
for name in ("plain", "uint8_weights"):
    d = os.path.join(WORK, "out_" + name)
    subprocess.run([SIM, "-q", "run", os.path.join(WORK, name + ".onnx.rknnsim"), "-i", os.path.join(WORK, "in.npy"),
                    "-o", d], check=True)
    outs.append(open(os.path.join(d, sorted(os.listdir(d))[0]), "rb").read())
if outs[0] != outs[1]:
    failures.append("uint8 weights with zero point 128 give another result than the same int8 weights")
else:
    print("ok uint8 weights (zero point 128) == int8 weights, bit for bit")

if failures:
    sys.exit("FAIL:\n" + "\n".join(failures))
