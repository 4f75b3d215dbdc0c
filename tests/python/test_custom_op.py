"""Custom operators through rknn_sim.api.RKNN.reg_custom_op, on Rockchip's own example: the
toolkit's dual_residual model (one cstDualResidual node of domain rknn_cst, r1 = x*alpha - y,
r2 = y*alpha - x) with the inputs and expected outputs Rockchip ships with it.

- float (do_quantization=False, fp16) and int8 builds: inference matches Rockchip's outputs (fp16
  within 1e-2, int8 within a few quantization steps), eval_perf lists the op on the CPU by its
  op_type, and export_rknn / load_rknn / inference give the same outputs;
- Rockchip's compiled .rknn files of the same example (RK3588, RK3566, RK3562, RK3576, RV1126B) run
  with the operator registered (reg_custom_op, load_rknn, inference), each in a process of its own,
  and give the expected outputs within float16 precision;
- misuse gives E lines and -1: an unregistered op (load_onnx names it), an object without
  compute, reg_custom_op after load_onnx, a compute that returns the wrong shape.
It leaves dual_residual_fp16.rknn and raw inputs/expected outputs in DIR for capi.custom_op.
usage: test_custom_op.py --data SHARED/data/rknn/custom_op --work DIR
"""
import argparse
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from shared_data import require  # noqa: E402

from rknn_sim.api import RKNN
from rknn_sim.api.custom_op import get_node_attr


class cstDualResidual:  # noqa: N801 (the toolkit's naming)
    op_type = 'cstDualResidual'

    def shape_infer(self, node, in_shapes, in_dtypes):
        return [in_shapes[0], in_shapes[1]], [in_dtypes[0], in_dtypes[1]]

    def compute(self, node, inputs):
        alpha = get_node_attr(node, 'alpha')
        x, y = inputs
        return [x * alpha - y, y * alpha - x]


class WrongShape(cstDualResidual):
    def compute(self, node, inputs):
        return [inputs[0][:, :1], inputs[1]]


class NoCompute:
    op_type = 'cstDualResidual'

    def shape_infer(self, node, in_shapes, in_dtypes):
        return in_shapes, in_dtypes


failures = []


def expect(label, ok, detail=''):
    print('%-4s %-55s %s' % ('ok' if ok else 'FAIL', label, detail))
    if not ok:
        failures.append(label)


def build(model, op, work, quantize):
    """config (rk3588), reg_custom_op(op), load_onnx, build: (the RKNN object, build's return)."""
    rknn = RKNN()
    rknn.config(target_platform='rk3588')
    if op is not None:
        assert rknn.reg_custom_op(op) == 0
    if rknn.load_onnx(model) != 0:
        return rknn, -1
    dataset = os.path.join(work, 'dataset.txt') if quantize else None
    return rknn, rknn.build(do_quantization=quantize, dataset=dataset)


ROCKCHIP_FILES = [('dual_residual_custom_rk3588.rknn', 'rk3588'), ('dual_residual_custom_rk3566_rk3568.rknn', 'rk3566'),
                  ('dual_residual_custom_rk3562.rknn', 'rk3562'), ('dual_residual_custom_rk3576.rknn', 'rk3576'),
                  ('dual_residual_custom_rv1126b.rknn', 'rv1126b')]


