// eval_perf and eval_memory reports in the board's layouts (RKNN_API.md "Report layouts"), built
// from a program and the SystemC platform's per-task timing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "isa/platform_config.h"
#include "isa/program.h"
#include "sim/simulator.h"

namespace rknnsim::runtime {

struct LayerPerf {
  int id = 0;
  std::string op_type, data_type, target;
  std::string input_shapes, output_shapes;  // "(1,3,64,64),(16,3,3,3),(16)"
  uint64_t cycles_ddr = 0, cycles_npu = 0, cycles_total = 0;
  double time_us = 0;
  uint64_t macs = 0;              // multiply-accumulates of the layer (0: the table prints MacUsage "\")
  std::vector<double> mac_usage;  // percent, one per NPU core: MACs on the core / (time * f * MACs per cycle)
  std::vector<double> workload;   // percent, one per NPU core: the core's share of the layer's NPU time
  double rw_kb = 0;
  std::string name;
};

// One row of the per-OpType summary under the table (board order: first appearance).
struct OpTypeSummary {
  std::string op_type;
  int calls = 0;
  double cpu_us = 0, gpu_us = 0, npu_us = 0, total_us = 0;
  double time_ratio = 0;  // percent of the frame's total
};

struct PerfReport {
  std::vector<LayerPerf> layers;
  std::vector<OpTypeSummary> op_types;
  double total_time_us = 0;  // the table's total: every layer timed alone (perf_debug=True)
  double run_time_us = 0;    // one rknn_run, layers back to back (perf_debug=False)
  double total_rw_kb = 0;
};

PerfReport BuildPerfReport(const isa::Program& program, const isa::PlatformConfig& platform,
                           const sim::SimulationResult& result);
std::string FormatPerfTable(const PerfReport& report);
nlohmann::json PerfToJson(const PerfReport& report);
// The per-layer table as RFC 4180 CSV with the board's column names (per-core columns split into
// one column per core) for spreadsheets and plotting.
std::string PerfToCsv(const PerfReport& report);

struct MemoryReport {
  uint64_t weight_bytes = 0, internal_bytes = 0, other_bytes = 0, total_bytes = 0;
};

MemoryReport BuildMemoryReport(const isa::Program& program);
std::string FormatMemoryReport(const MemoryReport& report);
nlohmann::json MemoryToJson(const MemoryReport& report);

}  // namespace rknnsim::runtime
