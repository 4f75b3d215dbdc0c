"""Runs one of examples/python end to end and checks its outputs equal the CLI's bit for bit:
the example (config, load_onnx, build, export_rknn, init_runtime, inference) against
`rknn-sim convert` + `rknn-sim run` with the same model, dataset, input and mean/std.

usage: run_example.py --example resnet|yolov5 --sim RKNN_SIM --model M.onnx --input IN.npy --work DIR
                      [--image] [--target T] [--mean-values JSON --std-values JSON]
--image makes a PNG of the input's size from IN.npy (min-max scaled to 0..255) and runs on that, so
the example's image path (PIL, NHWC uint8) is compared with the CLI's image loader. Exits 77
(skip) when the model is absent, e.g. a zoo model not generated yet.
"""
import argparse
import glob
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from shared_data import require  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--example', required=True, choices=('resnet', 'yolov5'))
    p.add_argument('--sim', required=True)
    p.add_argument('--model', required=True)
    p.add_argument('--input', required=True)
    p.add_argument('--work', required=True)
    p.add_argument('--image', action='store_true')
    p.add_argument('--target', default='rk3588')
    p.add_argument('--mean-values')
    p.add_argument('--std-values')
    a = p.parse_args()
    require(os.path.dirname(a.model), os.path.basename(a.model))
    require(os.path.dirname(a.input), os.path.basename(a.input))
    os.makedirs(a.work, exist_ok=True)
    sample = a.input
    if a.image:
        from PIL import Image
        x = np.load(a.input)[0]
        u8 = np.round((x - x.min()) / (x.max() - x.min()) * 255).astype(np.uint8).transpose(1, 2, 0)
        sample = os.path.join(a.work, 'input.png')
        Image.fromarray(u8).save(sample)
    dataset = os.path.join(a.work, 'dataset.txt')
    with open(dataset, 'w') as f:
        f.write(sample + '\n')
    norm = []
    if a.mean_values:
        norm += ['--mean-values', a.mean_values, '--std-values', a.std_values]

    script = os.path.join(ROOT, 'examples', 'python', a.example, a.example + '.py')
    cmd = [sys.executable, script, '--model', a.model, '--dataset', dataset, '--input', sample, '--target', a.target,
           '--export', os.path.join(a.work, 'example.rknnsim'), '--save-outputs', os.path.join(a.work, 'example_out')]
    if a.example == 'resnet':
        cmd += norm
    done = subprocess.run(cmd, capture_output=True, text=True)
    print(done.stdout + done.stderr)
    if done.returncode != 0 or 'Traceback' in done.stderr:
        sys.exit('the example failed')

    cli_model = os.path.join(a.work, 'cli.rknnsim')
    convert = [a.sim, '-q', 'convert', a.model, '-t', a.target, '-d', dataset, '-o', cli_model]
    if a.example == 'yolov5' and a.image:
        norm = ['--mean-values', '[[0,0,0]]', '--std-values', '[[255,255,255]]']
    subprocess.run(convert + norm, check=True)
    subprocess.run([a.sim, '-q', 'run', cli_model, '-i', sample, '-o', os.path.join(a.work, 'cli_out')], check=True)

    cli_files = sorted(glob.glob(os.path.join(a.work, 'cli_out', '*.npy')),
                       key=lambda f: int(os.path.basename(f).split('_')[0]))
    assert cli_files, 'the CLI wrote no outputs'
    for i, f in enumerate(cli_files):
        expected = np.load(f)
        actual = np.load(os.path.join(a.work, 'example_out', '%d.npy' % i))
        assert actual.dtype == expected.dtype == np.float32 and actual.shape == expected.shape, (actual.shape,
                                                                                                  expected.shape)
        assert actual.tobytes() == expected.tobytes(), 'output %d differs from rknn-sim run (max |diff| %g)' % (
            i, float(np.max(np.abs(actual - expected))))
    print('%s example on %s (%s): %d output(s) equal rknn-sim run bit for bit' % (
        a.example, os.path.basename(os.path.dirname(a.model)) or a.model, a.target, len(cli_files)))


if __name__ == '__main__':
    main()
