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
  std::vector<double> mac_usage;  // percent, one per NPU core
  std::vector<double> workload;   // percent, one per NPU core
  double rw_kb = 0;
  std::string name;
};

struct PerfReport {
  std::vector<LayerPerf> layers;
  double total_time_us = 0;
  double total_rw_kb = 0;
};

PerfReport BuildPerfReport(const isa::Program& program, const isa::PlatformConfig& platform,
                           const sim::SimulationResult& result);
std::string FormatPerfTable(const PerfReport& report);
nlohmann::json PerfToJson(const PerfReport& report);

struct MemoryReport {
  uint64_t weight_bytes = 0, internal_bytes = 0, other_bytes = 0, total_bytes = 0;
};

MemoryReport BuildMemoryReport(const isa::Program& program);
std::string FormatMemoryReport(const MemoryReport& report);
nlohmann::json MemoryToJson(const MemoryReport& report);

}  // namespace rknnsim::runtime
