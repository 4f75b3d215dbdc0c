#!/usr/bin/python3
"""`rknn-sim disasm FILE.rknn` on every shared .rknn file, checked against an independent reading
of the same bytes (tests/rknn/rknn_reader.py walks the FlatBuffer; the task records and command
words are split here without any of the C++ code):

- the listing has one task per record and, per task, the record's amount of register writes plus
  the PC chaining words that follow them, in file order (block, register and value of every word);
- the share of writes the register database names does not fall below the floor of the file's
  register map (FLOORS: the coverage reached when the database was written; raise it, never lower it);
- facts written down independently of this code hold: the first CNA task of
  pp_human_segv2_rk3588 is a 3x3 stride-2 convolution of a 192-wide, 117-row tile of 3 channels
  padded to 16, 64 kernels, output width 96, 11 data banks and 1 weight bank
  (../shared/docs/RKNN_FORMAT.md §3, read there against Mesa's register map);
- relocated address words name the tensor the runtime patches in;
- a file without a task array (toolkit 1.4) and corrupted task records give one `E disasm:` line.

usage: check_disasm.py SIM DATA_DIR WORKDIR
"""
import glob
import os
import re
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from shared_data import require  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rknn_reader import Table  # noqa: E402


# Decoded share of register writes per target. RK3588 files are fully named; RK356x and RV110x files
# write CNA/DPU/DPU_RDMA registers Mesa's map does not list (printed raw); RK3562/RK3576/RV1126B use
# another register map, of which only the PC chaining words are decoded so far.
FLOORS = {"rk3588": 100.0, "rk3566": 80.0, "rk3568": 80.0, "rv1103": 86.0, "rv1106": 87.0,
          "rk3562": 69.0, "rk3576": 72.0, "rv1126b": 71.0}


def program_of(path):
    """(task records, command words, location of the task bytes in the file) or None."""
    data = open(path, "rb").read()
    version, data_size = struct.unpack_from("<QQ", data, 8)
    section = data[64:64 + data_size]
    if (version >> 8) == 0x10:
        fb_size, task_bytes, task_count, regcmd_bytes = struct.unpack_from("<4I", section, 0)
        tasks = section[64:64 + task_count * 40]
        regcmd = section[64 + task_bytes:64 + task_bytes + regcmd_bytes]
        return data, tasks, regcmd, 128
    model = Table(section, struct.unpack_from("<I", section, 0)[0])
    graph = model.tables(2)[0]
    blobs = model.tables(20) or model.tables(4)
    found = {}
    for t in graph.tables(0):
        kind = t.scalar(2, "B")
        if kind in (9, 10):
            found[kind] = bytes(blobs[t.scalar(18, "i")].vector(0, "B"))
    if 10 not in found:
        return None
    tasks = found[10]
    return data, tasks, found[9], data.find(tasks)


