"""When a test may skip for want of data: the one rule every test that reads data from outside the
repository follows (Rockchip's .rknn files, board logs and custom-op models in ../shared, the
zoo cache, the npm registry's models).

A data directory that is absent makes the test skip: it prints one `SKIP: <reason>` line (the CI
summary, scripts/ctest_skips.py, lists it) and exits 77, CTest's SKIP_RETURN_CODE here. A
directory that is present but unreadable, or that lacks or cannot read a file the test needs,
fails the test: data that is there but broken must not pass for data that is missing.

    from shared_data import require
    path, = require(data_dir, 'retinaface_rv1106.rknn')
"""
import os
import sys

SKIP = 77


def skip(reason):
    """Skips the test with its reason (exits 77)."""
    print('SKIP: %s' % reason, flush=True)
    sys.exit(SKIP)


def require(directory, *names):
    """The paths of `names` inside `directory`, each checked readable; skips when `directory` does
    not exist, fails (exit 1 with one line) when it exists but is unreadable or a file is missing
    or unreadable. Names may be globs' results relative to `directory` or absolute paths inside it."""
    if not os.path.lexists(directory):
        skip('%s does not exist on this machine (the shared data beside the repository)' % directory)
    if not os.path.isdir(directory) or not os.access(directory, os.R_OK | os.X_OK):
        sys.exit('FAIL: the data directory %s is present but not a readable directory' % directory)
    paths = []
    for name in names:
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            sys.exit('FAIL: the data directory %s is present but lacks %s' % (directory, name))
        try:
            with open(path, 'rb') as f:
                f.read(1)
        except OSError as e:
            sys.exit('FAIL: %s is present but unreadable: %s' % (path, e.strerror))
        paths.append(path)
    return paths
