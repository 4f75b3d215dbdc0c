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
    LayerPerf& row = layers[program.tasks[t.task].layer];
    row.cycles_ddr += t.dma_cycles;
    row.cycles_npu += t.compute_cycles;
    row.cycles_total += t.total_cycles;
    row.time_us += t.end_us - t.start_us;
    row.rw_kb += static_cast<double>(t.bytes_read + t.bytes_written) / 1024.0;
  }
  const isa::MacGeometry& mac = program.compute_type == isa::ElemType::kInt8 ? platform.mac_int8 : platform.mac_fp16;
  for (size_t i = 0; i < layers.size(); ++i) {
    const isa::Layer& layer = program.layers[i];
    LayerPerf& row = layers[i];
    row.id = id++;
    row.op_type = layer.op_type;
    row.data_type = layer.data_type;
    row.target = layer.target;
    row.input_shapes = Shapes(layer.input_shapes);
    row.output_shapes = Shapes(layer.output_shapes);
    row.name = layer.name;
    // Each core's share of the layer comes from the simulation (tasks split across cores);
    // CPU rows show no NPU cycles. A layer split across cores takes the time its sub-tasks
    // overlap, not their sum.
    row.mac_usage.assign(static_cast<size_t>(cores), 0.0);
    row.workload.assign(static_cast<size_t>(cores), 0.0);
    if (i < result.layer_workload.size()) row.workload = result.layer_workload[i];
    if (row.target == "CPU") row.cycles_ddr = row.cycles_npu = row.cycles_total = 0;
    if (i < result.layer_time_us.size() && std::count_if(row.workload.begin(), row.workload.end(),
                                                          [](double w) { return w > 0; }) > 1) {
      row.time_us = result.layer_time_us[i];
      row.cycles_total = static_cast<uint64_t>(std::llround(row.time_us * platform.clock_mhz));
    }
    if (row.time_us > 0)
      for (size_t c = 0; c < row.workload.size() && c < row.mac_usage.size(); ++c)
        row.mac_usage[c] = row.workload[c] * static_cast<double>(layer.macs) /
                           (row.time_us * platform.clock_mhz * mac.macs_per_cycle());
    report.total_time_us += row.time_us;
    report.total_rw_kb += row.rw_kb;
    report.layers.push_back(row);
  }
  for (const isa::IoTensor& out : program.outputs)
    report.layers.push_back(CpuRow(id++, "OutputOperator", ir::ShapeToString(out.shape), out.name, cores));
  return report;
}

std::string FormatPerfTable(const PerfReport& r) {
  char line[1024];
  std::string text;
  const char* header_format = "%-5s%-20s%-9s%-7s%-42s%-22s%-25s%-13s%-21s%-21s%-13s%s\n";
  std::snprintf(line, sizeof(line), header_format, "ID", "OpType", "DataType", "Target", "InputShape", "OutputShape",
                "Cycles(DDR/NPU/Total)", "Time(us)", "MacUsage(%)", "WorkLoad(0/1/2)", "RW(KB)", "FullName");
  text += line;
  for (const LayerPerf& l : r.layers) {
    const std::string cycles =
        std::to_string(l.cycles_ddr) + "/" + std::to_string(l.cycles_npu) + "/" + std::to_string(l.cycles_total);
    std::snprintf(line, sizeof(line), header_format, std::to_string(l.id).c_str(), l.op_type.c_str(),
                  l.data_type.c_str(), l.target.c_str(), l.input_shapes.c_str(), l.output_shapes.c_str(),
                  cycles.c_str(), Fixed(l.time_us, 0).c_str(), PerCore(l.mac_usage, "%.2f").c_str(),
                  PerCore(l.workload, "%.1f%%").c_str(), Fixed(l.rw_kb, 0).c_str(), l.name.c_str());
    text += line;
  }
  text += "Total Operator Elapsed Per Frame Time(us): " + Fixed(r.total_time_us, 0) + "\n";
  text += "Total Memory Read/Write Per Frame Size(KB): " + Fixed(r.total_rw_kb, 0) + "\n";

  struct Summary {
    int calls = 0;
    double cpu_us = 0, npu_us = 0;
  };
  std::map<std::string, Summary> by_type;
  std::vector<std::string> order;
  for (const LayerPerf& l : r.layers) {
    if (!by_type.count(l.op_type)) order.push_back(l.op_type);
    Summary& s = by_type[l.op_type];
    ++s.calls;
    (l.target == "CPU" ? s.cpu_us : s.npu_us) += l.time_us;
  }
  std::snprintf(line, sizeof(line), "%-19s%-13s%-13s%-13s%-13s%-15s%s\n", "OpType", "CallNumber", "CPUTime(us)",
                "GPUTime(us)", "NPUTime(us)", "TotalTime(us)", "TimeRatio(%)");
  text += line;
  for (const std::string& type : order) {
    const Summary& s = by_type[type];
    const double total = s.cpu_us + s.npu_us;
    const double ratio = r.total_time_us > 0 ? 100.0 * total / r.total_time_us : 0.0;
    std::snprintf(line, sizeof(line), "%-19s%-13d%-13s%-13s%-13s%-15s%s%%\n", type.c_str(), s.calls,
                  Fixed(s.cpu_us, 0).c_str(), "0", Fixed(s.npu_us, 0).c_str(), Fixed(total, 0).c_str(),
                  Fixed(ratio, 2).c_str());
    text += line;
  }
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
                      {"mac_usage", l.mac_usage},
                      {"workload", l.workload},
                      {"rw_kb", l.rw_kb},
                      {"name", l.name}});
  return {{"layers", layers}, {"total_time_us", r.total_time_us}, {"total_rw_kb", r.total_rw_kb}};
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