def expected_words(tasks, regcmd):
    """Per task, the (block, register, value) of its writes and chaining words."""
    out = []
    for i in range(len(tasks) // 40):
        amount = struct.unpack_from("<I", tasks, 40 * i + 24)[0]
        first = struct.unpack_from("<Q", tasks, 40 * i + 32)[0] // 8
        words = []
        for k in range(first, len(regcmd) // 8):
            w = struct.unpack_from("<Q", regcmd, 8 * k)[0]
            block = w >> 48
            if k - first >= amount and (block not in (0x0101, 0x0081, 0x0041) or k - first >= amount + 4):
                break
            words.append((block, w & 0xFFFF, (w >> 16) & 0xFFFFFFFF))
        out.append(words)
    return out


def run(sim, path):
    return subprocess.run([sim, "disasm", path], capture_output=True, text=True)


def check_listing(sim, path):
    prog = program_of(path)
    name = os.path.basename(path)
    p = run(sim, path)
    if prog is None:
        lines = p.stderr.strip().splitlines()
        ok = p.returncode == 1 and len(lines) == 1 and "holds no task array" in lines[0]
        print("%-4s %-45s no task array: %s" % ("ok" if ok else "FAIL", name, p.stderr.strip()))
        return ok, None
    if p.returncode != 0:
        print("FAIL %-45s exit %d: %s" % (name, p.returncode, p.stderr.strip()))
        return False, None
    _, tasks, regcmd, _ = prog
    expected = expected_words(tasks, regcmd)
    listing = p.stdout.splitlines()
    got, current = [], None
    for line in listing:
        if line.startswith("task "):
            current = []
            got.append(current)
        elif line.startswith("  ") and current is not None:
            current.append(line.strip())
    problems = []
    if len(got) != len(expected):
        problems.append("%d tasks listed, %d records" % (len(got), len(expected)))
    for i, (g, e) in enumerate(zip(got, expected)):
        if len(g) != len(e):
            problems.append("task %d: %d lines, %d words" % (i, len(g), len(e)))
            continue
        for line, (block, reg, value) in zip(g, e):
            raw = re.search(r"reg_0x([0-9a-f]{4}) = 0x([0-9a-f]{8})", line)
            if raw and (int(raw.group(1), 16), int(raw.group(2), 16)) != (reg, value):
                problems.append("task %d: '%s' is not register %#x = %#x" % (i, line, reg, value))
                break
    cov = re.search(r"^coverage: (\d+)/(\d+) register writes decoded", p.stdout, re.M)
    total = sum(len(e) for e in expected)
    if not cov or int(cov.group(2)) != total:
        problems.append("coverage line %r, expected %d writes" % (cov.group(0) if cov else None, total))
    percent = 100.0 * int(cov.group(1)) / max(1, int(cov.group(2))) if cov else 0.0
    target = re.match(r"# (\w+) program", p.stdout)
    floor = FLOORS.get(target.group(1) if target else "", 100.0)
    if percent < floor:
        problems.append("coverage %.2f%% below the %.1f%% floor" % (percent, floor))
    print("%-4s %-45s %5d tasks %7d writes, %.2f%% decoded%s" %
          ("FAIL" if problems else "ok", name, len(expected), total, percent,
           "" if not problems else ": " + "; ".join(problems[:5])))
    return not problems, p.stdout


def task_block(listing, index):
    lines = listing.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("task %d " % index))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("  ")), len(lines))
    return "\n".join(lines[start:end])


