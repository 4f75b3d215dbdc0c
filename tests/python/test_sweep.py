#!/usr/bin/python3
"""python3 -m rknn_sim.sweep on a two-worker Dask LocalCluster.

2 models (the bundled tiny_resnet with inputs, a small conv net built here with onnx's helpers)
x 3 targets (rk3566, rk3588, rv1106): every job ok, results.csv and summary.html list them, the
run/float cosines of tiny_resnet are high; a rerun runs nothing and touches no result, while a
changed model file reruns that model's jobs only; a broken
model fails alone with the CLI's E line while the other job of that sweep succeeds; a bad JOBS.yml
key is one `E sweep:` line, exit 2.

usage: test_sweep.py --sim RKNN_SIM --bundled DIR --work DIR
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

TARGETS = ['rk3566', 'rk3588', 'rv1106']


def small_net(path):
    rng = np.random.default_rng(7)
    w = numpy_helper.from_array(rng.normal(0, 0.2, (8, 3, 3, 3)).astype(np.float32), 'w')
    b = numpy_helper.from_array(rng.normal(0, 0.1, 8).astype(np.float32), 'b')
    nodes = [helper.make_node('Conv', ['x', 'w', 'b'], ['c'], pads=[1, 1, 1, 1], strides=[2, 2]),
             helper.make_node('Relu', ['c'], ['r']),
             helper.make_node('MaxPool', ['r'], ['y'], kernel_shape=[2, 2], strides=[2, 2])]
    graph = helper.make_graph(nodes, 'small_net', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 3, 64, 64])],
                              [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 8, 16, 16])], [w, b])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)]), path)


def sweep(args, jobs_yml, out, expect):
    env = dict(os.environ, RKNN_SIM=args.sim)
    done = subprocess.run([sys.executable, '-m', 'rknn_sim.sweep', jobs_yml, '-o', out, '--workers', '2'],
                          capture_output=True, text=True, env=env, timeout=900)
    assert done.returncode == expect, (done.returncode, done.stdout, done.stderr)
    return done


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--sim', required=True)
    p.add_argument('--bundled', required=True)
    p.add_argument('--work', required=True)
    args = p.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    small_net(os.path.join(args.work, 'small_net.onnx'))
    b = args.bundled
    with open(os.path.join(args.work, 'jobs.yml'), 'w') as f:
        f.write(f"""models:
  - {{name: tiny_resnet, onnx: {b}/tiny_resnet.onnx, dataset: {b}/dataset.txt, inputs: [{b}/input.npy]}}
  - {{onnx: small_net.onnx, dataset: {b}/dataset.txt}}
targets: [{', '.join(TARGETS)}]
""")
    out = os.path.join(args.work, 'out')
    first = sweep(args, os.path.join(args.work, 'jobs.yml'), out, 0)
    assert '6 jobs: 0 done before, 6 to run' in first.stdout, first.stdout
    with open(os.path.join(out, 'results.csv')) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 6 and all(r['status'] == 'ok' for r in rows), rows
    assert {(r['model'], r['target']) for r in rows} == {(m, t) for m in ('tiny_resnet', 'small_net') for t in TARGETS}
    for r in rows:
        assert float(r['run_time_us']) > 0 and int(r['total_bytes']) > 0, r
        if r['model'] == 'tiny_resnet':
            assert float(r['min_cosine']) > 0.99, r
    assert open(os.path.join(out, 'summary.html')).read().count("<tr style=") == 6

    results = [os.path.join(out, 'jobs', r['job'], 'result.json') for r in rows]
    stamps = [os.stat(p).st_mtime_ns for p in results]
    again = sweep(args, os.path.join(args.work, 'jobs.yml'), out, 0)
    assert '6 jobs: 6 done before, 0 to run' in again.stdout, again.stdout
    assert stamps == [os.stat(p).st_mtime_ns for p in results], 'a rerun rewrote results'
    # A changed model file invalidates its jobs' results, and only those.
    os.utime(os.path.join(args.work, 'small_net.onnx'), ns=(1, 1))
    third = sweep(args, os.path.join(args.work, 'jobs.yml'), out, 0)
    assert '6 jobs: 3 done before, 3 to run' in third.stdout, third.stdout

    with open(os.path.join(args.work, 'broken.onnx'), 'wb') as f:
        f.write(b'not an onnx model')
    with open(os.path.join(args.work, 'mixed.yml'), 'w') as f:
        f.write(f"models: [{{onnx: broken.onnx}}, {{onnx: small_net.onnx}}]\ntargets: [rk3588]\n"
                "settings: [{name: fp16, quantize: false}]\n")
    mixed = sweep(args, os.path.join(args.work, 'mixed.yml'), os.path.join(args.work, 'mixed'), 1)
    broken = json.load(open(os.path.join(args.work, 'mixed', 'jobs', 'broken__rk3588__fp16__auto', 'result.json')))
    assert broken['status'] == 'failed' and broken['error'].startswith('E convert:'), broken
    assert 'E sweep: broken__rk3588__fp16__auto: E convert:' in mixed.stderr, mixed.stderr
    ok = json.load(open(os.path.join(args.work, 'mixed', 'jobs', 'small_net__rk3588__fp16__auto', 'result.json')))
    assert ok['status'] == 'ok', ok

    with open(os.path.join(args.work, 'bad.yml'), 'w') as f:
        f.write('models: [{onnx: small_net.onnx}]\ntargets: [rk3588]\nsetting: []\n')
    bad = sweep(args, os.path.join(args.work, 'bad.yml'), os.path.join(args.work, 'bad'), 2)
    assert bad.stderr.startswith("E sweep:") and "unknown key(s) ['setting']" in bad.stderr, bad.stderr
    print('sweep ok: 6 jobs on 2 workers, rerun skipped all, failure isolated, bad key refused')


if __name__ == '__main__':
    main()
