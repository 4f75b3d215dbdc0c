"""Reads the public RK3588 perf_debug tables in ../shared/data/perf_logs (RKNN-Toolkit2 eval_perf
output, verbatim) into layer rows, and turns each row's shapes back into the layer it describes.

Two table layouts exist: toolkit 2.x prints `Cycles(DDR/NPU/Total)` as one column, toolkit 1.5
prints three columns and adds Task Number / Task Size / Regcmd Size. A row may be wrapped over two
lines (the 1.5 log, rows 41 and 50). Shape columns of 2.x cut long lists with `,...`.
"""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOG_DIR = os.path.join(os.path.dirname(ROOT), "shared", "data", "perf_logs")

# log file -> (short name, element type of the model's layers)
LOGS = {
    "perf_yolov5s_rk3588_lubancatK1pro.txt": ("yolov5s_tk150", "int8"),
    "perf_yolov8n7cls_rk3588_nhat092005.txt": ("yolov8n_tk232", "int8"),
    "perf_puienet256fp16_rk3588_opi5blog.txt": ("unet_fp16_tk230", "fp16"),
}

_ROW_START = re.compile(r"^\d+\s+[A-Za-z]")
_SHAPE = re.compile(r"\(([-\d,]*)\)")


def parse_shapes(text):
    """'(1,3,640,640),(16,3,3,3),(16)' -> ([[1,3,640,640],[16,3,3,3],[16]], truncated?)"""
    shapes = [[int(v) for v in m.group(1).split(",") if v] for m in _SHAPE.finditer(text)]
    return shapes, text.rstrip().endswith("...")


class Row:
    def __init__(self, log, fields):
        self.log = log
        self.id = int(fields[0])
        self.op_type, self.data_type, self.target = fields[1], fields[2], fields[3]
        self.inputs, self.inputs_cut = parse_shapes(fields[4])
        self.outputs, self.outputs_cut = parse_shapes(fields[5])
        if "/" in fields[6]:  # toolkit 2.x: DDR/NPU/Total in one column
            self.ddr_cycles, self.npu_cycles, _ = (int(v) for v in fields[6].split("/"))
            self.time_us = int(fields[7])
            self.task_number = None
        else:  # toolkit 1.5: three cycle columns, then Time, MacUsage, WorkLoad, tasks
            self.ddr_cycles, self.npu_cycles = int(fields[6]), int(fields[7])
            self.time_us = int(fields[9])
            self.task_number = int(fields[13]) if len(fields) > 13 and fields[13].isdigit() else None
        self.name = fields[-1] if ":" in fields[-1] else ""

    def key(self):
        """Layers with the same operation and shapes cost the same: one simulated layer each."""
        return (self.op_type, self.data_type, tuple(map(tuple, self.inputs)), self.inputs_cut,
                tuple(map(tuple, self.outputs)))

    def label(self):
        ins = ",".join("(" + ",".join(map(str, s)) + ")" for s in self.inputs)
        return f"{self.op_type} {ins} -> ({','.join(map(str, self.outputs[0]))})" if self.outputs else self.op_type


def read_log(path):
    """All layer rows of one perf_debug table, in table order."""
    rows, current = [], None
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    in_table = False
    for line in lines:
        if line.startswith("ID ") and "OpType" in line:
            in_table = True
            continue
        if not in_table:
            continue
        if "Total Operator Elapsed" in line or line.startswith("OpType") and "CallNumber" in line:
            break
        if _ROW_START.match(line):
            if current:
                rows.append(current)
            current = line
        elif current and line.strip() and not line.startswith("---"):
            current += " " + line.strip()  # a wrapped row
    if current:
        rows.append(current)
    log = os.path.basename(path)
    return [Row(log, r.split()) for r in rows]


def all_logs():
    """{short name: (element type, rows)} for every shared log."""
    return {short: (dtype, read_log(os.path.join(LOG_DIR, name))) for name, (short, dtype) in LOGS.items()}
