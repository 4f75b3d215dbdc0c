// DPU: output conversion of conv tiles (bias, requantization, activation, write-back through the
// DPU's write DMA) and element-wise tasks that read both operands through DPU_RDMA.
#include <cstring>

#include "common/fp16.h"
#include "common/int8_table.h"
#include "sim/cost/cost_model.h"
#include "sim/platform/regcmd_dma.h"
#include "sim/platform/units.h"

namespace rknnsim::sim {

Dpu::Dpu(sc_core::sc_module_name name, const isa::PlatformConfig& platform)
    : sc_module(name), from_core("from_core"), from_command("from_command"), dma("dma"), platform_(platform) {
  from_core.register_b_transport(this, &Dpu::ConvOutput);
  from_command.register_b_transport(this, &Dpu::Eltwise);
}

void Dpu::ConvOutput(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  TaskExtension* ext = nullptr;
  trans.get_extension(ext);
  const isa::Task& t = *ext->task;
  if (t.regcmd.on) return RegcmdConvOutput(trans, *ext);
  const isa::Surface& out = t.output;
  const bool functional = ext->functional;
  const bool is_int8 = out.type == isa::ElemType::kInt8;
  const uint64_t entry_bytes = is_int8 ? 12 : 4;
  uint8_t* table = functional ? table_.Take((t.kernel_begin + t.kernels) * entry_bytes) : nullptr;
  // The table is fetched for the task's kernels only; the kernel offsets index the whole layer.
  dma.Read(t.dpu_table_addr + t.kernel_begin * entry_bytes, functional ? table + t.kernel_begin * entry_bytes : nullptr,
           t.kernels * entry_bytes, *ext->timing);
  // A fused activation's 256-entry table comes with the task's DPU table.
  uint8_t* lut = t.fused_lut && functional ? lut_.Take(256) : nullptr;
  if (t.fused_lut) dma.Read(t.lut_addr, functional ? lut : nullptr, 256, *ext->timing);
  ext->timing->dpu_cycles += DpuCycles(t, platform_);

  // The output rows of the task's C1 surfaces, written where DDR keeps them: one burst per surface.
  const uint32_t c1_first = t.kernel_begin / out.c2;
  const uint32_t c1_count = (t.kernels + out.c2 - 1) / out.c2;
  const uint64_t tile_surface = uint64_t{t.out_rows} * out.line_stride();
  // A fused Add's operand: the same rows of the same C1 surfaces of input2 (same geometry as the
  // output), read through DPU_RDMA one burst per surface.
  const uint8_t* operand = nullptr;
  for (uint32_t c = 0; t.fused_add && c < c1_count; ++c) {
    const uint64_t addr =
        t.input2.addr + (c1_first + c) * t.input2.surface_stride() + t.out_row_begin * t.input2.line_stride();
    if (!functional) {
      dma.Read(addr, nullptr, tile_surface, *ext->timing);
      continue;
    }
    const uint8_t* surface = dma.ReadInPlace(addr, tile_surface, *ext->timing);
    if (c == 0) operand = surface;
  }
  OutputTile tile{nullptr, out.surface_stride()};
  for (uint32_t c = 0; c < c1_count; ++c) {
    const uint64_t addr = out.addr + (c1_first + c) * out.surface_stride() + t.out_row_begin * out.line_stride();
    if (!functional) {
      dma.Write(addr, nullptr, tile_surface, *ext->timing);
      continue;
    }
    uint8_t* surface = dma.WriteInPlace(addr, tile_surface, *ext->timing);
    if (c == 0) tile.data = surface;
  }
  if (functional) {
    // The lanes past the last kernel of a partial C2 atom are written as zeros.
    uint8_t* last = tile.data + (c1_count - 1) * tile.surface_bytes;
    if (t.kernels % out.c2 != 0) std::fill(last, last + tile_surface, 0);
    auto& work = *reinterpret_cast<ConvWork*>(trans.get_data_ptr());
    if (is_int8)
      ConvOutputInt8(t, *work.sums_int8, table, lut, operand, tile);
    else
      ConvOutputFp16(t, work.acc_fp16.data(), table, tile);
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

// The DPU of a Rockchip task: DPU_RDMA fetches the BS operand stream and, for an EW stage, the
// second operand's cube; the WDMA writes the destination cube with its strides.
namespace {

template <typename Port>
RegcmdOperands FetchOperands(Port& dma, const isa::Task& t, bool functional, TaskTiming& timing) {
  const uint64_t bytes = t.regcmd.BsOperandBytes(t.kernels);
  std::vector<uint8_t> blob(functional ? bytes : 0);
  if (bytes) dma.Read(t.dpu_table_addr, functional ? blob.data() : nullptr, bytes, timing);
  return functional ? ReadRegcmdOperands(t, bytes ? blob.data() : nullptr) : RegcmdOperands{};
}

}  // namespace

void Dpu::RegcmdConvOutput(tlm::tlm_generic_payload& trans, TaskExtension& ext) {
  const isa::Task& t = *ext.task;
  const isa::RegcmdTask& r = t.regcmd;
  const bool functional = ext.functional;
  const uint32_t rows = t.out_rows, width = t.output.width, kernels = t.kernels;
  const RegcmdOperands ops = FetchOperands(dma, t, functional, *ext.timing);
  std::vector<uint8_t> ew_buffer;
  const RegcmdTile ew = r.ew ? ReadCube(dma, r.ew_source, kernels, rows, width, ew_buffer, functional, *ext.timing)
                             : RegcmdTile{};
  ext.timing->dpu_cycles += DpuCycles(t, platform_);
  if (r.fp16) {  // the sum straight through FP32TOFP16 (isa/regcmd_task.h)
    std::vector<uint16_t> halves(functional ? size_t{kernels} * rows * width : 0);
    if (functional) {
      const auto& work = *reinterpret_cast<const ConvWork*>(trans.get_data_ptr());
      for (uint32_t k = 0; k < kernels; ++k)
        for (uint32_t p = 0; p < rows * width; ++p)
          halves[size_t{k} * rows * width + p] = FloatToHalfBits(work.acc_fp16[size_t{p} * kernels + k]);
    }
    WriteCube(dma, r.destination, kernels, rows, width,
              functional ? reinterpret_cast<const uint8_t*>(halves.data()) : nullptr, *ext.timing);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  std::vector<int8_t> out(functional ? size_t{kernels} * rows * width : 0);
  if (functional) {
    const auto& work = *reinterpret_cast<const ConvWork*>(trans.get_data_ptr());
    for (uint32_t k = 0; k < kernels; ++k)
      for (uint32_t y = 0; y < rows; ++y)
        for (uint32_t x = 0; x < width; ++x) {
          const size_t pixel = size_t{y} * width + x;
          const int64_t sum = work.window_sums[r.depthwise ? pixel * kernels + k : pixel];
          const int64_t v = int64_t{work.acc_int8[pixel * kernels + k]} + ops.ow[k] * sum;
          const int8_t* operand = r.ew ? reinterpret_cast<const int8_t*>(ew.data + ew.Offset(k, y, x)) : nullptr;
          out[(size_t{k} * rows + y) * width + x] = RegcmdDpuPipeline(r, ops, k, v, operand);
        }
  }
  WriteCube(dma, r.destination, kernels, rows, width,
            functional ? reinterpret_cast<const uint8_t*>(out.data()) : nullptr, *ext.timing);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

// A task that moves data unchanged (RegcmdTask::move): DPU_RDMA fetches the source's span, the
// DPU streams the elements through and the WDMA writes the destination's span; every element is
// gathered before any is written.
void Dpu::RegcmdMove(tlm::tlm_generic_payload& trans, TaskExtension& ext) {
  const isa::Task& t = *ext.task;
  const isa::RegcmdTask& r = t.regcmd;
  const uint32_t channels = t.kernels, rows = t.out_rows, width = t.output.width, e = r.source.elem_bytes;
  const uint8_t* src = dma.ReadInPlace(r.source.addr, r.source.Span(channels, rows, width), *ext.timing);
  std::vector<uint8_t> moved(ext.functional ? uint64_t{channels} * rows * width * e : 0);
  if (ext.functional) {
    uint8_t* to = moved.data();
    for (uint32_t c = 0; c < channels; ++c)
      for (uint32_t y = 0; y < rows; ++y)
        for (uint32_t x = 0; x < width; ++x, to += e) std::memcpy(to, src + r.source.Offset(c, y, x), e);
  }
  ext.timing->dpu_cycles += DpuCycles(t, platform_);
  uint8_t* dst = dma.WriteInPlace(r.destination.addr, r.destination.Span(channels, rows, width), *ext.timing);
  if (ext.functional) {
    const uint8_t* from = moved.data();
    for (uint32_t c = 0; c < channels; ++c)
      for (uint32_t y = 0; y < rows; ++y)
        for (uint32_t x = 0; x < width; ++x, from += e) std::memcpy(dst + r.destination.Offset(c, y, x), from, e);
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

// A DPU-only task of a Rockchip program (flying mode): the source cube through the same stages.
void Dpu::RegcmdDpu(tlm::tlm_generic_payload& trans, TaskExtension& ext) {
  const isa::Task& t = *ext.task;
  const isa::RegcmdTask& r = t.regcmd;
  if (r.move) return RegcmdMove(trans, ext);
  const bool functional = ext.functional;
  const uint32_t rows = t.out_rows, width = t.output.width, channels = t.kernels;
  std::vector<uint8_t> in_buffer, ew_buffer;
  const RegcmdTile in = ReadCube(dma, r.source, channels, rows, width, in_buffer, functional, *ext.timing);
  const RegcmdOperands ops = FetchOperands(dma, t, functional, *ext.timing);
  const RegcmdTile ew = r.ew ? ReadCube(dma, r.ew_source, channels, rows, width, ew_buffer, functional, *ext.timing)
                             : RegcmdTile{};
  ext.timing->dpu_cycles += DpuCycles(t, platform_);
  std::vector<int8_t> out(functional ? size_t{channels} * rows * width : 0);
  if (functional)
    for (uint32_t c = 0; c < channels; ++c)
      for (uint32_t y = 0; y < rows; ++y)
        for (uint32_t x = 0; x < width; ++x) {
          const int64_t v = int64_t{static_cast<int8_t>(in.data[in.Offset(c, y, x)])} + r.in_offset;
          const int8_t* operand = r.ew ? reinterpret_cast<const int8_t*>(ew.data + ew.Offset(c, y, x)) : nullptr;
          out[(size_t{c} * rows + y) * width + x] = RegcmdDpuPipeline(r, ops, c, v, operand);
        }
  WriteCube(dma, r.destination, channels, rows, width,
            functional ? reinterpret_cast<const uint8_t*>(out.data()) : nullptr, *ext.timing);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

// Streaming DPU tasks read their main operand and one more stream (the second addend or the
// lookup table; nothing for copies and conversions), run one kernel and write the output once.
void Dpu::Eltwise(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  TaskExtension* ext = nullptr;
  trans.get_extension(ext);
  const isa::Task& t = *ext->task;
  if (t.op == isa::TaskOp::kUpsample) return Upsample(trans, *ext);
  if (t.op == isa::TaskOp::kZeroInsert) return ZeroInsert(trans, *ext);
  if (t.op == isa::TaskOp::kRegcmdDpu) return RegcmdDpu(trans, *ext);
  if (t.op == isa::TaskOp::kEltwiseMul) return Multiply(trans, *ext);
  const bool functional = ext->functional;
  if (t.op == isa::TaskOp::kConvert) {
    // The two sides differ in element size and C2, so the byte counts differ too.
    std::vector<uint8_t> in(functional ? t.input.bytes() : 0), out(functional ? t.output.bytes() : 0);
    dma.Read(t.input.addr, functional ? in.data() : nullptr, t.input.bytes(), *ext->timing);
    ext->timing->dpu_cycles += DpuCycles(t, platform_);
    if (functional) ConvertSurface(t, in.data(), out.data());
    dma.Write(t.output.addr, functional ? out.data() : nullptr, t.output.bytes(), *ext->timing);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  // Every byte of the operands is read and every byte of the result written.
  const uint64_t bytes = t.output.bytes();
  uint8_t* a = functional ? operand_.Take(bytes) : nullptr;
  uint8_t* y = functional ? result_.Take(bytes) : nullptr;
  dma.Read(t.input.addr, a, bytes, *ext->timing);
  const uint64_t second_addr = t.op == isa::TaskOp::kLut ? t.dpu_table_addr : t.input2.addr;
  const uint64_t second_bytes = t.op == isa::TaskOp::kLut ? 256 : t.op == isa::TaskOp::kEltwiseAdd ? bytes : 0;
  uint8_t* second = functional && second_bytes ? second_.Take(second_bytes) : nullptr;
  if (second_bytes) dma.Read(second_addr, second, second_bytes, *ext->timing);
  ext->timing->dpu_cycles += DpuCycles(t, platform_);
  if (functional) {
    if (t.op == isa::TaskOp::kLut)
      ApplyInt8Table(second, a, y, bytes);  // the table is the task's second stream
    else if (t.op == isa::TaskOp::kCopy)
      RescaleCopy(t, a, y, bytes);
    else
      EltwiseAdd(t, a, second, y, bytes);
  }
  dma.Write(t.output.addr, y, bytes, *ext->timing);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

// Nearest upsample: DPU_RDMA reads the input surface once, the write DMA stores the replicated
// output surface.
void Dpu::Upsample(tlm::tlm_generic_payload& trans, TaskExtension& ext) {
  const isa::Task& t = *ext.task;
  const bool functional = ext.functional;
  std::vector<uint8_t> in(functional ? t.input.bytes() : 0), out(functional ? t.output.bytes() : 0);
  dma.Read(t.input.addr, functional ? in.data() : nullptr, t.input.bytes(), *ext.timing);
  ext.timing->dpu_cycles += DpuUpsampleCycles(t, platform_);
  if (functional) UpsampleNearest(t, in.data(), out.data());
  dma.Write(t.output.addr, functional ? out.data() : nullptr, t.output.bytes(), *ext.timing);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

// Zero insertion (deconvolution): DPU_RDMA reads the input surface once, the write DMA stores the
// whole spread output surface (inserted positions included).
void Dpu::ZeroInsert(tlm::tlm_generic_payload& trans, TaskExtension& ext) {
  const isa::Task& t = *ext.task;
  const bool functional = ext.functional;
  std::vector<uint8_t> in(functional ? t.input.bytes() : 0), out(functional ? t.output.bytes() : 0);
  dma.Read(t.input.addr, functional ? in.data() : nullptr, t.input.bytes(), *ext.timing);
  ext.timing->dpu_cycles += DpuZeroInsertCycles(t, platform_);
  if (functional) sim::ZeroInsert(t, in.data(), out.data());
  dma.Write(t.output.addr, functional ? out.data() : nullptr, t.output.bytes(), *ext.timing);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

// Multiply: DPU_RDMA reads the tensor and its multiplier surface (per channel: one C2 atom per
// C1 surface), the write DMA stores the product.
void Dpu::Multiply(tlm::tlm_generic_payload& trans, TaskExtension& ext) {
  const isa::Task& t = *ext.task;
  const bool functional = ext.functional;
  const uint64_t bytes = t.output.bytes();
  std::vector<uint8_t> x(functional ? bytes : 0), s(functional ? t.input2.bytes() : 0), y(functional ? bytes : 0);
  dma.Read(t.input.addr, functional ? x.data() : nullptr, bytes, *ext.timing);
  dma.Read(t.input2.addr, functional ? s.data() : nullptr, t.input2.bytes(), *ext.timing);
  ext.timing->dpu_cycles += DpuMulCycles(t, platform_);
  if (functional) EltwiseMul(t, x.data(), s.data(), y.data());
  dma.Write(t.output.addr, functional ? y.data() : nullptr, bytes, *ext.timing);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace rknnsim::sim
