// One hardware description, read from models/<platform>/platform.yaml, shared by the compiler
// (tiling, layouts) and the simulator (timing). No platform number appears anywhere else in code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rknnsim::isa {

struct MacGeometry {
  int input_channels_per_cycle = 0;  // Cin atom consumed per cycle
  int kernels_per_cycle = 0;         // Cout atom produced per cycle
  int depthwise_channels_per_cycle = 0;  // channels a depthwise conv advances per cycle and tap
  int macs_per_cycle() const { return input_channels_per_cycle * kernels_per_cycle; }
};

struct PlatformConfig {
  std::string platform;              // directory name: rk356x, rk3588, rv1106
  std::vector<std::string> targets;  // target names accepted for it
  int cores = 0;
  double clock_mhz = 0;
  int max_tasks_per_submit = 0;
  int dma_address_bits = 0;
  MacGeometry mac_int8;
  MacGeometry mac_fp16;
  int min_cycles_per_output_pixel = 0;
  int c2_int8 = 0;
  int c2_fp16 = 0;
  int cbuf_banks = 0;
  int cbuf_bank_bytes = 0;
  double dpu_elements_per_cycle = 0;
  double dpu_lut_elements_per_cycle = 0;  // the DPU's lookup-table stage (kLut tasks, fused tables)
  int dpu_bs_operand_group = 0;      // kernels per record group of the DPU's BS operand blob (.rknn programs)
  bool dpu_rdma_line_notch_in_atoms = false;  // how DPU_RDMA's notch registers space rows (.rknn programs)
  double ppu_elements_per_cycle = 0;
  int task_overhead_cycles = 0;
  // A layer timed alone, as perf_debug times each layer (see sim/cost/cost_model.h): a fixed cost
  // per layer and the DDR efficiency of one layer's traffic with nothing to overlap it.
  double layer_alone_overhead_us = 0;
  double ddr_efficiency_layer_alone = 0;
  double layer_alone_drain_cycles_per_atom_int8 = 0;  // a conv task's DPU per output atom, after CORE
  double layer_alone_drain_cycles_per_atom_fp16 = 0;
  double ddr_bandwidth_gbps = 0;
  double ddr_efficiency = 0;
  double ddr_latency_ns = 0;
  uint64_t ddr_max_bytes = 0;  // the most DDR the platform's boards carry (ddr.max_gib)
  int cpu_cores = 0;
  double cpu_clock_mhz = 0;
  double cpu_gflops_per_core = 0;
  double cpu_op_overhead_us = 0;     // per fallback op: dispatch, cache maintenance
  double cpu_flops_per_element = 0;  // work per element read or written by a fallback op

  // Bytes the NPU's DMA moves per NPU clock cycle at sustained bandwidth.
  double DdrBytesPerCycle() const { return ddr_bandwidth_gbps * ddr_efficiency * 1e3 / clock_mhz; }
  int64_t CbufBytes() const { return int64_t{cbuf_banks} * cbuf_bank_bytes; }
};

// A target as RKNN-Toolkit2 names it and the platform that simulates it. The platform files are
// the one source of truth: each lists its targets (`targets`) and its core count.
struct TargetInfo {
  std::string target, platform;
  int cores = 0;
};
// Every target the platform files under ModelsDirectory() list, sorted by name (read once per
// directory).
std::vector<TargetInfo> KnownTargets();
// The entry of `target`; throws Error listing the simulated targets otherwise (naming the
// toolkit's other targets as such). `subject` starts the message (default "target platform 'X'").
TargetInfo TargetInfoOf(const std::string& target, const std::string& subject = "");
// The platform directory name of `target` (TargetInfoOf(target).platform).
std::string PlatformForTarget(const std::string& target);

// Directory holding <platform>/platform.yaml: $RKNN_SIM_MODELS_DIR, else the installation's
// share/rknn_sim/models when this code runs from one, else the source tree's models/.
std::string ModelsDirectory();

PlatformConfig LoadPlatformForTarget(const std::string& target);

// Throws Error when a model needing `bytes` of DDR cannot run on any of the platform's boards:
// more than ddr.max_gib, or past what the NPU's DMA addresses. `what` names the model.
void CheckFitsBoardMemory(uint64_t bytes, const PlatformConfig& platform, const std::string& what);
PlatformConfig LoadPlatformFile(const std::string& yaml_path);
PlatformConfig ParsePlatformYaml(const std::string& yaml_text, const std::string& what);

}  // namespace rknnsim::isa
