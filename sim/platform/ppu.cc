// PPU: pooling, reading its input through PPU_RDMA and writing the result back.
#include "sim/cost/cost_model.h"
#include "sim/platform/units.h"

namespace rknnsim::sim {

Ppu::Ppu(sc_core::sc_module_name name, const isa::PlatformConfig& platform)
    : sc_module(name), from_command("from_command"), dma("dma"), platform_(platform) {
  from_command.register_b_transport(this, &Ppu::Pool);
}

void Ppu::Pool(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  TaskExtension* ext = nullptr;
  trans.get_extension(ext);
  const isa::Task& t = *ext->task;
  const bool functional = ext->functional;
  // Every byte of the input is read and every byte of the output written.
  uint8_t* in = functional ? input_.Take(t.input.bytes()) : nullptr;
  uint8_t* out = functional ? output_.Take(t.output.bytes()) : nullptr;
  dma.Read(t.input.addr, in, t.input.bytes(), *ext->timing);
  ext->timing->ppu_cycles += PpuCycles(t, platform_) + PpuAvgPoolCycles(t, platform_);
  if (functional) {
    if (t.op == isa::TaskOp::kMaxPool)
      MaxPool(t, in, out);
    else if (t.op == isa::TaskOp::kAvgPool)
      AvgPool(t, in, out);
    else
      GlobalAvgPool(t, in, out);
  }
  dma.Write(t.output.addr, out, t.output.bytes(), *ext->timing);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace rknnsim::sim
