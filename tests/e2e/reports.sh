#!/usr/bin/env bash
# perf and memory reports: the table names the ONNX nodes, the JSON carries the contract keys.
# usage: reports.sh RKNN_SIM MODELS_DIR WORK_DIR
set -euo pipefail
sim=$1 models=$2 work=$3
dir=$work/reports
rm -rf "$dir" && mkdir -p "$dir"
"$sim" -q convert "$models/bundled/tiny_resnet.onnx" -t rk3588 -d "$models/bundled/dataset.txt" -o "$dir/m.rknnsim"
"$sim" perf "$dir/m.rknnsim" --json "$dir/perf.json" --trace "$dir/trace.json" --csv "$dir/perf.csv" >"$dir/perf.txt"
"$sim" memory "$dir/m.rknnsim" --json "$dir/memory.json" >"$dir/memory.txt"
# The same file named as RKNN-Toolkit2 names its files (.rknn) is still read as ours: by content.
cp "$dir/m.rknnsim" "$dir/m.rknn"
"$sim" memory "$dir/m.rknn" >"$dir/memory_named_rknn.txt"
cmp "$dir/memory.txt" "$dir/memory_named_rknn.txt"
grep -q "ConvRelu .*Conv:/conv1/Conv" "$dir/perf.txt"
grep -q "Total Operator Elapsed Per Frame Time(us):" "$dir/perf.txt"
grep -q "Total Memory Read/Write Per Frame Size(KB):" "$dir/perf.txt"
grep -q "^Weight Memory:" "$dir/memory.txt"
/usr/bin/python3 - "$dir/perf.json" "$dir/memory.json" <<'PY'
import json, sys
perf, mem = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
keys = {"id", "op_type", "data_type", "target", "input_shapes", "output_shapes", "cycles_ddr", "cycles_npu",
        "cycles_total", "time_us", "mac_usage", "workload", "rw_kb", "name"}
assert perf["total_time_us"] > 0 and perf["total_rw_kb"] > 0
npu = [l for l in perf["layers"] if l["target"] == "NPU"]
assert len(npu) == 8, len(npu)  # 4 Conv+Relu, Conv+Add+Relu, MaxPool, GAP, Gemm (Relu and Add fused, Flatten free)
for layer in perf["layers"]:
    assert keys <= set(layer), keys - set(layer)
assert abs(sum(l["time_us"] for l in npu) - perf["total_time_us"]) < 1e-6 * perf["total_time_us"]
# A normal run (perf_debug=False) overlaps what the table times layer by layer: faster, not free.
assert 0 < perf["run_time_us"] < perf["total_time_us"], (perf["run_time_us"], perf["total_time_us"])
for k in ("weight_bytes", "internal_bytes", "other_bytes", "total_bytes"):
    assert mem[k] >= 0
assert mem["total_bytes"] == mem["weight_bytes"] + mem["internal_bytes"] + mem["other_bytes"]
assert mem["weight_bytes"] > 18000  # ~18.6k int8 weights plus tables
trace = json.load(open(sys.argv[1].replace("perf.json", "trace.json")))["traceEvents"]
slices = [e for e in trace if e["ph"] == "X"]
tracks = {e["args"]["name"] for e in trace if e["ph"] == "M" and e["name"] == "thread_name"}
assert {"DMA (DDR)", "CORE (MAC array)", "DPU", "PPU"} <= tracks, tracks
assert any(e["name"] == "Conv:/conv1/Conv" and e["tid"] == 3 for e in slices)  # CORE slice named by layer
assert all(e["dur"] >= 0 for e in slices)
# The per-OpType summary: one entry per type in first-appearance order, times adding up.
summary = perf["op_types"]
assert [s["op_type"] for s in summary] == list(dict.fromkeys(l["op_type"] for l in perf["layers"]))
for s in summary:
    rows = [l for l in perf["layers"] if l["op_type"] == s["op_type"]]
    assert s["call_number"] == len(rows)
    assert abs(s["npu_time_us"] + s["cpu_time_us"] - sum(l["time_us"] for l in rows)) < 1e-6
    assert abs(s["total_time_us"] - s["npu_time_us"] - s["cpu_time_us"] - s["gpu_time_us"]) < 1e-9
assert abs(sum(s["time_ratio"] for s in summary) - 100.0) < 1e-6
# MacUsage = MACs / (time x f x MACs per cycle); single-core runs put every NPU layer on core 0.
for l in npu:
    assert l["workload"] == [100.0, 0.0, 0.0], l["workload"]
    if l["macs"]:
        expected = 100.0 * l["macs"] / (l["time_us"] * 1000.0 * 1024)
        assert abs(l["mac_usage"][0] - expected) < 1e-9 * max(1.0, expected), (l["name"], l["mac_usage"], expected)
# The CSV carries the same rows as the JSON (shapes quoted, per-core columns split).
import csv
with open(sys.argv[1].replace("perf.json", "perf.csv"), newline="") as f:
    table = list(csv.DictReader(f))
assert len(table) == len(perf["layers"])
for row, l in zip(table, perf["layers"]):
    assert int(row["ID"]) == l["id"] and row["OpType"] == l["op_type"] and row["FullName"] == l["name"]
    assert row["InputShape"] == l["input_shapes"] and row["OutputShape"] == l["output_shapes"]
    assert int(row["CyclesTotal"]) == l["cycles_total"] and int(row["MACs"]) == l["macs"]
    assert abs(float(row["Time(us)"]) - l["time_us"]) < 1e-3
    assert abs(float(row["WorkLoad0(%)"]) - l["workload"][0]) < 0.05
    assert abs(float(row["MacUsage0(%)"]) - l["mac_usage"][0]) < 0.005
print("reports ok")
PY
