#include "sim/cost/cost_model.h"

#include <algorithm>
#include <cmath>

namespace rknnsim::sim {
namespace {

uint64_t CeilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

}  // namespace

uint64_t CoreCycles(const isa::Task& t, const isa::PlatformConfig& p) {
  if (t.op != isa::TaskOp::kConv) return 0;
  const isa::MacGeometry& mac = t.input.type == isa::ElemType::kInt8 ? p.mac_int8 : p.mac_fp16;
  const uint64_t pixels = uint64_t{t.out_rows} * t.output.width;
  if (t.conv_mode == isa::ConvMode::kDepthwise) {
    // Each kernel reads only its own channel: the array advances depthwise_channels_per_cycle
    // channels per tap (the published depthwise rows' NPU cycles).
    const uint64_t per_pixel = uint64_t{t.kernel_h} * t.kernel_w *
                               CeilDiv(t.kernels, static_cast<uint64_t>(mac.depthwise_channels_per_cycle));
    return pixels * std::max<uint64_t>(per_pixel, static_cast<uint64_t>(p.min_cycles_per_output_pixel));
  }
  const uint64_t per_pixel = uint64_t{t.kernel_h} * t.kernel_w *
                             CeilDiv(t.input.channels, static_cast<uint64_t>(mac.input_channels_per_cycle)) *
                             CeilDiv(t.kernels, static_cast<uint64_t>(mac.kernels_per_cycle));
  return pixels * std::max<uint64_t>(per_pixel, static_cast<uint64_t>(p.min_cycles_per_output_pixel));
}

uint64_t DpuCycles(const isa::Task& t, const isa::PlatformConfig& p) {
  uint64_t elements = 0;
  if (t.op == isa::TaskOp::kConv || t.op == isa::TaskOp::kRegcmdDpu)
    elements = uint64_t{t.out_rows} * t.output.width * t.kernels;
  // A move streams its elements' bytes as int8 lanes (RegcmdTask::move).
  if (t.op == isa::TaskOp::kRegcmdDpu && t.regcmd.move) elements *= t.regcmd.source.elem_bytes;
  if (t.op == isa::TaskOp::kEltwiseAdd || t.op == isa::TaskOp::kLut || t.op == isa::TaskOp::kCopy ||
      t.op == isa::TaskOp::kConvert)
    elements = t.output.bytes() / isa::ElemBytes(t.output.type);
  // A lookup table (its own task or fused after a conv's requantization) paces the DPU.
  const bool lut = t.op == isa::TaskOp::kLut || t.fused_lut;
  const double rate = lut ? std::min(p.dpu_elements_per_cycle, p.dpu_lut_elements_per_cycle) : p.dpu_elements_per_cycle;
  return static_cast<uint64_t>(std::ceil(static_cast<double>(elements) / rate));
}

uint64_t PpuCycles(const isa::Task& t, const isa::PlatformConfig& p) {
  if (t.op != isa::TaskOp::kMaxPool && t.op != isa::TaskOp::kGlobalAvgPool) return 0;
  const double elements = static_cast<double>(t.input.bytes() / isa::ElemBytes(t.input.type));
  return static_cast<uint64_t>(std::ceil(elements / p.ppu_elements_per_cycle));
}

uint64_t DpuUpsampleCycles(const isa::Task& t, const isa::PlatformConfig& p) {
  if (t.op != isa::TaskOp::kUpsample) return 0;
  const double elements = static_cast<double>(t.output.bytes() / isa::ElemBytes(t.output.type));
  return static_cast<uint64_t>(std::ceil(elements / p.dpu_elements_per_cycle));
}

uint64_t DpuZeroInsertCycles(const isa::Task& t, const isa::PlatformConfig& p) {
  if (t.op != isa::TaskOp::kZeroInsert) return 0;
  const double elements = static_cast<double>(t.output.bytes() / isa::ElemBytes(t.output.type));
  return static_cast<uint64_t>(std::ceil(elements / p.dpu_elements_per_cycle));
}

uint64_t DpuMulCycles(const isa::Task& t, const isa::PlatformConfig& p) {
  if (t.op != isa::TaskOp::kEltwiseMul) return 0;
  const double elements = static_cast<double>(t.output.bytes() / isa::ElemBytes(t.output.type));
  return static_cast<uint64_t>(std::ceil(elements / p.dpu_elements_per_cycle));
}

uint64_t PpuAvgPoolCycles(const isa::Task& t, const isa::PlatformConfig& p) {
  if (t.op != isa::TaskOp::kAvgPool) return 0;
  const double elements = static_cast<double>(t.input.bytes() / isa::ElemBytes(t.input.type));
  return static_cast<uint64_t>(std::ceil(elements / p.ppu_elements_per_cycle));
}

double CpuTimeUs(const isa::Task& t, const isa::PlatformConfig& p) {
  double elements = 0;
  for (const auto* list : {&t.cpu_inputs, &t.cpu_outputs})
    for (const isa::Surface& s : *list)
      if (s.channels != 0) elements += static_cast<double>(s.bytes() / isa::ElemBytes(s.type));  // 0: constant
  const double flops_per_us = p.cpu_gflops_per_core * p.cpu_cores * 1e3;
  return p.cpu_op_overhead_us + elements * p.cpu_flops_per_element / flops_per_us;
}

uint64_t AloneTaskCycles(const isa::Task& t, uint64_t core_cycles, uint64_t dpu_cycles, uint64_t ppu_cycles,
                         uint64_t bytes, const isa::PlatformConfig& p) {
  const double bytes_per_cycle = p.ddr_bandwidth_gbps * p.ddr_efficiency_layer_alone * 1e3 / p.clock_mhz;
  const auto ddr = static_cast<uint64_t>(std::ceil(static_cast<double>(bytes) / bytes_per_cycle));
  uint64_t drain = std::max(dpu_cycles, ppu_cycles);  // a streaming task's one unit
  if (t.op == isa::TaskOp::kConv) {
    const uint64_t atoms = uint64_t{t.out_rows} * t.output.width * CeilDiv(t.kernels, std::max<uint32_t>(t.output.c2, 1));
    const double per_atom = t.output.type == isa::ElemType::kInt8 ? p.layer_alone_drain_cycles_per_atom_int8
                                                                  : p.layer_alone_drain_cycles_per_atom_fp16;
    drain = static_cast<uint64_t>(std::ceil(static_cast<double>(atoms) * per_atom));
  }
  return static_cast<uint64_t>(p.task_overhead_cycles) + std::max(core_cycles + drain, ddr);
}

double DdrTransferCycles(uint64_t bytes, const isa::PlatformConfig& p) {
  return static_cast<double>(bytes) / p.DdrBytesPerCycle();
}

}  // namespace rknnsim::sim
