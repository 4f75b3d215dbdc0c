#!/usr/bin/python3
"""`rknn-sim report` pages rendered by Debian's headless Chromium.

usage: check_report.py RKNN_SIM WORK_DIR MODEL [MODEL ...]
For each model (an ONNX model, compiled here for rk3588 with the dataset.txt beside it or, for a
zoo model, its input_0.npy as the dataset; an rknn-sim
model file or a Rockchip .rknn), writes the report, then checks that the page is self-contained (no scripts, links or fetched resources), that
Chromium's DOM after rendering holds every chart and one table row per layer of `perf --json`,
and that its screenshot is not blank (many colours, a good share of non-white pixels); then that an
unwritable output and --core-mask on a .rknn give one error line each. Exit 77 (skip, with a
SKIP: line) when chromium is not installed or a model's directory is absent (tests/shared_data.py).
"""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from shared_data import require, skip  # noqa: E402

from PIL import Image

CHARTS = ['layer-times', 'op-types', 'timeline', 'memory', 'layers', 'summary']


def chromium(*args):
    cmd = ['chromium', '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True).stdout


def check(sim, work, model):
    name = os.path.basename(os.path.dirname(model)) + '_' + os.path.basename(model)
    if model.endswith('.onnx'):
        compiled = os.path.join(work, name + '.rknnsim')
        dataset = os.path.join(os.path.dirname(model), 'dataset.txt')
        if not os.path.exists(dataset):  # a zoo model: its own input calibrates
            dataset = os.path.join(work, name + '.dataset.txt')
            with open(dataset, 'w') as f:
                f.write(os.path.join(os.path.dirname(model), 'input_0.npy') + '\n')
        subprocess.run([sim, 'convert', model, '-t', 'rk3588', '-d', dataset, '-o', compiled], check=True,
                       capture_output=True)
        model = compiled
    page = os.path.join(work, name + '.html')
    subprocess.run([sim, 'report', model, '-o', page], check=True, capture_output=True)
    perf_json = os.path.join(work, name + '.perf.json')
    subprocess.run([sim, 'perf', model, '--json', perf_json], check=True, capture_output=True)
    layers = len(json.load(open(perf_json))['layers'])

    html = open(page, encoding='utf-8').read()
    assert not re.search(r'<script|<link|<img|<iframe|url\(|src=', html, re.I), f'{name}: not self-contained'
    assert not re.findall(r'https?://(?!www\.w3\.org/2000/svg)', html), f'{name}: refers to the network'

    dom = chromium('--dump-dom', 'file://' + page)
    for chart in CHARTS:
        assert f'id="{chart}"' in dom, f'{name}: rendered page lacks #{chart}'
    rows = dom.count('<tr>') - 1  # the header row
    assert rows == layers, f'{name}: {rows} table rows for {layers} layers'
    bars = len(re.findall(r'<rect', dom.split('id="layer-times"')[1].split('</svg>')[0]))
    assert bars == layers, f'{name}: {bars} layer bars for {layers} layers'

    shot = os.path.join(work, name + '.png')
    chromium('--window-size=1100,1400', '--screenshot=' + shot, 'file://' + page)
    image = Image.open(shot).convert('RGB')
    colours = image.getcolors(maxcolors=1 << 20)
    inked = sum(count for count, rgb in colours if sum(rgb) < 720) / (image.width * image.height)
    assert len(colours) > 50 and inked > 0.05, f'{name}: screenshot looks blank ({len(colours)} colours, {inked:.1%} ink)'
    print(f'{name}: {layers} layers, rendered with every chart ({len(colours)} colours, {inked:.0%} ink): {shot}')
    return model


def main():
    sim, work, models = sys.argv[1], sys.argv[2], sys.argv[3:]
    if not shutil.which('chromium'):
        skip('chromium is not installed (scripts/setup.sh installs it)')
    for model in models:
        require(os.path.dirname(model), os.path.basename(model))
    os.makedirs(work, exist_ok=True)
    check_errors(sim, work, [check(sim, work, model) for model in models])


def check_errors(sim, work, models):
    """Bad requests give one `E report:` line and exit 1."""
    def expect(args, text):
        done = subprocess.run([sim, 'report', *args], capture_output=True, text=True)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 1 and len(lines) == 1 and lines[0].startswith('E report:') and text in lines[0], \
            (args, done.returncode, done.stderr)
    expect([models[0], '-o', os.path.join(work, 'no_such_dir', 'r.html')], 'cannot write')
    rknn = [m for m in models if m.endswith('.rknn')]
    if rknn:
        expect([rknn[0], '-o', os.path.join(work, 'r.html'), '--core-mask', '0'], '--core-mask applies')
    print('bad requests: one E report line each')


if __name__ == '__main__':
    main()
