#!/usr/bin/python3
"""Lists every test CTest skipped, with the reason the test printed, and every test registered but
disabled, from CTest's JUnit report.

usage: scripts/ctest_skips.py JUNIT.xml [LABEL]

A skipping test says why in one line: `SKIP: <reason>` (tests/shared_data.py and .sh), or for a
GoogleTest case GTEST_SKIP's message (the line after `...: Skipped`). A skip without a reason is
an error (exit 1): a test that stops checking must say so in the CI summary. Disabled tests
(DISABLED TRUE: a known shortfall, its measured figures in the comment beside it in
tests/CMakeLists.txt) are listed by name.
"""
import sys
import xml.etree.ElementTree as ET


def reason(output):
    """The reason a skipped test printed, or None."""
    lines = output.splitlines()
    for i, line in enumerate(lines):
        text = line.strip()
        if text.startswith('SKIP:'):
            return text[len('SKIP:'):].strip()
        if text.endswith(': Skipped') and i + 1 < len(lines) and lines[i + 1].strip():
            return lines[i + 1].strip()
    return None


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.strip().splitlines()[2])
    label = sys.argv[2] if len(sys.argv) == 3 else 'ctest'
    try:
        cases = list(ET.parse(sys.argv[1]).getroot().iter('testcase'))
    except (OSError, ET.ParseError) as e:
        sys.exit('ctest_skips: cannot read %s: %s' % (sys.argv[1], e))
    skipped = [(case.get('name'), reason(case.findtext('system-out') or ''))
               for case in cases if case.find('skipped') is not None]
    disabled = [case.get('name') for case in cases if case.get('status') == 'disabled']
    if disabled:
        print('%s: %d disabled (known shortfalls, figures in tests/CMakeLists.txt): %s'
              % (label, len(disabled), ', '.join(disabled)))
    print('%s: %d test%s skipped%s' % (label, len(skipped), '' if len(skipped) == 1 else 's', ':' if skipped else ''))
    for name, why in skipped:
        print('  %s: %s' % (name, why or 'NO REASON PRINTED'))
    silent = [name for name, why in skipped if why is None]
    if silent:
        sys.exit('ctest_skips: %d skipped test(s) gave no reason: %s' % (len(silent), ', '.join(silent)))


if __name__ == '__main__':
    main()
