"""Helpers the Python API tests share: run the rknn-sim CLI, read the outputs `run` writes, compare
arrays bit for bit, and split a child's stderr at its `MARK <label>` lines (the tests run the API in
child processes and check the E lines each call printed)."""
import glob
import os
import subprocess
import sys

import numpy as np


def cli(sim, *args):
    """Runs `rknn-sim -q ARGS`; returns stdout, raises on failure."""
    done = subprocess.run([sim, '-q'] + [str(a) for a in args], capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError('rknn-sim %s failed: %s' % (' '.join(map(str, args)), done.stderr))
    return done.stdout


def cli_outputs(out_dir):
    """The .npy files `rknn-sim run -o out_dir` wrote, in output order."""
    files = sorted(glob.glob(os.path.join(out_dir, '*.npy')), key=lambda f: int(os.path.basename(f).split('_')[0]))
    return [np.load(f) for f in files]


def assert_bit_equal(actual, expected, what):
    assert len(actual) == len(expected), '%s: %d outputs vs %d' % (what, len(actual), len(expected))
    for i, (a, e) in enumerate(zip(actual, expected)):
        assert a.dtype == np.float32 and e.dtype == np.float32, '%s[%d]: dtypes %s %s' % (what, i, a.dtype, e.dtype)
        assert a.shape == e.shape, '%s[%d]: shapes %s vs %s' % (what, i, a.shape, e.shape)
        assert a.tobytes() == e.tobytes(), '%s[%d]: values differ (max |diff| %g)' % (
            what, i, float(np.max(np.abs(a - e))))


def same_bytes(path_a, path_b):
    with open(path_a, 'rb') as a, open(path_b, 'rb') as b:
        return a.read() == b.read()


def mark(label):
    """Written by a child before a call whose E line the parent checks."""
    sys.stderr.write('MARK %s\n' % label)
    sys.stderr.flush()


def sections(stderr):
    """stderr split at the MARK lines: {label: text}."""
    out, label = {}, None
    for line in stderr.splitlines():
        if line.startswith('MARK '):
            label = line[5:]
            out[label] = ''
        elif label is not None:
            out[label] += line + '\n'
    return out


def run_child(argv):
    """Runs a child Python process; asserts exit 0 and no traceback; returns its stderr."""
    done = subprocess.run([sys.executable] + argv, capture_output=True, text=True)
    print('==== %s (exit %d)\n%s%s' % (' '.join(argv[1:]), done.returncode, done.stdout, done.stderr))
    assert done.returncode == 0, '%s failed' % ' '.join(argv)
    assert 'Traceback' not in done.stderr, '%s printed a traceback' % ' '.join(argv)
    return done.stderr


def check_error_lines(found, cases):
    """cases: (label, api, text); each MARK section must hold an `E <api>: ...text...` line."""
    failures = []
    for label, api, text in cases:
        lines = [line for line in found.get(label, '').splitlines() if line.startswith('E %s: ' % api)]
        if not any(text in line for line in lines):
            failures.append('%s: expected an "E %s: ...%s..." line, got:\n%s' % (label, api, text, found.get(label)))
    assert not failures, '\n'.join(failures)
