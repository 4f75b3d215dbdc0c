#!/usr/bin/python3
"""End-to-end check of `rknn-sim info/perf/memory` on one real .rknn file against the independent
reader (rknn_reader.py): node count, op-type histogram, one perf row per file node under its
original name, and the memory report's figures.

usage: check_rknn_file.py SIM FILE.rknn WORKDIR
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from shared_data import require  # noqa: E402

import rknn_reader


def run(*args):
    p = subprocess.run(list(args), capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("FAIL: %s exited %d: %s" % (" ".join(args), p.returncode, p.stderr.strip()))
    return p.stdout


def main():
    sim, path, work = sys.argv[1:4]
    require(os.path.dirname(path), os.path.basename(path))
    os.makedirs(work, exist_ok=True)
    expected = rknn_reader.read(path)
    base = os.path.basename(path)

    info = run(sim, "info", path)
    nodes = int(re.search(r"^Nodes: (\d+)", info, re.M).group(1))
    histogram = dict(kv.split("=") for kv in re.search(r"^Op types: (.*)$", info, re.M).group(1).split())
    histogram = {k: int(v) for k, v in histogram.items()}
    assert nodes == expected["nodes"], (nodes, expected["nodes"])
    assert histogram == expected["histogram"], (histogram, expected["histogram"])
    assert ("Target platform: " + expected["target"]) in info, info
    assert ("Toolkit version: " + expected["toolkit"]) in info, info

    perf_json = os.path.join(work, base + ".perf.json")
    table = run(sim, "perf", path, "--json", perf_json)
    layers = json.load(open(perf_json))["layers"]
    io_types = ("InputOperator", "OutputOperator")
    rows = [l for l in layers if l["op_type"] not in io_types]
    file_nodes = [(t, n) for t, n in zip(expected["types"], expected["names"]) if t not in io_types]
    # One row per file node, in file order, under the file's name and fused type.
    assert [(l["op_type"], l["name"]) for l in rows] == file_nodes, "perf rows differ from the file's nodes"
    for _, name in file_nodes:
        assert name in table, name
    total = json.load(open(perf_json))["total_time_us"]
    assert total > 0, total
    assert sum(1 for l in layers if l["op_type"] == "InputOperator") == len(expected["inputs"])

    mem_json = os.path.join(work, base + ".memory.json")
    run(sim, "memory", path, "--json", mem_json)
    mem = json.load(open(mem_json))
    assert mem["internal_bytes"] == expected["internal_bytes"], (mem["internal_bytes"], expected["internal_bytes"])
    assert mem["weight_bytes"] == expected["constant_bytes"], (mem["weight_bytes"], expected["constant_bytes"])
    assert mem["total_bytes"] == mem["weight_bytes"] + mem["internal_bytes"] + mem["other_bytes"]
    print("%s: %d nodes %s, %d perf rows, %.0f us, memory %s" % (base, nodes, histogram, len(rows), total, mem))


if __name__ == "__main__":
    main()
