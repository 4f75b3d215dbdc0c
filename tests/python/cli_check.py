"""Helpers the Python API tests share: their command line, run the rknn-sim CLI, read the outputs
`run` writes, compare arrays bit for bit, and split a child's stderr at its `MARK <label>` lines (the
tests run the API in child processes and check the E lines each call printed)."""
import argparse
import glob
import os
import subprocess
import sys

import numpy as np


def parse_test_args(child_option, flags=(), **child_spec):
    """The command line of a test: --sim, --bundled and --work (made absolute, so that a child may
    change directory; --work is created), `child_option` (argparse's `child_spec`), which the
    parent passes to the child it starts with run_child_test, and the test's own on/off `flags`."""
    parser = argparse.ArgumentParser()
    for name in ('--sim', '--bundled', '--work'):
        parser.add_argument(name, required=True)
    parser.add_argument(child_option, **child_spec)
    for flag in flags:
        parser.add_argument(flag, action='store_true')
    args = parser.parse_args()
    args.sim, args.bundled, args.work = (os.path.abspath(p) for p in (args.sim, args.bundled, args.work))
    os.makedirs(args.work, exist_ok=True)
    return args


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


def run_child_test(script, args, *child_args):
    """Runs `script` as a child with the parent's --sim/--bundled/--work and `child_args` (see
    run_child); returns its stderr."""
    return run_child([script, '--sim', args.sim, '--bundled', args.bundled, '--work', args.work] + list(child_args))


def check_error_lines(found, cases):
    """cases: (label, api, text); each MARK section must hold an `E <api>: ...text...` line."""
    failures = []
    for label, api, text in cases:
        lines = [line for line in found.get(label, '').splitlines() if line.startswith('E %s: ' % api)]
        if not any(text in line for line in lines):
            failures.append('%s: expected an "E %s: ...%s..." line, got:\n%s' % (label, api, text, found.get(label)))
    assert not failures, '\n'.join(failures)


def make_error_calls(calls, error_cases):
    """In the child: each case's call (calls[label], true when the API answered as on misuse), after
    a MARK line that starts the section of stderr the parent checks."""
    for label, _, _ in error_cases:
        mark(label)
        assert calls[label](), label
    mark('end')


def main_with_child(script, child, error_cases, summary):
    """The main of a test whose API calls run in a child process (SystemC simulates one platform per
    process): as the child (--child), runs child(args); as the parent, runs the child and checks
    that each of `error_cases` (label, api, text) printed its E line, then prints `summary`."""
    args = parse_test_args('--child', action='store_true')
    if args.child:
        child(args)
        return
    stderr = run_child_test(script, args, '--child')
    check_error_lines(sections(stderr), error_cases)
    print('%s; %d error cases give their E line' % (summary, len(error_cases)))
