#!/usr/bin/python3
"""Bad .rknn input: files built at test time from the real ones (truncated, corrupted, wrong
magic, encrypted, future version, broken RV110x sub-header) must each give exactly one clear line
on stderr and exit 1, for info, perf and memory; `run` on a good file without a task array (toolkit
1.4) says plainly that it cannot run it and what works instead.

usage: bad_rknn.py SIM DATA_DIR WORKDIR
"""
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from shared_data import require  # noqa: E402


def make_cases(data_dir):
    l_file = open(os.path.join(data_dir, "pp_human_segv2_rk3566_rk3568.rknn"), "rb").read()
    t_file = open(os.path.join(data_dir, "retinaface_rv1106.rknn"), "rb").read()
    flipped_root = bytearray(l_file)
    struct.pack_into("<I", flipped_root, 64, 0x7FFFFFF0)  # FlatBuffer root offset far outside the buffer
    bad_vtable = bytearray(l_file)
    root = struct.unpack_from("<I", l_file, 64)[0]
    struct.pack_into("<i", bad_vtable, 64 + root, -0x100000)  # the root table's vtable lies outside
    future = bytearray(l_file)
    struct.pack_into("<Q", future, 8, 7)
    future_t = bytearray(t_file)
    struct.pack_into("<Q", future_t, 8, 0x1005)
    bad_sub = bytearray(t_file)
    struct.pack_into("<I", bad_sub, 64 + 20, struct.unpack_from("<I", t_file, 64 + 20)[0] + 64)
    json_size = bytearray(l_file)
    data_size = struct.unpack_from("<Q", l_file, 16)[0]
    struct.pack_into("<Q", json_size, 64 + data_size, 1 << 40)
    return {
        # name: (bytes, phrase the one-line message must contain)
        "truncated_header": (l_file[:20], "truncated .rknn file"),
        "truncated_data": (l_file[:100000], "truncated .rknn file"),
        "truncated_json": (l_file[:-10], "truncated .rknn file"),
        "json_size": (bytes(json_size), "truncated .rknn file"),
        "corrupted_root": (bytes(flipped_root), "fails verification"),
        "corrupted_vtable": (bytes(bad_vtable), "fails verification"),
        "corrupted_subheader": (bytes(bad_sub), "do not add up"),
        "wrong_magic": (b"XKNN" + l_file[4:], "not an .rknn file"),
        "empty": (b"", "not an .rknn file"),
        "encrypted": (b"CYPTRKNN" + l_file[8:], "encrypted .rknn file"),
        "future_version": (bytes(future), "newer than"),
        "future_version_t": (bytes(future_t), "newer than"),
        "rknn3": (b"RKNX" + l_file[4:], "RKNN3"),
    }


def main():
    sim, data_dir, work = sys.argv[1:4]
    require(data_dir)
    os.makedirs(work, exist_ok=True)
    failures = 0
    for name, (content, phrase) in make_cases(data_dir).items():
        path = os.path.join(work, name + ".rknn")
        open(path, "wb").write(content)
        for command in ("info", "perf", "memory"):
            p = subprocess.run([sim, command, path], capture_output=True, text=True)
            lines = p.stderr.strip().splitlines()
            ok = p.returncode == 1 and len(lines) == 1 and phrase in lines[0] and p.stdout == ""
            print("%-5s %-20s %-7s %s" % ("ok" if ok else "FAIL", name, command, p.stderr.strip()))
            failures += not ok
    good = os.path.join(data_dir, "multiple_input_demo_rk3588.rknn")
    p = subprocess.run([sim, "run", good, "-i", "a.npy", "-i", "b.npy", "-o", work], capture_output=True, text=True)
    lines = p.stderr.strip().splitlines()
    ok = p.returncode == 1 and len(lines) == 1 and "holds no task array" in lines[0] and "convert" in lines[0]
    print("%-5s %-20s %-7s %s" % ("ok" if ok else "FAIL", "run", "run", p.stderr.strip()))
    failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
