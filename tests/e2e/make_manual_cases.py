#!/usr/bin/env python3
"""Writes small ONNX models, each reproducing a failure case of the RKNN-Toolkit2 troubleshooting
manual (see docs/troubleshooting.md), for tests/e2e/manual_cases.sh, plus the .npy inputs it needs.
usage: /usr/bin/python3 tests/e2e/make_manual_cases.py OUT_DIR"""
import onnx, numpy as np, sys, os
from onnx import helper as h, TensorProto as T, numpy_helper as nh
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
def save(name, nodes, inputs, outputs, inits=(), ir=8, opset=13):
    g = h.make_graph(nodes, name, inputs, outputs, list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    m.ir_version = ir
    onnx.save(m, os.path.join(out, name + ".onnx"))
x = h.make_tensor_value_info("x", T.FLOAT, [1, 3, 8, 8])
y = h.make_tensor_value_info("y", T.FLOAT, None)
w = nh.from_array(np.ones((4, 3, 3, 3), np.float32) * 0.1, "w")
conv = h.make_node("Conv", ["x", "w"], ["c"], pads=[1,1,1,1], name="conv0")
relu = h.make_node("Relu", ["c"], ["y"], name="relu0")
save("ir_too_new", [conv, relu], [x], [y], [w], ir=11)
xd = h.make_tensor_value_info("x", T.FLOAT, ["N", 3, "H", "W"])
save("dynamic_input", [conv, relu], [xd], [y], [w])
# TopK
k = nh.from_array(np.array([5], np.int64), "k")
flat = h.make_node("Flatten", ["x"], ["f"], name="flat")
topk = h.make_node("TopK", ["f", "k"], ["y", "idx"], name="topk0")
save("topk", [flat, topk], [x], [y, h.make_tensor_value_info("idx", T.INT64, None)], [k])
# NonZero
nz = h.make_node("NonZero", ["x"], ["y"], name="nonzero0")
save("nonzero", [nz], [x], [h.make_tensor_value_info("y", T.INT64, None)])
# MaxPool with its Indices output (PyTorch return_indices=True)
mp = h.make_node("MaxPool", ["x"], ["y", "idx"], kernel_shape=[2, 2], strides=[2, 2], name="pool0")
save("maxpool_indices", [mp], [x], [y, h.make_tensor_value_info("idx", T.INT64, None)])
# BatchNormalization in training mode (a model exported without model.eval())
c3 = [nh.from_array(np.full(3, v, np.float32), n) for v, n in ((1.0, "s"), (0.0, "bb"), (0.0, "mu"), (1.0, "va"))]
bn = h.make_node("BatchNormalization", ["x", "s", "bb", "mu", "va"], ["y"], training_mode=1, name="bn0")
save("batchnorm_training", [bn], [x], [y], c3, opset=15)
# dynamic conv: weights are a graph input
wi = h.make_tensor_value_info("w", T.FLOAT, [4, 3, 3, 3])
save("dynamic_conv", [conv, relu], [x, wi], [y])
# fp16 model
x16 = h.make_tensor_value_info("x", T.FLOAT16, [1, 3, 8, 8])
y16 = h.make_tensor_value_info("y", T.FLOAT16, None)
w16 = nh.from_array(np.ones((4, 3, 3, 3), np.float16) * 0.1, "w")
save("float16_model", [conv, relu], [x16], [y16], [w16])
# 5-D op
r5 = nh.from_array(np.array([1, 3, 2, 4, 8], np.int64), "s5")
r4 = nh.from_array(np.array([1, 3, 8, 8], np.int64), "s4")
nodes = [h.make_node("Reshape", ["x", "s5"], ["r"], name="to5d"), h.make_node("Relu", ["r"], ["rr"], name="relu5d"),
         h.make_node("Reshape", ["rr", "s4"], ["y"], name="to4d")]
save("five_d", nodes, [x], [y], [r5, r4])
# expand whose shape comes from an input value (a dynamic graph)
shp = h.make_tensor_value_info("shape", T.INT64, [4])
save("dynamic_expand", [h.make_node("Expand", ["x", "shape"], ["y"], name="Expand_294")], [x, shp], [y])
# fp16 overflow (manual 9.15): weights fine in fp16, activations not
wbig = nh.from_array(np.full((4, 3, 3, 3), 3000.0, np.float32), "w")
save("fp16_overflow", [conv, relu], [x], [y], [wbig])
np.save(os.path.join(out, "x.npy"), np.random.default_rng(1).random((1, 3, 8, 8), np.float32))
np.save(os.path.join(out, "w.npy"), np.random.default_rng(2).random((4, 3, 3, 3), np.float32))
np.save(os.path.join(out, "big.npy"), 10 * np.random.default_rng(3).random((1, 3, 8, 8), np.float32))
