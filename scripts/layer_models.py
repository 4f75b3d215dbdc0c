"""Builds, for each row of a perf_debug table (scripts/perf_logs.py), the one-layer ONNX graph it
describes, all rows of a table side by side in one model: branch k reads its own graph input
`in_k` and writes `out_k`, every node of it named `row<ID>/...`, so one convert and one timing-only
`perf` give every row and each simulated layer maps back to its board row by name.

What a row does not print is chosen as YOLO/U-Net exporters write it: convolutions pad to keep
`out = ceil(in / stride)` (the smallest symmetric pad that gives the printed output), MaxPool that
keeps the size is the SPPF 5x5 window, one that halves is 2x2/2, Resize is nearest, Split and
Concat work on channels, Pad is constant. Weights are random: timing does not depend on values.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ACTIVATIONS = {"Relu": "Relu", "ExSwish": "Swish", "Swish": "Swish", "LeakyRelu": "LeakyRelu",
               "Sigmoid": "Sigmoid", "": None}


class Unsupported(Exception):
    """The row names an operation (or a shape form) this builder does not rebuild."""


def _stride_and_pad(size, out, k):
    for s in range(1, k + 2):
        for p in range(0, k):
            if (size + 2 * p - k) // s + 1 == out:
                return s, p
    raise Unsupported(f"no stride/pad gives {size} -> {out} with kernel {k}")


class Builder:
    def __init__(self, seed=0):
        self.nodes, self.inits, self.inputs, self.outputs = [], [], [], []
        self.rng = np.random.default_rng(seed)

    def _input(self, name, shape):
        self.inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, shape))
        return name

    def _const(self, name, array, dtype=np.float32):
        self.inits.append(numpy_helper.from_array(np.asarray(array).astype(dtype), name))
        return name

    def _activation(self, tag, x, act):
        if act is None:
            return x
        y = f"{tag}/act"
        if act == "Swish":
            s = f"{tag}/sigmoid"
            self.nodes.append(helper.make_node("Sigmoid", [x], [s], name=s))
            self.nodes.append(helper.make_node("Mul", [x, s], [y], name=y))
        elif act == "LeakyRelu":
            self.nodes.append(helper.make_node("LeakyRelu", [x], [y], name=y, alpha=0.1))
        else:
            self.nodes.append(helper.make_node(act, [x], [y], name=y))
        return y

    def _conv(self, tag, row, ins):
        op = row.op_type
        rest = op[len("Conv"):]
        add = rest.endswith("Add")
        if add:
            rest = rest[:-len("Add")]
        if rest not in ACTIVATIONS:
            raise Unsupported(op)
        x_shape, w_shape = row.inputs[0], row.inputs[1]
        out = row.outputs[0]
        cin, cout = x_shape[1], out[1]
        if len(w_shape) != 4:
            raise Unsupported(f"{op} weights {w_shape}")
        if w_shape[0] == 1 and w_shape[1] == cin == cout and cin > 1:  # depthwise as Rockchip prints it
            w_shape = [cin, 1, w_shape[2], w_shape[3]]
        if w_shape[0] != cout or cin % w_shape[1]:
            raise Unsupported(f"{op} weights {w_shape} for {cin}->{cout}")
        group = cin // w_shape[1]
        (sh, ph), (sw, pw) = (_stride_and_pad(x_shape[i], out[i], w_shape[i]) for i in (2, 3))
        w = self._const(f"{tag}/w", self.rng.normal(0, (2.0 / (w_shape[1] * w_shape[2] * w_shape[3])) ** 0.5,
                                                     w_shape))
        b = self._const(f"{tag}/b", self.rng.normal(0, 0.1, [cout]))
        y = f"{tag}/conv"
        self.nodes.append(helper.make_node("Conv", [ins[0], w, b], [y], name=y, group=group, strides=[sh, sw],
                                           pads=[ph, pw, ph, pw], kernel_shape=w_shape[2:]))
        y = self._activation(tag, y, ACTIVATIONS[rest])
        if add:
            if len(row.inputs) < 4:
                raise Unsupported(f"{op} without its added input")
            other = self._input(f"{tag}/in_add", row.inputs[3])
            s = f"{tag}/add"
            self.nodes.append(helper.make_node("Add", [y, other], [s], name=s))
            y = s
        return y

    def add_row(self, row):
        """Adds the branch of `row`; raises Unsupported for rows it cannot rebuild."""
        tag = f"row{row.id}"
        op = row.op_type
        if not row.inputs or not row.outputs:
            raise Unsupported(op)
        out = row.outputs[0]
        nodes_before, inits_before, inputs_before = len(self.nodes), len(self.inits), len(self.inputs)
        try:
            x = self._input(f"{tag}/in", row.inputs[0])
            if op.startswith("Conv") and op != "ConvTranspose":
                y = self._conv(tag, row, [x])
            elif op == "ConvTranspose":
                w_shape, cin = row.inputs[1], row.inputs[0][1]
                if w_shape[1] != 1 or w_shape[0] != cin or out[1] != cin:
                    raise Unsupported(f"ConvTranspose weights {w_shape}")
                k, s = w_shape[2], out[2] // row.inputs[0][2]
                p = ((row.inputs[0][2] - 1) * s + k - out[2]) // 2
                w = self._const(f"{tag}/w", self.rng.normal(0, 0.5, w_shape))
                y = f"{tag}/deconv"
                self.nodes.append(helper.make_node("ConvTranspose", [x, w], [y], name=y, group=cin, strides=[s, s],
                                                   pads=[p, p, p, p], kernel_shape=[k, k]))
            elif op in ("Add", "Mul", "Sub"):
                other = self._input(f"{tag}/in_b", row.inputs[1])
                y = f"{tag}/{op.lower()}"
                self.nodes.append(helper.make_node(op, [x, other], [y], name=y))
            elif op == "Concat":
                shapes = [list(s) for s in row.inputs]
                missing = out[1] - sum(s[1] for s in shapes)
                while row.inputs_cut and missing > 0:  # ",..." hides more inputs like the last one
                    shapes.append(shapes[-1][:1] + [min(shapes[-1][1], missing)] + shapes[-1][2:])
                    missing -= shapes[-1][1]
                if missing:
                    raise Unsupported(f"Concat channels do not add up to {out[1]}")
                names = [x] + [self._input(f"{tag}/in{i}", s) for i, s in enumerate(shapes[1:], 1)]
                y = f"{tag}/concat"
                self.nodes.append(helper.make_node("Concat", names, [y], name=y, axis=1))
            elif op == "MaxPool":
                size = row.inputs[0][2]
                k, s, p = (5, 1, 2) if out[2] == size else (2, 2, 0)
                y = f"{tag}/maxpool"
                self.nodes.append(helper.make_node("MaxPool", [x], [y], name=y, kernel_shape=[k, k], strides=[s, s],
                                                   pads=[p, p, p, p]))
            elif op == "Resize":
                scale = out[2] / row.inputs[0][2]
                sc = self._const(f"{tag}/scales", np.array([1, 1, scale, scale]))
                y = f"{tag}/resize"
                self.nodes.append(helper.make_node("Resize", [x, "", sc], [y], name=y, mode="nearest"))
            elif op == "Split":
                parts = row.inputs[0][1] // out[1]
                if parts * out[1] != row.inputs[0][1]:
                    raise Unsupported("Split into unequal parts")
                ys = [f"{tag}/split{i}" for i in range(parts)]
                self.nodes.append(helper.make_node("Split", [x], ys, name=f"{tag}/split", axis=1))
                y = ys  # every part is an output
            elif op == "Pad":
                ph, pw = out[2] - row.inputs[0][2], out[3] - row.inputs[0][3]
                if ph % 2 or pw % 2:
                    raise Unsupported("asymmetric Pad")
                pads = self._const(f"{tag}/pads", [0, 0, ph // 2, pw // 2, 0, 0, ph // 2, pw // 2], np.int64)
                y = f"{tag}/pad"
                self.nodes.append(helper.make_node("Pad", [x, pads], [y], name=y, mode="constant"))
            else:
                raise Unsupported(op)
        except Exception:
            del self.nodes[nodes_before:], self.inits[inits_before:], self.inputs[inputs_before:]
            raise
        for name in (y if isinstance(y, list) else [y]):
            self.outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, out))

    def model(self):
        graph = helper.make_graph(self.nodes, "perf_log_layers", self.inputs, self.outputs, self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        m.ir_version = 7
        return m

    def input_arrays(self, seed=1):
        rng = np.random.default_rng(seed)
        return [rng.normal(0, 1, [d.dim_value for d in v.type.tensor_type.shape.dim]).astype(np.float32)
                for v in self.inputs]
