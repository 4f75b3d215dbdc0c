"""Custom operators as RKNN-Toolkit2 2.x has them (`from rknn.api.custom_op import get_node_attr`).

A custom operator is a class with
    op_type = 'cstMyOp'                                  # the ONNX node's op_type (any non-default domain)
    def shape_infer(self, node, in_shapes, in_dtypes):   # -> (out_shapes, out_dtypes)
    def compute(self, node, inputs):                     # numpy float32 arrays -> list of arrays
registered with RKNN.reg_custom_op(obj) before load_onnx. It runs on the simulated CPU: in float
and, in int8/fp16 models, on dequantized inputs with quantized outputs, like any CPU operator.
"""
import json

import numpy as np


class CustomNode:
    """The `node` shape_infer and compute receive: op_type, name and attributes (read them with
    get_node_attr)."""

    def __init__(self, op_type, name, attrs):
        self.op_type = op_type
        self.name = name
        self.attrs = attrs

    def __repr__(self):
        return 'CustomNode(%r, %r, %r)' % (self.op_type, self.name, self.attrs)


def get_node_attr(node, attr_name, default=None):
    """The value of the node's attribute `attr_name` (a number, string, or list), `default` when it
    has none."""
    return node.attrs.get(attr_name, default)


def check(op):
    """Raises ValueError naming what the object lacks."""
    op_type = getattr(op, 'op_type', None)
    if not isinstance(op_type, str) or not op_type:
        raise ValueError('the custom operator has no op_type string (class attribute op_type = "cstMyOp")')
    for method in ('shape_infer', 'compute'):
        if not callable(getattr(op, method, None)):
            raise ValueError("custom operator '%s' has no %s method" % (op_type, method))
    return op_type


def callbacks(op):
    """(infer, compute) as rknn_sim._core.register_custom_op calls them."""

    def node_of(op_type, name, attrs):
        return CustomNode(op_type, name, json.loads(attrs))

    def infer(op_type, name, attrs, in_shapes):
        shapes = [list(s) for s in in_shapes]
        result = op.shape_infer(node_of(op_type, name, attrs), shapes, [np.dtype(np.float32)] * len(shapes))
        out_shapes = result[0] if isinstance(result, tuple) else result
        return [[int(d) for d in s] for s in out_shapes]

    def compute(op_type, name, attrs, inputs):
        outputs = op.compute(node_of(op_type, name, attrs), list(inputs))
        return [np.ascontiguousarray(o, dtype=np.float32) for o in outputs]

    return infer, compute