def run_rockchip_file(data, name, target):
    """reg_custom_op, load_rknn, init_runtime, inference on one Rockchip file: prints the largest
    absolute difference from the expected outputs (last line), exits 1 on any failure."""
    inputs = [np.load(os.path.join(data, 'dual_residual_input_%d.npy' % i)) for i in range(2)]
    expected = [np.load(os.path.join(data, 'dual_residual_output_%d.npy' % i)) for i in range(2)]
    rknn = RKNN()
    ok = rknn.reg_custom_op(cstDualResidual()) == 0 and rknn.load_rknn(os.path.join(data, name)) == 0 and \
        rknn.init_runtime(target=target) == 0
    outs = rknn.inference(inputs=inputs, data_format='nchw') if ok else None
    rknn.release()
    if not outs or len(outs) != len(expected):
        sys.exit('FAIL: %s gave no outputs' % name)
    print(max(float(np.abs(o.reshape(e.shape) - e).max()) for o, e in zip(outs, expected)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--rockchip', help='run only this Rockchip file (in its own process)')
    ap.add_argument('--target', help='with --rockchip: the target to simulate')
    ap.add_argument('--data', required=True)
    ap.add_argument('--work', required=True)
    args = ap.parse_args()
    if args.rockchip:
        return run_rockchip_file(args.data, args.rockchip, args.target)
    os.makedirs(args.work, exist_ok=True)
    arrays = ['dual_residual_%s_%d.npy' % (kind, i) for kind in ('input', 'output') for i in range(2)]
    model = require(args.data, 'dual_residual.onnx', *[name for name, _ in ROCKCHIP_FILES], *arrays)[0]
    inputs = [np.load(os.path.join(args.data, 'dual_residual_input_%d.npy' % i)) for i in range(2)]
    expected = [np.load(os.path.join(args.data, 'dual_residual_output_%d.npy' % i)) for i in range(2)]
    with open(os.path.join(args.work, 'dataset.txt'), 'w') as f:
        names = []
        for i, x in enumerate(inputs):
            names.append(os.path.join(args.work, 'x%d.npy' % i))
            np.save(names[-1], x)
            x.astype(np.float32).tofile(os.path.join(args.work, 'x%d.bin' % i))  # for capi.custom_op
            expected[i].astype(np.float32).tofile(os.path.join(args.work, 'expected%d.bin' % i))
        f.write(' '.join(names) + '\n')

    for quantize, tolerance in ((False, 1e-2), (True, None)):
        label = 'int8' if quantize else 'fp16'
        rknn, ret = build(model, cstDualResidual(), args.work, quantize)
        expect('%s build' % label, ret == 0)
        if ret != 0:
            continue
        rknn.init_runtime(target='rk3588', perf_debug=True)
        outs = rknn.inference(inputs=inputs, data_format='nchw')
        if tolerance is None:  # int8: within 3 quantization steps of each output's range
            tolerance = max(float(np.ptp(e)) for e in expected) / 255 * 3
        errors = [float(np.abs(o.reshape(e.shape) - e).max()) for o, e in zip(outs, expected)]
        expect('%s inference equals Rockchip\'s expected outputs' % label, max(errors) <= tolerance,
               'max abs error %s (tolerance %.3g)' % (', '.join('%.2e' % e for e in errors), tolerance))
        perf = rknn.eval_perf(is_print=False)
        rows = [line for line in perf.splitlines() if 'cstDualResidual' in line] if isinstance(perf, str) else []
        expect('%s eval_perf lists the op on the CPU' % label, any(' CPU ' in r for r in rows), rows[0] if rows else '')
        path = os.path.join(args.work, 'dual_residual_%s.rknn' % label)
        expect('%s export_rknn' % label, rknn.export_rknn(path) == 0)
        again = RKNN()
        again.load_rknn(path)
        again.init_runtime(target='rk3588')
        outs2 = again.inference(inputs=inputs, data_format='nchw')
        expect('%s load_rknn + inference gives the same outputs' % label,
               all(np.array_equal(a, b) for a, b in zip(outs, outs2)))

    # Rockchip's own compiled files of the example (toolkit 1.6.1, one per platform): their float16
    # layout conversions run from their register commands, then the registered operator on the
    # simulated CPU, with the attribute `alpha` the file keeps; the result is Rockchip's expected
    # output. SystemC simulates one platform per process: each file runs in a process of its own.
    for name, target in ROCKCHIP_FILES:
        p = subprocess.run([sys.executable, os.path.abspath(__file__), '--data', args.data, '--work', args.work,
                            '--rockchip', name, '--target', target], capture_output=True, text=True)
        last = p.stdout.strip().splitlines()[-1] if p.returncode == 0 and p.stdout.strip() else ''
        try:
            errors = float(last)
        except ValueError:
            errors = float('inf')
        # float16 inputs and outputs: within 2 units in the last place at the outputs' magnitude (< 4)
        expect('%s with its custom operator equals the expected outputs' % name,
               p.returncode == 0 and errors <= 2 * 2 ** -9,
               'max abs error %s%s' % (errors, '' if p.returncode == 0 else ': ' + p.stderr.strip()[-300:]))

    # Misuse: one E line and -1 each.
    rknn = RKNN()
    rknn.config(target_platform='rk3588')
    expect('reg_custom_op without compute is refused', rknn.reg_custom_op(NoCompute()) == -1)
    rknn, ret = build(model, WrongShape(), args.work, False)
    rknn.init_runtime(target='rk3588')
    expect('a compute returning the wrong shape fails inference', rknn.inference(inputs=inputs) is None)
    rknn = RKNN()
    rknn.config(target_platform='rk3588')
    rknn.load_onnx(model)
    expect('reg_custom_op after load_onnx is refused', rknn.reg_custom_op(cstDualResidual()) == -1)

    if failures:
        sys.exit('FAIL: ' + ', '.join(failures))
    print('custom operators: all checks pass')


if __name__ == '__main__':
    main()
