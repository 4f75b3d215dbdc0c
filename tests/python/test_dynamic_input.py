"""config(dynamic_input=...) and `convert --dynamic-input`: one model holding a program per input
shape set (RKNN-Toolkit2's dynamic_input), on a PyTorch network exported with dynamic height and
width.

- int8: calibrated on 32x32 samples; inference on 32x32 and 48x64 inputs (NCHW and NHWC) picks the
  set by shape, equals `rknn-sim run` on the CLI-built model bit for bit, and stays within int8
  tolerance of the float ONNX model at each shape; the platform equals the int8 reference;
- fp16: each set equals a model built alone at that shape (input_size_list), byte for byte;
- export_rknn / load_rknn keep every set; eval_perf and eval_memory, `perf --json` and
  `memory --json` report every set (`dynamic_shapes`, `input_shapes`); the rknn_convert YAML key
  builds the same file as the flag;
- a shape no set has, dynamic_input together with input_size_list, and a set listed twice are
  refused in one line.
usage: test_dynamic_input.py --sim RKNN_SIM --work DIR
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import torch

from rknn_sim.api import RKNN

SETS = [[[1, 3, 32, 32]], [[1, 3, 48, 64]]]
failures = []


def expect(label, ok, detail=''):
    print('%-4s %-62s %s' % ('ok' if ok else 'FAIL', label, detail))
    if not ok:
        failures.append(label)


def sim(args, *cmd):
    return subprocess.run([args.sim, '-q'] + list(cmd), capture_output=True, text=True)


def cosine(a, b):
    a, b = a.ravel().astype(np.float64), b.ravel().astype(np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.c2 = torch.nn.Conv2d(8, 4, 3, stride=2, padding=1)

    def forward(self, x):
        y = torch.relu(self.c1(x))
        return self.c2(y), y.mean(dim=(2, 3))


def make_model(work):
    torch.manual_seed(0)
    path = os.path.join(work, 'dyn.onnx')
    torch.onnx.export(Net().eval(), torch.randn(1, 3, 32, 32), path, input_names=['x'],
                      output_names=['feat', 'pooled'], opset_version=13,
                      dynamic_axes={'x': {2: 'h', 3: 'w'}, 'feat': {2: 'h2', 3: 'w2'}})
    rng = np.random.default_rng(0)
    with open(os.path.join(work, 'dataset.txt'), 'w') as f:
        for i in range(4):
            np.save(os.path.join(work, 'c%d.npy' % i), rng.standard_normal((1, 3, 32, 32)).astype(np.float32))
            f.write('c%d.npy\n' % i)
    inputs = {}
    for shape in (SETS[0][0], SETS[1][0], [1, 3, 40, 40]):
        name = 'in_%dx%d' % (shape[2], shape[3])
        inputs[name] = rng.standard_normal(shape).astype(np.float32)
        np.save(os.path.join(work, name + '.npy'), inputs[name])
    return path, inputs


def build(model, work, quantize, dynamic=SETS, size_list=None):
    rknn = RKNN()
    rknn.config(target_platform='rk3588', dynamic_input=dynamic)
    assert rknn.load_onnx(model, input_size_list=size_list) == 0
    ret = rknn.build(do_quantization=quantize, dataset=os.path.join(work, 'dataset.txt') if quantize else None)
    return rknn, ret


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sim', required=True)
    ap.add_argument('--work', required=True)
    args = ap.parse_args()
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    model, inputs = make_model(work)
    sets_json = json.dumps(SETS)

    # The CLI's build and runs: what the Python API must match.
    cli_model = os.path.join(work, 'cli.rknnsim')
    r = sim(args, 'convert', model, '-t', 'rk3588', '-d', os.path.join(work, 'dataset.txt'),
            '--dynamic-input', sets_json, '-o', cli_model)
    expect('convert --dynamic-input builds', r.returncode == 0, r.stderr.strip())
    cli_out = {}
    for name in ('in_32x32', 'in_48x64'):
        npy = os.path.join(work, name + '.npy')
        for mode, extra in (('platform', []), ('reference', ['--reference', 'int8'])):
            out = os.path.join(work, 'cli_%s_%s' % (mode, name))
            r = sim(args, 'run', cli_model, '-i', npy, '-o', out, *extra)
            expect('run %s on %s' % (mode, name), r.returncode == 0, r.stderr.strip())
        same = all(open(os.path.join(work, 'cli_platform_%s' % name, f), 'rb').read() ==
                   open(os.path.join(work, 'cli_reference_%s' % name, f), 'rb').read()
                   for f in ('0_feat.npy', '1_pooled.npy'))
        expect('%s: platform == int8 reference, byte for byte' % name, same)
        cli_out[name] = [np.load(os.path.join(work, 'cli_platform_%s' % name, f)) for f in ('0_feat.npy', '1_pooled.npy')]
    r = sim(args, 'run', cli_model, '-i', os.path.join(work, 'in_40x40.npy'), '-o', os.path.join(work, 'cli_40'))
    expect('run refuses a shape no set has, in one line',
           r.returncode == 1 and r.stderr.count('\n') == 1 and 'match none' in r.stderr, r.stderr.strip())

    # Python: the same build, inference picking the set by the arrays' shapes.
    rknn, ret = build(model, work, True)
    expect('config(dynamic_input) + build', ret == 0)
    assert rknn.init_runtime(target='rk3588', perf_debug=True, eval_mem=True) == 0
    for name in ('in_32x32', 'in_48x64'):
        x = inputs[name]
        nchw = rknn.inference([x], data_format='nchw')
        nhwc = rknn.inference([x.transpose(0, 2, 3, 1)])
        expect('%s: inference == rknn-sim run, NCHW and NHWC' % name,
               nchw is not None and nhwc is not None and
               all(np.array_equal(a, b) and np.array_equal(a, c) for a, b, c in zip(nchw, nhwc, cli_out[name])))
        onnx_out = os.path.join(work, 'float_' + name)
        r = sim(args, 'run', model, '--reference', 'float', '-i', os.path.join(work, name + '.npy'),
                '--input-size-list', json.dumps([list(x.shape)]), '-o', onnx_out)
        want = [np.load(os.path.join(onnx_out, f)) for f in ('0_feat.npy', '1_pooled.npy')]
        cos = [cosine(a, b) for a, b in zip(nchw, want)]
        expect('%s: int8 vs float ONNX at that shape, cosine >= 0.999' % name,
               all(c >= 0.999 for c in cos) and nchw[0].shape == want[0].shape, 'cosines %s' % cos)
    expect('inference refuses a shape no set has', rknn.inference([inputs['in_40x40']], data_format='nchw') is None)
    table = rknn.eval_perf(is_print=False)
    expect('eval_perf has a table per set', table is not None and table.count('Input shapes') == 2 and
           '(1,3,48,64)' in table)
    memory = rknn.eval_memory(is_print=False)
    expect('eval_memory reports every set', memory is not None and len(memory.get('dynamic_shapes', [])) == 1 and
           memory['dynamic_shapes'][0]['input_shapes'] == SETS[1] and memory.get('input_shapes') == SETS[0])
    exported = os.path.join(work, 'py.rknnsim')
    expect('export_rknn', rknn.export_rknn(exported) == 0)
    rknn.release()
    expect('Python and CLI builds write the same file', open(exported, 'rb').read() == open(cli_model, 'rb').read())
    loaded = RKNN()
    assert loaded.load_rknn(exported) == 0 and loaded.init_runtime(target='rk3588') == 0
    again = loaded.inference([inputs['in_48x64']], data_format='nchw')
    expect('load_rknn keeps every set', again is not None and np.array_equal(again[0], cli_out['in_48x64'][0]))
    loaded.release()

    # fp16: each set is the model built alone at that shape.
    rknn, ret = build(model, work, False)
    alone, ret_alone = build(model, work, False, dynamic=None, size_list=SETS[1])
    ok = ret == 0 and ret_alone == 0 and rknn.init_runtime(target='rk3588') == 0 and alone.init_runtime(target='rk3588') == 0
    x = inputs['in_48x64']
    a, b = (rknn.inference([x], data_format='nchw'), alone.inference([x], data_format='nchw')) if ok else (None, None)
    expect('fp16: set 2 == the model built alone at 48x64', a is not None and b is not None and
           all(np.array_equal(p, q) for p, q in zip(a, b)))
    rknn.release()
    alone.release()

    # CLI reports and the YAML key.
    perf_json, mem_json = os.path.join(work, 'perf.json'), os.path.join(work, 'memory.json')
    r = sim(args, 'perf', cli_model, '--json', perf_json)
    p = json.load(open(perf_json)) if r.returncode == 0 else {}
    expect('perf --json: the first set on top, the other under dynamic_shapes',
           p.get('input_shapes') == SETS[0] and [d['input_shapes'] for d in p.get('dynamic_shapes', [])] == [SETS[1]] and
           p['dynamic_shapes'][0]['total_time_us'] > p['total_time_us'])
    r = sim(args, 'memory', cli_model, '--json', mem_json)
    m = json.load(open(mem_json)) if r.returncode == 0 else {}
    expect('memory --json reports every set', len(m.get('dynamic_shapes', [])) == 1)
    yml = os.path.join(work, 'model.yml')
    with open(yml, 'w') as f:
        f.write('models:\n  name: dyn\n  platform: onnx\n  model_file_path: %s\n  quantize: true\n'
                '  dataset: %s\n  configs:\n    target_platform: rk3588\n    dynamic_input:\n'
                '      - [[1, 3, 32, 32]]\n      - ["1,3,48,64"]\n' % (model, os.path.join(work, 'dataset.txt')))
    yml_model = os.path.join(work, 'yml.rknnsim')
    r = sim(args, 'convert', '-c', yml, '-o', yml_model)
    expect('rknn_convert YAML dynamic_input == --dynamic-input', r.returncode == 0 and
           open(yml_model, 'rb').read() == open(cli_model, 'rb').read(), r.stderr.strip())

    # Misuse: one-line refusals.
    r = sim(args, 'convert', model, '-t', 'rk3588', '--no-quant', '--dynamic-input', sets_json,
            '--input-size-list', '[[1,3,32,32]]', '-o', os.path.join(work, 'x.rknnsim'))
    expect('dynamic_input with input_size_list refused', r.returncode == 1 and r.stderr.count('\n') == 1, r.stderr.strip())
    r = sim(args, 'convert', model, '-t', 'rk3588', '--no-quant', '--dynamic-input', json.dumps([SETS[0], SETS[0]]),
            '-o', os.path.join(work, 'x.rknnsim'))
    expect('a set listed twice refused', r.returncode == 1 and 'twice' in r.stderr, r.stderr.strip())
    bad = RKNN()
    expect('config(dynamic_input=<not shapes>) refused', bad.config(target_platform='rk3588', dynamic_input=[3, 4]) == -1)

    print('%d check(s) failed' % len(failures) if failures else 'all checks passed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
