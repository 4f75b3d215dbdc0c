#!/usr/bin/python3
"""A small int8-friendly model whose middle layer the board divides across NPU cores: two conv
branches joined by a Concat (the DPU copies that lower::AssignCores splits by lines; 32 channels
per branch, so each branch starts on a whole C2 atom, as the NPU's Concat needs), for the
core-mask tests (tests/e2e/multicore.sh, capi/tests/make_models.sh, tests/python/test_api.py).
The bundled model's residual Add no longer splits: it runs fused into its conv, as on the board.
Writes OUT_DIR/split.onnx, OUT_DIR/input.npy, OUT_DIR/calib_K.npy and OUT_DIR/dataset.txt;
deterministic.

usage: gen_split_model.py OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.RandomState(7)

    def weight(name, shape):
        fan_in = int(np.prod(shape[1:]))
        return numpy_helper.from_array((rng.randn(*shape) / np.sqrt(fan_in)).astype(np.float32), name)

    inits = [weight('w0', (16, 3, 3, 3)), weight('wa', (32, 16, 3, 3)), weight('wb', (32, 16, 1, 1)),
             weight('w1', (4, 64, 1, 1))]
    nodes = [
        helper.make_node('Conv', ['x', 'w0'], ['c0'], pads=[1, 1, 1, 1], name='conv0'),
        helper.make_node('Relu', ['c0'], ['r0'], name='relu0'),
        helper.make_node('MaxPool', ['r0'], ['p0'], kernel_shape=[2, 2], strides=[2, 2], name='pool'),
        helper.make_node('Conv', ['p0', 'wa'], ['a'], pads=[1, 1, 1, 1], name='conv_a'),
        helper.make_node('Conv', ['p0', 'wb'], ['b'], name='conv_b'),
        helper.make_node('Concat', ['a', 'b'], ['cat'], axis=1, name='concat'),
        helper.make_node('Conv', ['cat', 'w1'], ['y'], name='conv_out'),
    ]
    x = helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 3, 32, 32])
    y = helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 4, 16, 16])
    model = helper.make_model(helper.make_graph(nodes, 'split', [x], [y], inits),
                              opset_imports=[helper.make_opsetid('', 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, 'split.onnx'))
    np.save(os.path.join(out, 'input.npy'), rng.rand(1, 3, 32, 32).astype(np.float32))
    with open(os.path.join(out, 'dataset.txt'), 'w') as f:
        for k in range(4):
            path = os.path.join(out, 'calib_%d.npy' % k)
            np.save(path, rng.rand(1, 3, 32, 32).astype(np.float32))
            f.write(path + '\n')


if __name__ == '__main__':
    main()
