#!/usr/bin/python3
"""Hostile ONNX models for tests/e2e/hostile_models.sh: huge, zero and negative dimensions, a cycle,
constants whose declared size disagrees with their bytes. Built with the onnx helpers.

usage: gen_hostile_models.py OUT_DIR
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(out, name, input_shape, nodes=None, pads=(1, 1, 1, 1), weight_shape=(8, 3, 3, 3), constants=()):
    """A one-Conv model over input `x` (or `nodes` instead), output `y`."""
    x = helper.make_tensor_value_info('x', TensorProto.FLOAT, input_shape)
    y = helper.make_tensor_value_info('y', TensorProto.FLOAT, None)
    w = numpy_helper.from_array(np.ones(weight_shape, np.float32), 'w')
    nodes = nodes or [helper.make_node('Conv', ['x', 'w'], ['y'], pads=list(pads))]
    graph = helper.make_graph(nodes, name, [x], [y], [w] + list(constants))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
    model.ir_version = 8
    onnx.save(model, '%s/%s.onnx' % (out, name))


def declared(name, dims, raw):
    """A float constant whose dims claim more than `raw` holds."""
    t = TensorProto()
    t.name, t.data_type = name, TensorProto.FLOAT
    t.dims.extend(dims)
    t.raw_data = raw
    return t


def main():
    out = sys.argv[1]
    save(out, 'huge_dims', [1, 3, 100000, 100000])             # 320 GB input, rows wider than the CBUF
    save(out, 'wide', [1, 3, 16, 32768])                      # one row window fills the CBUF
    save(out, 'huge_channels', [1, 70000, 8, 8], pads=(0, 0, 0, 0), weight_shape=(8, 70000, 1, 1))
    save(out, 'tall_huge', [1, 3, 60000000, 64])              # fits the CBUF row by row, not the boards' DDR
    # Fit the CBUF and DDR, not the CNA's register fields (11 bits on RK3588): an input width of
    # 3000 is refused; 5000 rows are cut into tasks of at most 2047.
    save(out, 'wide_row', [1, 1, 4, 3000], weight_shape=(4, 1, 1, 1), pads=(0, 0, 0, 0))
    save(out, 'tall_rows', [1, 1, 5000, 2], weight_shape=(4, 1, 1, 1), pads=(0, 0, 0, 0))
    save(out, 'zero_dim', [1, 3, 0, 64])
    save(out, 'negative_pads', [1, 3, 32, 32], pads=(-2, -2, -2, -2))
    cycle = [helper.make_node('Add', ['x', 'z'], ['y']), helper.make_node('Relu', ['y'], ['z'])]
    save(out, 'cyclic', [1, 3, 8, 8], nodes=cycle)
    add_b = [helper.make_node('Add', ['x', 'b'], ['y'])]
    save(out, 'billion_constant', [1, 3, 8, 8], nodes=add_b, constants=[declared('b', [1000000000], b'\0' * 16)])
    save(out, 'declared_2p40', [1, 3, 8, 8], nodes=add_b, constants=[declared('b', [1 << 20, 1 << 20], b'')])


if __name__ == '__main__':
    main()
