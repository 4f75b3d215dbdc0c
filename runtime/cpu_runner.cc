#include "runtime/cpu_runner.h"

#include <cstring>

#include "common/error.h"
#include "common/fp16.h"
#include "compiler/reference/cpu_op.h"
#include "runtime/tensor_io.h"

namespace rknnsim::runtime {

sim::CpuOpRunner MakeCpuRunner(const CompiledModel& model) {
  return [&model](const isa::Task& task, const std::vector<std::vector<uint8_t>>& inputs,
                  std::vector<std::vector<uint8_t>>& outputs) {
    const ir::Graph& g = model.graph;
    const ir::Node& node = g.nodes().at(task.cpu_node);
    // The node's own type (hybrid models mix int8 and fp16 nodes; one node never mixes them).
    const bool fp16 = task.cpu_outputs.at(0).type == isa::ElemType::kFp16;
    std::vector<std::vector<uint8_t>> raw_in(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i)
      if (task.cpu_inputs[i].channels != 0) raw_in[i] = SurfaceToNchw(task.cpu_inputs[i], inputs[i]);
    outputs.assign(task.cpu_outputs.size(), {});
    if (!fp16) {
      std::vector<std::vector<int8_t>> in(inputs.size()), out(node.outputs.size());
      std::vector<const std::vector<int8_t>*> in_ptrs;
      std::vector<std::vector<int8_t>*> out_ptrs;
      for (size_t i = 0; i < inputs.size(); ++i) {
        in[i].assign(reinterpret_cast<const int8_t*>(raw_in[i].data()),
                     reinterpret_cast<const int8_t*>(raw_in[i].data()) + raw_in[i].size());
        in_ptrs.push_back(&in[i]);
      }
      for (auto& o : out) out_ptrs.push_back(&o);
      reference::RunCpuOpInt8(g, node, in_ptrs, out_ptrs);
      for (size_t o = 0; o < out.size(); ++o) {
        const auto* bytes = reinterpret_cast<const uint8_t*>(out[o].data());
        outputs[o] = NchwToSurface(task.cpu_outputs[o], std::vector<uint8_t>(bytes, bytes + out[o].size()));
      }
      return;
    }
    std::vector<std::vector<float>> in(inputs.size()), out(node.outputs.size());
    std::vector<const std::vector<float>*> in_ptrs;
    std::vector<std::vector<float>*> out_ptrs;
    for (size_t i = 0; i < inputs.size(); ++i) {
      in[i].resize(raw_in[i].size() / 2);
      for (size_t k = 0; k < in[i].size(); ++k) {
        uint16_t h;
        std::memcpy(&h, raw_in[i].data() + 2 * k, 2);
        in[i][k] = HalfBitsToFloat(h);
      }
      in_ptrs.push_back(&in[i]);
    }
    for (auto& o : out) out_ptrs.push_back(&o);
    reference::RunCpuOpFp16(g, node, in_ptrs, out_ptrs);
    for (size_t o = 0; o < out.size(); ++o) {
      std::vector<uint8_t> bytes(out[o].size() * 2);
      for (size_t k = 0; k < out[o].size(); ++k) {
        const uint16_t h = FloatToHalfBits(out[o][k]);
        std::memcpy(bytes.data() + 2 * k, &h, 2);
      }
      outputs[o] = NchwToSurface(task.cpu_outputs[o], bytes);
    }
  };
}

}  // namespace rknnsim::runtime
