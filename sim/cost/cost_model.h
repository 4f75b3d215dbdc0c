// Per-task compute cost of the NPU units, in NPU cycles, from the platform description only.
// Plain C++ so it is unit-tested without a simulation kernel; the SystemC units charge it.
#pragma once

#include <cstdint>

#include "isa/platform_config.h"
#include "isa/program.h"

namespace rknnsim::sim {

// CORE: out pixels × taps × ceil(Cin / Cin-atom) × ceil(kernels / kernel-atom), which is the
// published RK3588 3×3 formula (docs/hardware_sources.md §7); depthwise: out pixels × taps ×
// ceil(kernels / depthwise_channels_per_cycle); both floored at min_cycles_per_output_pixel.
uint64_t CoreCycles(const isa::Task& task, const isa::PlatformConfig& platform);

// DPU: elements written (and, for element-wise tasks, combined) at dpu_elements_per_cycle, or at
// dpu_lut_elements_per_cycle where a lookup table maps them (kLut, conv tasks with fused_lut).
uint64_t DpuCycles(const isa::Task& task, const isa::PlatformConfig& platform);

// PPU: input elements read at ppu_elements_per_cycle.
uint64_t PpuCycles(const isa::Task& task, const isa::PlatformConfig& platform);

// DPU data movement (nearest upsample): output elements, C2 padding lanes included, written at
// dpu_elements_per_cycle, like the other streaming DPU tasks.
uint64_t DpuUpsampleCycles(const isa::Task& task, const isa::PlatformConfig& platform);

// DPU zero insertion (deconvolution): output elements, C2 padding lanes included, written at
// dpu_elements_per_cycle; the inserted fill costs as much as a copied element.
uint64_t DpuZeroInsertCycles(const isa::Task& task, const isa::PlatformConfig& platform);

// DPU element-wise multiply: output elements (C2 lanes included) at dpu_elements_per_cycle.
uint64_t DpuMulCycles(const isa::Task& task, const isa::PlatformConfig& platform);

// PPU average pooling: input elements (C2 lanes included) read at ppu_elements_per_cycle, like
// the other pooling tasks.
uint64_t PpuAvgPoolCycles(const isa::Task& task, const isa::PlatformConfig& platform);

// CPU fallback: a fixed per-op cost (runtime dispatch, cache maintenance) plus the elements read
// and written at the cluster's throughput (cpu.* in platform.yaml).
double CpuTimeUs(const isa::Task& task, const isa::PlatformConfig& platform);

// A task of a layer timed alone, as perf_debug times every layer by itself: the units one after
// the other (a conv task's CORE cycles, then its DPU draining each output atom — pixel × C1
// surface — at npu.layer_alone_drain_cycles_per_atom_{int8,fp16}; other tasks their streaming
// unit's cycles), the task's DDR traffic at ddr.efficiency_layer_alone, plus the per-task
// overhead. A normal run (the simulation itself) overlaps the units and moves DDR at
// ddr.efficiency: the public boards' perf_debug tables charge each layer more than a normal run
// spends on it (docs/layer_validation.md).
uint64_t AloneTaskCycles(const isa::Task& task, uint64_t core_cycles, uint64_t dpu_cycles, uint64_t ppu_cycles,
                         uint64_t bytes, const isa::PlatformConfig& platform);

// DDR: NPU cycles to move `bytes` at the sustained bandwidth, excluding latency.
double DdrTransferCycles(uint64_t bytes, const isa::PlatformConfig& platform);

}  // namespace rknnsim::sim
