#!/usr/bin/python3
"""The rules that decide when a test may skip (tests/shared_data.py and .sh) and the CI summary that
lists skips (scripts/ctest_skips.py), checked on made-up directories and a made-up JUnit report:
an absent data directory skips with a SKIP: line; a present directory that lacks a file, or a
path that is not a directory, fails; the summary names each skipped test with its reason and
fails on a skip that gave none.
usage: skip_rules_test.py WORK_DIR
"""
import os
import subprocess
import sys

TESTS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TESTS)


def check(cmd, code, text):
    done = subprocess.run(cmd, capture_output=True, text=True)
    out = done.stdout + done.stderr
    assert done.returncode == code and text in out, (cmd, done.returncode, out)


def main():
    work = sys.argv[1]
    os.makedirs(os.path.join(work, 'present'), exist_ok=True)
    with open(os.path.join(work, 'present', 'a.bin'), 'wb') as f:
        f.write(b'x')
    with open(os.path.join(work, 'not_a_dir'), 'w') as f:
        f.write('x')
    absent, present, not_dir = (os.path.join(work, n) for n in ('absent', 'present', 'not_a_dir'))
    py = 'import sys; sys.path.insert(0, %r); from shared_data import require; print(require(*sys.argv[1:]))' % TESTS
    sh = '. %s/shared_data.sh; require_data "$@"; echo ok' % TESTS
    for runner in (['/usr/bin/python3', '-c', py], ['/bin/bash', '-c', sh, 'sh']):
        check(runner + [absent, 'a.bin'], 77, 'SKIP: %s does not exist' % absent)
        check(runner + [present, 'a.bin'], 0, 'a.bin' if runner[0].endswith('python3') else 'ok')
        check(runner + [present, 'b.bin'], 1, 'is present but lacks b.bin')
        check(runner + [not_dir], 1, 'is present but not a readable directory')

    junit = os.path.join(work, 'junit.xml')
    with open(junit, 'w') as f:
        f.write('''<?xml version="1.0" encoding="UTF-8"?><testsuite tests="4">
<testcase name="data.skip" status="notrun"><skipped message="SKIP_RETURN_CODE=77"/>
<system-out>progress
SKIP: /x does not exist on this machine
</system-out></testcase>
<testcase name="gtest.skip" status="notrun"><skipped message="SKIP_REGULAR_EXPRESSION_MATCHED"/>
<system-out>[ RUN      ] A.B
a_test.cc:5: Skipped
the directory of /y is not on this machine
[  SKIPPED ] A.B (0 ms)
</system-out></testcase>
<testcase name="known.shortfall" status="disabled"><system-out>Disabled</system-out></testcase>
<testcase name="passed" status="run"><system-out>SKIP: not a skip</system-out></testcase>
</testsuite>''')
    summary = [sys.executable, os.path.join(ROOT, 'scripts', 'ctest_skips.py'), junit, 'pass']
    check(summary, 0, 'pass: 2 tests skipped:\n  data.skip: /x does not exist on this machine\n'
                      '  gtest.skip: the directory of /y is not on this machine')
    check(summary, 0, 'pass: 1 disabled (known shortfalls, figures in tests/CMakeLists.txt): known.shortfall')
    with open(junit) as f:
        silent = f.read().replace('SKIP: /x does not exist on this machine', 'nothing said')
    with open(junit, 'w') as f:
        f.write(silent)
    check(summary, 1, 'gave no reason: data.skip')
    print('skip rules ok: absent skips, present-but-broken fails, the summary names every skip and its reason')


if __name__ == '__main__':
    main()
