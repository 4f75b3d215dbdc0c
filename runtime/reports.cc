#include "runtime/reports.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "compiler/ir/tensor.h"

namespace rknnsim::runtime {
namespace {

std::string Shapes(const std::vector<std::vector<int64_t>>& shapes) {
  std::string s;
  for (const auto& shape : shapes) s += (s.empty() ? "" : ",") + ir::ShapeToString(shape);
  return s;
}

std::string PerCore(const std::vector<double>& values, const char* format) {
  std::string s;
  char buf[32];
  for (double v : values) {
    std::snprintf(buf, sizeof(buf), format, v);
    s += (s.empty() ? "" : "/") + std::string(buf);
  }
  return s;
}

// The board lists shapes while they fit their column and ends with ",..." (a Split's outputs, a
// fused Add's fourth input): "(1,64,80,80),(64,64,3,3),(64),...".
std::string ElideShapes(const std::string& shapes, size_t width) {
  if (shapes.size() <= width) return shapes;
  std::string shown;
  for (size_t begin = 0; begin < shapes.size();) {
    const size_t close = shapes.find(')', begin);
    if (close == std::string::npos) break;
    const std::string next = shapes.substr(begin, close + 1 - begin);
    if (!shown.empty() && shown.size() + 1 + next.size() + 4 > width) break;
    shown += (shown.empty() ? "" : ",") + next;
    begin = close + 2;  // skip "),"
  }
  return shown + ",...";
}

// Left-aligned columns; a value wider than its column still keeps one space before the next.
std::string Columns(const std::vector<std::string>& values, const std::vector<size_t>& widths) {
  std::string line;
  for (size_t i = 0; i < values.size(); ++i) {
    line += values[i];
    if (i + 1 < values.size()) line += std::string(values[i].size() < widths[i] ? widths[i] - values[i].size() : 1, ' ');
  }
  return line + "\n";
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

// The board's runtime brackets the layers with CPU-side input and output handling rows.
LayerPerf CpuRow(int id, const char* type, const std::string& shapes, const std::string& name, int cores) {
  LayerPerf row;
  row.id = id;
  row.op_type = type;
  row.data_type = "FLOAT32";
  row.target = "CPU";
  row.input_shapes = shapes;
  row.output_shapes = shapes;
  row.mac_usage.assign(static_cast<size_t>(cores), 0.0);
  row.workload.assign(static_cast<size_t>(cores), 0.0);
  row.name = std::string(type) + ":" + name;
  return row;
}

std::vector<OpTypeSummary> SummarizeOpTypes(const std::vector<LayerPerf>& layers, double total_us) {
  std::vector<OpTypeSummary> rows;
  std::map<std::string, size_t> index;
  for (const LayerPerf& l : layers) {
    auto [it, added] = index.emplace(l.op_type, rows.size());
    if (added) rows.push_back(OpTypeSummary{l.op_type});
    OpTypeSummary& s = rows[it->second];
    ++s.calls;
    (l.target == "CPU" ? s.cpu_us : s.npu_us) += l.time_us;
  }
  for (OpTypeSummary& s : rows) {
    s.total_us = s.cpu_us + s.gpu_us + s.npu_us;
    s.time_ratio = total_us > 0 ? 100.0 * s.total_us / total_us : 0.0;
  }
  return rows;
}

}  // namespace

PerfReport BuildPerfReport(const isa::Program& program, const isa::PlatformConfig& platform,
                           const sim::SimulationResult& result) {
  PerfReport report;
  const int cores = platform.cores;
  int id = 1;
  for (const isa::IoTensor& in : program.inputs)
    report.layers.push_back(CpuRow(id++, "InputOperator", ir::ShapeToString(in.shape), in.name, cores));

  std::vector<LayerPerf> layers(program.layers.size());
  for (const sim::TaskTimingRecord& t : result.tasks) {
    const uint32_t layer = program.tasks[t.task].layer;
    LayerPerf& row = layers[layer];
    row.cycles_ddr += t.dma_cycles;
    row.cycles_npu += t.compute_cycles;
    row.cycles_total += t.total_cycles;
    row.time_us += t.end_us - t.start_us;
    row.rw_kb += static_cast<double>(t.bytes_read + t.bytes_written) / 1024.0;
  }
  for (size_t i = 0; i < layers.size(); ++i) {
    const isa::Layer& layer = program.layers[i];
    // Per layer: a hybrid model has FLOAT16 layers in an int8 model.
    const isa::MacGeometry& mac = layer.data_type == "FLOAT16" ? platform.mac_fp16 : platform.mac_int8;
    LayerPerf& row = layers[i];
    row.id = id++;
    row.op_type = layer.op_type;
    row.data_type = layer.data_type;
    row.target = layer.target;
    row.input_shapes = Shapes(layer.input_shapes);
    row.output_shapes = Shapes(layer.output_shapes);
    row.name = layer.name;
    row.macs = layer.macs;
    // Each core's share of the layer comes from the simulation (tasks split across cores); CPU
    // rows show no NPU cycles and no core share, as on the board. An NPU row is the layer timed
    // alone, as perf_debug times it (sim::AloneTaskCycles; a layer split across cores takes its
    // busiest core); the run's own time is PerfReport::run_time_us.
    row.mac_usage.assign(static_cast<size_t>(cores), 0.0);
    row.workload.assign(static_cast<size_t>(cores), 0.0);
    if (row.target == "CPU") {
      row.cycles_ddr = row.cycles_npu = row.cycles_total = 0;
      row.macs = 0;
    } else {
      if (i < result.layer_workload.size()) row.workload = result.layer_workload[i];
      if (i < result.layer_alone_us.size()) {
        row.time_us = result.layer_alone_us[i];
        row.cycles_total = static_cast<uint64_t>(std::llround(row.time_us * platform.clock_mhz));
      }
      // MacUsage = MACs / (Time x f x MACs per cycle) (user guide s3.2.3), per core.
      if (row.time_us > 0)
        for (size_t c = 0; c < row.workload.size() && c < row.mac_usage.size(); ++c)
          row.mac_usage[c] = row.workload[c] * static_cast<double>(layer.macs) /
                             (row.time_us * platform.clock_mhz * mac.macs_per_cycle());
    }
    report.total_time_us += row.time_us;
    report.total_rw_kb += row.rw_kb;
    report.layers.push_back(row);
  }
  for (const isa::IoTensor& out : program.outputs)
    report.layers.push_back(CpuRow(id++, "OutputOperator", ir::ShapeToString(out.shape), out.name, cores));
  report.run_time_us = result.total_time_us;
  report.op_types = SummarizeOpTypes(report.layers, report.total_time_us);
  return report;
}

std::string FormatPerfTable(const PerfReport& r) {
  // Column widths of the board's perf_debug table (RKNN_API.md "Report layouts").
  const std::vector<size_t> widths = {5, 17, 9, 7, 41, 23, 25, 13, 21, 21, 13, 0};
  // The user guide prints WorkLoad(0/1) on the two-core RK3576 and WorkLoad(0/1/2) on RK3588 (and
  // in its single-core examples): one index per core where there are several.
  size_t cores = 1;
  for (const LayerPerf& l : r.layers) cores = std::max(cores, l.workload.size());
  std::string workload = "WorkLoad(0/1/2)";
  if (cores == 2 || cores > 3) {
    workload = "WorkLoad(0";
    for (size_t c = 1; c < cores; ++c) workload += "/" + std::to_string(c);
    workload += ")";
  }
  std::string text = Columns({"ID", "OpType", "DataType", "Target", "InputShape", "OutputShape",
                              "Cycles(DDR/NPU/Total)", "Time(us)", "MacUsage(%)", workload, "RW(KB)", "FullName"},
                             widths);
  for (const LayerPerf& l : r.layers) {
    const std::string cycles =
        std::to_string(l.cycles_ddr) + "/" + std::to_string(l.cycles_npu) + "/" + std::to_string(l.cycles_total);
    // The board prints a backslash for layers without MACs (CPU rows, element-wise, concat).
    const std::string mac_usage = l.macs ? PerCore(l.mac_usage, "%.2f") : "\\";
    text += Columns({std::to_string(l.id), l.op_type, l.data_type, l.target, ElideShapes(l.input_shapes, 40),
                     ElideShapes(l.output_shapes, 22), cycles, Fixed(l.time_us, 0), mac_usage,
                     PerCore(l.workload, "%.1f%%"), Fixed(l.rw_kb, 0), l.name},
                    widths);
  }
  text += "Total Operator Elapsed Per Frame Time(us): " + Fixed(r.total_time_us, 0) + "\n";
  text += "Total Memory Read/Write Per Frame Size(KB): " + Fixed(r.total_rw_kb, 0) + "\n";
  // What eval_perf(perf_debug=False) prints: one rknn_run, layers back to back, no per-layer sync.
  text += "Total Time(us) of one rknn_run (perf_debug=False): " + Fixed(r.run_time_us, 0) +
          ", FPS: " + Fixed(r.run_time_us > 0 ? 1e6 / r.run_time_us : 0, 2) + "\n";
  const std::vector<size_t> summary_widths = {19, 13, 13, 13, 13, 15, 0};
  text += Columns({"OpType", "CallNumber", "CPUTime(us)", "GPUTime(us)", "NPUTime(us)", "TotalTime(us)",
                   "TimeRatio(%)"},
                  summary_widths);
  for (const OpTypeSummary& s : r.op_types)
    text += Columns({s.op_type, std::to_string(s.calls), Fixed(s.cpu_us, 0), Fixed(s.gpu_us, 0), Fixed(s.npu_us, 0),
                     Fixed(s.total_us, 0), Fixed(s.time_ratio, 2) + "%"},
                    summary_widths);
  return text;
}

nlohmann::json PerfToJson(const PerfReport& r) {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerPerf& l : r.layers)
    layers.push_back({{"id", l.id},
                      {"op_type", l.op_type},
                      {"data_type", l.data_type},
                      {"target", l.target},
                      {"input_shapes", l.input_shapes},
                      {"output_shapes", l.output_shapes},
                      {"cycles_ddr", l.cycles_ddr},
                      {"cycles_npu", l.cycles_npu},
                      {"cycles_total", l.cycles_total},
                      {"time_us", l.time_us},
                      {"macs", l.macs},
                      {"mac_usage", l.mac_usage},
                      {"workload", l.workload},
                      {"rw_kb", l.rw_kb},
                      {"name", l.name}});
  nlohmann::json op_types = nlohmann::json::array();
  for (const OpTypeSummary& s : r.op_types)
    op_types.push_back({{"op_type", s.op_type},
                        {"call_number", s.calls},
                        {"cpu_time_us", s.cpu_us},
                        {"gpu_time_us", s.gpu_us},
                        {"npu_time_us", s.npu_us},
                        {"total_time_us", s.total_us},
                        {"time_ratio", s.time_ratio}});
  return {{"layers", layers},           {"op_types", op_types},       {"total_time_us", r.total_time_us},
          {"run_time_us", r.run_time_us}, {"total_rw_kb", r.total_rw_kb}};
}

std::string PerfToCsv(const PerfReport& r) {
  // Quotes a field when it holds a comma or quote (shapes "(1,3,64,64)" always do).
  auto field = [](const std::string& v) {
    if (v.find_first_of(",\"\n") == std::string::npos) return v;
    std::string q = "\"";
    for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  const size_t cores = r.layers.empty() ? 0 : r.layers.front().workload.size();
  std::string text = "ID,OpType,DataType,Target,InputShape,OutputShape,CyclesDDR,CyclesNPU,CyclesTotal,Time(us),MACs";
  for (size_t c = 0; c < cores; ++c) text += ",MacUsage" + std::to_string(c) + "(%)";
  for (size_t c = 0; c < cores; ++c) text += ",WorkLoad" + std::to_string(c) + "(%)";
  text += ",RW(KB),FullName\n";
  for (const LayerPerf& l : r.layers) {
    text += std::to_string(l.id) + "," + field(l.op_type) + "," + field(l.data_type) + "," + field(l.target) + "," +
            field(l.input_shapes) + "," + field(l.output_shapes) + "," + std::to_string(l.cycles_ddr) + "," +
            std::to_string(l.cycles_npu) + "," + std::to_string(l.cycles_total) + "," + Fixed(l.time_us, 3) + "," +
            std::to_string(l.macs);
    for (double v : l.mac_usage) text += "," + Fixed(v, 2);
    for (double v : l.workload) text += "," + Fixed(v, 1);
    text += "," + Fixed(l.rw_kb, 3) + "," + field(l.name) + "\n";
  }
  return text;
}

MemoryReport BuildMemoryReport(const isa::Program& program) {
  MemoryReport m;
  m.weight_bytes = program.memory.weight_bytes;
  m.internal_bytes = program.memory.internal_bytes;
  m.other_bytes = program.memory.other_bytes;
  m.total_bytes = m.weight_bytes + m.internal_bytes + m.other_bytes;
  return m;
}

std::string FormatMemoryReport(const MemoryReport& m) {
  auto mib = [](uint64_t b) { return Fixed(static_cast<double>(b) / (1024.0 * 1024.0), 2) + " MiB (" + std::to_string(b) + " B)"; };
  return "Weight Memory: " + mib(m.weight_bytes) + "\nInternal Tensor Memory: " + mib(m.internal_bytes) +
         "\nOther Memory: " + mib(m.other_bytes) + "\nTotal Memory: " + mib(m.total_bytes) + "\n";
}

nlohmann::json MemoryToJson(const MemoryReport& m) {
  return {{"weight_bytes", m.weight_bytes},
          {"internal_bytes", m.internal_bytes},
          {"other_bytes", m.other_bytes},
          {"total_bytes", m.total_bytes}};
}

}  // namespace rknnsim::runtime
