// CORE: the MAC array and accumulators. Charges the array's cycles from the cost model.
#include "sim/cost/cost_model.h"
#include "sim/platform/units.h"

namespace rknnsim::sim {

Core::Core(sc_core::sc_module_name name, const isa::PlatformConfig& platform)
    : sc_module(name), from_cna("from_cna"), to_dpu("to_dpu"), platform_(platform) {
  from_cna.register_b_transport(this, &Core::Compute);
}

void Core::Compute(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  TaskExtension* ext = nullptr;
  trans.get_extension(ext);
  const isa::Task& t = *ext->task;
  auto& work = *reinterpret_cast<ConvWork*>(trans.get_data_ptr());
  ext->timing->core_cycles += CoreCycles(t, platform_);
  if (ext->functional) {
    const size_t count = size_t{t.out_rows} * t.output.width * t.kernels;
    if (t.regcmd.on && t.regcmd.fp16) {
      work.acc_fp16.assign(count, 0.0f);
      RegcmdConvAccumulateFp16(t, work.regcmd_input, work.weights, work.acc_fp16.data());
    } else if (t.regcmd.on) {
      work.acc_int8.assign(count, 0);
      work.window_sums.assign(size_t{t.out_rows} * t.output.width * (t.regcmd.depthwise ? t.kernels : 1), 0);
      RegcmdConvAccumulate(t, work.regcmd_input, work.weights, work.acc_int8.data(), work.window_sums.data());
    } else if (t.input.type == isa::ElemType::kInt8) {
      work.sums_int8 = std::make_unique<ConvRowsInt8>(t, work.input, work.weights, work.weights_since, work.nhwc);
    } else {
      work.acc_fp16.assign(count, 0.0f);
      ConvAccumulateFp16(t, work.input, work.weights, work.acc_fp16.data());
    }
  }
  Forward(to_dpu, trans, &work, delay);
}

}  // namespace rknnsim::sim
