// CNA: feature and weight DMA into the CBUF. A conv tile's input rows (one burst per C1 surface)
// and its kernel groups must fit the CBUF, which the compiler's tiler guarantees; a model that
// violates it is rejected rather than silently simulated.
#include <algorithm>

#include "sim/platform/regcmd_dma.h"
#include "sim/platform/units.h"

namespace rknnsim::sim {

Cna::Cna(sc_core::sc_module_name name, const isa::PlatformConfig& platform)
    : sc_module(name), from_command("from_command"), to_core("to_core"), dma("dma"), platform_(platform) {
  from_command.register_b_transport(this, &Cna::Load);
}

void Cna::Load(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  TaskExtension* ext = nullptr;
  trans.get_extension(ext);
  const isa::Task& t = *ext->task;
  if (t.regcmd.on) return LoadRegcmd(trans, delay, *ext);
  const isa::Surface& in = t.input;
  const int64_t top = int64_t{t.out_row_begin} * t.stride_h - t.pad_top;
  const int64_t bottom = int64_t{t.out_row_begin + t.out_rows - 1} * t.stride_h - t.pad_top +
                         int64_t{t.kernel_h - 1} * t.dilation_h;
  const uint32_t first = static_cast<uint32_t>(std::max<int64_t>(top, 0));
  const uint32_t last = static_cast<uint32_t>(std::min<int64_t>(bottom, int64_t{in.height} - 1));
  const uint32_t rows = last >= first ? last - first + 1 : 0;

  const InputSurfaces surfaces = ConvInputSurfaces(t);
  const uint64_t feature_bytes = uint64_t{surfaces.count} * rows * in.line_stride();
  const uint32_t atom = t.weight_kernel_atom;
  const uint64_t group_bytes = isa::WeightGroupBytes(t);
  const uint64_t weight_bytes = (t.kernels + atom - 1) / atom * group_bytes;
  const uint64_t weight_offset = uint64_t{t.kernel_begin / atom} * group_bytes;
  if (feature_bytes + weight_bytes > static_cast<uint64_t>(platform_.CbufBytes()) ||
      weight_offset + weight_bytes > t.weight_bytes)
    throw Error("conv task needs " + std::to_string(feature_bytes + weight_bytes) + " bytes of CBUF (have " +
                    std::to_string(platform_.CbufBytes()) + ") or reads past its weights",
                "the model file was compiled for another platform or is corrupted; recompile it");

  // Weight reuse (CBUF_CON0 WEIGHT_REUSE on the board): the tiler emits a kernel chunk's row
  // tiles back to back, and while they run the chunk stays in its weight banks, so only the
  // first task of a chunk loads it. "Back to back" is the next task of the same program vector.
  const bool functional = ext->functional;
  const uint64_t weight_addr = t.weight_addr + weight_offset;
  const bool weights_resident = resident_task_ != nullptr && &t == resident_task_ + 1 &&
                                resident_weight_addr_ == weight_addr && resident_weight_bytes_ == weight_bytes &&
                                resident_functional_ == functional;
  resident_task_ = &t;
  resident_weight_addr_ = weight_addr;
  resident_weight_bytes_ = weight_bytes;
  resident_functional_ = functional;

  // The feature rows are read where DDR keeps them, like the weights below: one burst per C1
  // surface, the surfaces a surface stride apart.
  const uint8_t* features = nullptr;
  for (uint32_t i = 0; i < surfaces.count && rows; ++i) {
    const uint64_t addr = in.addr + uint64_t{surfaces.first + i} * in.surface_stride() + first * in.line_stride();
    const uint64_t bytes = uint64_t{rows} * in.line_stride();
    if (!functional) {
      dma.Read(addr, nullptr, bytes, *ext->timing);
      continue;
    }
    const uint8_t* surface = dma.ReadInPlace(addr, bytes, *ext->timing);
    if (i == 0) features = surface;
  }
  // The weights are read where DDR keeps them: they are constant while a program runs, and the
  // MAC array reads them within this transaction (the DPU's in-place writes of the same
  // transaction go to the task's output, never to weights).
  ConvWork& work = work_;
  work.weights = nullptr;
  if (functional)
    work.weights = weights_resident ? dma.InPlace(weight_addr, weight_bytes)
                                    : dma.ReadInPlace(weight_addr, weight_bytes, *ext->timing);
  else if (!weights_resident)
    dma.Read(weight_addr, nullptr, weight_bytes, *ext->timing);
  work.weights_since = functional ? dma.UnchangedSince(weight_addr, weight_bytes) : StoredEpoch{};
  work.input = {features, first, rows, surfaces.first, in.surface_stride()};
  Forward(to_core, trans, &work, delay);
}

// A conv task of Rockchip's program: the tile the registers address (a strided cube of the input
// tensor) and the task's weights, as FEATURE_DATA_ADDR and DCOMP_ADDR0 give them; the file's
// compiler chose the CBUF split (CBUF_CON0), so no capacity check of ours applies.
void Cna::LoadRegcmd(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay, TaskExtension& ext) {
  const isa::Task& t = *ext.task;
  const bool functional = ext.functional;
  ConvWork& work = work_;
  work.weights = nullptr;
  work.weights_since = {};
  work.regcmd_input = ReadCube(dma, t.regcmd.source, t.input.channels, t.input.height, t.input.width, cbuf_features_,
                               functional, *ext.timing);
  if (functional)
    work.weights = dma.ReadInPlace(t.weight_addr, t.weight_bytes, *ext.timing);
  else
    dma.Read(t.weight_addr, nullptr, t.weight_bytes, *ext.timing);
  resident_task_ = nullptr;
  Forward(to_core, trans, &work, delay);
}

}  // namespace rknnsim::sim
