#include "runtime/batch_io.h"

#include "common/error.h"
#include "common/npy.h"
#include "compiler/reference/quant_executor.h"
#include "runtime/cpu_runner.h"
#include "runtime/tensor_io.h"

namespace rknnsim::runtime {
namespace {

uint64_t PerImage(const std::vector<float>& data, uint32_t batch) { return data.size() / batch; }

}  // namespace

quant::Sample LoadModelInputs(const std::vector<std::string>& npy_paths, const CompiledModel& model) {
  const isa::Program& p = model.program;
  if (p.batch <= 1) return quant::LoadInputs(npy_paths, model.graph);
  if (npy_paths.size() != p.inputs.size())
    throw Error("the model has " + std::to_string(p.inputs.size()) + " input(s), got " +
                    std::to_string(npy_paths.size()) + " -i file(s)",
                "pass one -i per model input, in order");
  quant::Sample sample;
  for (size_t i = 0; i < npy_paths.size(); ++i) {
    NpyArray a = ReadNpy(npy_paths[i]);
    const isa::IoTensor& io = p.inputs[i];
    if (ir::NumElements(a.shape) != ir::NumElements(io.shape))
      throw Error("'" + npy_paths[i] + "' has shape " + ir::ShapeToString(a.shape) + " but input '" + io.name +
                      "' of this batch-" + std::to_string(p.batch) + " model needs " + ir::ShapeToString(io.shape),
                  "stack " + std::to_string(p.batch) + " images on the batch dimension (troubleshooting manual §9.8)");
    sample.push_back(std::move(a.data));
  }
  return sample;
}

std::vector<std::vector<uint8_t>> PackModelInputs(const quant::Sample& inputs, const isa::Program& p) {
  std::vector<std::vector<uint8_t>> packed;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const uint64_t n = PerImage(inputs[i], p.batch);
    std::vector<uint8_t> images;
    for (uint32_t b = 0; b < p.batch; ++b) {
      const std::vector<float> image(inputs[i].begin() + b * n, inputs[i].begin() + (b + 1) * n);
      const std::vector<uint8_t> surface = PackInput(image, p.inputs[i]);
      images.insert(images.end(), surface.begin(), surface.end());
    }
    packed.push_back(std::move(images));
  }
  return packed;
}

std::vector<std::vector<float>> UnpackModelOutputs(const std::vector<std::vector<uint8_t>>& surfaces,
                                                   const isa::Program& p) {
  std::vector<std::vector<float>> outputs;
  for (size_t i = 0; i < surfaces.size(); ++i) {
    const uint64_t bytes = p.outputs[i].surface.bytes();
    if (surfaces[i].size() != bytes * p.batch) throw Error("output '" + p.outputs[i].name + "' has the wrong size");
    std::vector<float> stacked;
    for (uint32_t b = 0; b < p.batch; ++b) {
      const std::vector<uint8_t> image(surfaces[i].begin() + b * bytes, surfaces[i].begin() + (b + 1) * bytes);
      const std::vector<float> values = UnpackOutput(image, p.outputs[i]);
      stacked.insert(stacked.end(), values.begin(), values.end());
    }
    outputs.push_back(std::move(stacked));
  }
  return outputs;
}

std::vector<std::vector<float>> RunReferenceModel(const CompiledModel& model, const quant::Sample& inputs) {
  const uint32_t batch = model.program.batch;
  std::vector<std::vector<float>> stacked;
  for (uint32_t b = 0; b < batch; ++b) {
    quant::Sample image;
    for (const std::vector<float>& in : inputs) {
      const uint64_t n = PerImage(in, batch);
      image.emplace_back(in.begin() + b * n, in.begin() + (b + 1) * n);
    }
    const std::vector<std::vector<float>> out =
        reference::DequantizeOutputs(model.graph, reference::RunQuantized(model.graph, image));
    stacked.resize(out.size());
    for (size_t o = 0; o < out.size(); ++o) stacked[o].insert(stacked[o].end(), out[o].begin(), out[o].end());
  }
  return stacked;
}

SimulatedRun SimulateModel(const CompiledModel& model, const isa::Program& placed, const isa::PlatformConfig& platform,
                           const quant::Sample& inputs) {
  const sim::CpuOpRunner cpu_runner = MakeCpuRunner(model);
  const sim::SimulationResult result = sim::Simulate(placed, platform, PackModelInputs(inputs, placed), &cpu_runner);
  return {UnpackModelOutputs(result.outputs, placed), result.total_time_us};
}

}  // namespace rknnsim::runtime