def check_facts(listings):
    ok = True
    facts = {
        "pp_human_segv2_rk3588.rknn": (0, [r"CNA\.CONV_CON3 .*CONV_Y_STRIDE=2 CONV_X_STRIDE=2",
                                           r"CNA\.DATA_SIZE0 DATAIN_WIDTH=192 DATAIN_HEIGHT=117",
                                           r"CNA\.DATA_SIZE1 DATAIN_CHANNEL_REAL=2 DATAIN_CHANNEL=16",  # real channels - 1
                                           r"CNA\.WEIGHT_SIZE2 WEIGHT_WIDTH=3 WEIGHT_HEIGHT=3 WEIGHT_KERNELS=64",
                                           r"CNA\.DATA_SIZE2 DATAOUT_WIDTH=96",
                                           r"CNA\.CBUF_CON0 .*WEIGHT_BANK=1 DATA_BANK=11"]),
        # The second input of the demo's ConvAdd is read from 64 KiB into tensor '8' (bytes of the file).
        "multiple_input_demo_rk3566_rk3568.rknn": (3, [r"CNA\.FEATURE_DATA_ADDR = 0x00010000  <- &'8' \+ 65536"]),
        # RK3576's map: sizes stored minus one, the pad on each side, the lower half of the
        # two-core split (65 input rows from row 63, no top pad), the BS shift word's address.
        "multiple_input_demo_rk3576.rknn": (6, [r"CNA\.WEIGHT_SIZE2 WEIGHT_HEIGHT=2\+1 WEIGHT_WIDTH=2\+1 WEIGHT_KERNELS=15\+1",
                                                r"CNA\.DATA_SIZE0 DATAIN_WIDTH=127\+1 DATAIN_HEIGHT=64\+1",
                                                r"CNA\.PAD_CON0 PAD_RIGHT=1 PAD_BOTTOM=1 PAD_LEFT=1 PAD_TOP=0",
                                                r"CNA\.FEATURE_DATA_ADDR = 0x00005e80  <- &'input' \+ 24192",
                                                r"DPU_RDMA\.RDMA_BS_CFG_ADDR = 0x00000000  <- &'7_BScfgTensor' \+ 0"]),
        # RK3562: the same map with counts, not counts - 1, and the BS shift in a register; task 1
        # is the second row tile (18 rows from row 110).
        "multiple_input_demo_rk3562.rknn": (1, [r"CNA\.DATA_SIZE0 DATAIN_WIDTH=128 DATAIN_HEIGHT=18",
                                                r"CNA\.DATA_SIZE1 DATAIN_CHANNELS=3",
                                                r"CNA\.FEATURE_DATA_ADDR = 0x0000a500  <- &'input' \+ 42240",
                                                r"DPU\.BS_MUL_SHIFT BS_MUL_SHIFT_VALUE=14"]),
        # RV1126B's first conv: 3x3 kernels read as rows of 3 pixels x 4 lanes (12 "channels"),
        # 48 bytes per kernel, a pad byte per lane.
        "multiple_input_demo_rv1126b.rknn": (0, [r"CNA\.CONV_CON1 .*ARGB_IN=10 .*CONV_MODE=6",
                                                 r"CNA\.WEIGHT_SIZE1 WEIGHT_BYTES_PER_KERNEL=48",
                                                 r"CNA\.DATA_SIZE1 DATAIN_CHANNEL_REAL=11",
                                                 r"CNA\.PAD_CON1 PAD_VALUE=-128 unknown_bits=0x00808000"]),
    }
    for name, (task, patterns) in facts.items():
        if name not in listings:
            continue
        block = task_block(listings[name], task)
        for pattern in patterns:
            hit = re.search(pattern, block) is not None
            print("%-4s %-45s task %d: %s" % ("ok" if hit else "FAIL", name, task, pattern))
            ok &= hit
    return ok


def check_bad(sim, data_dir, work):
    good = os.path.join(data_dir, "multiple_input_demo_rk3566_rk3568.rknn")
    data, tasks, regcmd, at = program_of(good)
    cases = {}

    def patched(offset, fmt, value):
        b = bytearray(data)
        struct.pack_into(fmt, b, at + offset, value)
        return bytes(b)

    cases["task_outside_regcmd"] = (patched(40 * 2 + 32, "<Q", len(regcmd) + 64), "lies outside the")
    cases["task_misaligned"] = (patched(40 * 1 + 32, "<Q", 12), "not a multiple of the 8-byte")
    cases["task_amount_overrun"] = (patched(40 * 9 + 24, "<I", 100000), "overrun the regcmd section")
    ok = True
    os.makedirs(work, exist_ok=True)
    for name, (content, phrase) in cases.items():
        path = os.path.join(work, name + ".rknn")
        open(path, "wb").write(content)
        p = run(sim, path)
        lines = p.stderr.strip().splitlines()
        good_line = (p.returncode == 1 and len(lines) == 1 and lines[0].startswith("E disasm:") and phrase in lines[0]
                     and "task " in lines[0])
        print("%-4s %-45s %s" % ("ok" if good_line else "FAIL", name, p.stderr.strip()))
        ok &= good_line
    return ok


def main():
    sim, data_dir, work = sys.argv[1:4]
    require(data_dir)
    files = sorted(glob.glob(os.path.join(data_dir, "*.rknn")) + glob.glob(os.path.join(data_dir, "*", "*.rknn")))
    if not files:
        sys.exit("FAIL: the data directory %s holds no .rknn file" % data_dir)
    require(data_dir, *(os.path.relpath(f, data_dir) for f in files))
    ok = True
    listings = {}
    for path in files:
        good, listing = check_listing(sim, path)
        ok &= good
        if listing:
            listings[os.path.basename(path)] = listing
    ok &= check_facts(listings)
    ok &= check_bad(sim, data_dir, work)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
