// CPU fallback: ops the NPU cannot run execute on the SoC's CPU cores, as the board's runtime
// does. Functionally the runtime's runner computes them; the time is the CPU cost model's.
#include "sim/cost/cost_model.h"
#include "sim/platform/units.h"

namespace rknnsim::sim {

CpuUnit::CpuUnit(sc_core::sc_module_name name, const isa::PlatformConfig& platform)
    : sc_module(name), from_command("from_command"), dma("dma"), platform_(platform) {
  from_command.register_b_transport(this, &CpuUnit::Run);
}

void CpuUnit::Run(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  TaskExtension* ext = nullptr;
  trans.get_extension(ext);
  const isa::Task& t = *ext->task;
  const bool functional = ext->functional;
  if (functional && !ext->cpu_runner)
    throw Error("the model has CPU fallback ops but no CPU runner was given to the simulator");
  std::vector<std::vector<uint8_t>> inputs(t.cpu_inputs.size()), outputs(t.cpu_outputs.size());
  // The CPU reads through its caches; the DDR traffic is charged on the NPU's shared channel
  // all the same, because that is where it contends.
  for (size_t i = 0; i < t.cpu_inputs.size(); ++i) {
    const isa::Surface& s = t.cpu_inputs[i];
    if (s.channels == 0) continue;  // constant input: part of the model, not of DDR
    if (functional) inputs[i].resize(s.bytes());
    dma.Read(s.addr, functional ? inputs[i].data() : nullptr, s.bytes(), *ext->timing);
  }
  if (functional) (*ext->cpu_runner)(t, inputs, outputs);
  for (size_t o = 0; o < t.cpu_outputs.size(); ++o) {
    const isa::Surface& s = t.cpu_outputs[o];
    if (functional && outputs[o].size() != s.bytes())
      throw Error("CPU op produced " + std::to_string(outputs[o].size()) + " bytes for a " +
                  std::to_string(s.bytes()) + "-byte output surface");
    dma.Write(s.addr, functional ? outputs[o].data() : nullptr, s.bytes(), *ext->timing);
  }
  ext->timing->cpu = sc_core::sc_time(CpuTimeUs(t, platform_), sc_core::SC_US);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace rknnsim::sim
