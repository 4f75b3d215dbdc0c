#include "runtime/rknn_execution.h"

#include <utility>

#include "common/error.h"
#include "compiler/rknn/npu_tasks.h"
#include "compiler/rknn/regcmd_reference.h"
#include "compiler/rknn/simulation.h"
#include "runtime/tensor_io.h"
#include "sim/simulator.h"

namespace rknnsim::runtime {

RknnExecutable MakeRknnExecutable(rknn::RknnModel model, const std::string& what) {
  RknnExecutable exe;
  exe.model = std::move(model);
  exe.platform = isa::LoadPlatformForTarget(exe.model.target);
  exe.regcmd = rknn::LowerRegcmdProgram(exe.model, rknn::NpuTasksOf(exe.model, what), exe.platform, what);
  exe.norms = rknn::InputNorms(exe.model, what);
  return exe;
}

RknnExecutable LoadRknnExecutable(const std::string& path) {
  return MakeRknnExecutable(rknn::ReadRknnFile(path), "'" + path + "'");
}

void NormalizeInput(std::vector<float>& x, const rknn::InputNorm& norm, const std::string& name) {
  const size_t channels = norm.mean.size(), plane = channels ? x.size() / channels : 0;
  if (channels == 0 || plane * channels != x.size())
    throw Error("input '" + name + "' holds " + std::to_string(x.size()) + " values, not a whole number of its " +
                std::to_string(channels) + " channels");
  if (norm.rgb2bgr && channels == 3)
    for (size_t k = 0; k < plane; ++k) std::swap(x[k], x[2 * plane + k]);
  for (size_t c = 0; c < channels; ++c)
    for (size_t k = 0; k < plane; ++k) x[c * plane + k] = (x[c * plane + k] - norm.mean[c]) / norm.std[c];
}

LoadedRknn LoadRknn(rknn::RknnModel file, const std::string& what) {
  LoadedRknn l;
  l.file = file;
  try {
    l.exe = std::make_shared<const RknnExecutable>(MakeRknnExecutable(std::move(file), what));
  } catch (const Error& e) {
    l.refusal = e;
  }
  try {
    rknn::SimModel sim = rknn::CompileForSimulation(l.file);
    l.graph = std::move(sim.graph);
    l.timing_program = std::move(sim.program);
  } catch (const Error&) {
    if (!l.exe) throw;
  }
  if (l.exe) {
    l.timing_program = l.exe->regcmd.program;
    l.own_tasks = true;
  }
  return l;
}

std::vector<ir::Tensor> RknnInputTensors(const RknnExecutable& exe) {
  std::vector<ir::Tensor> out;
  for (const isa::IoTensor& io : exe.regcmd.program.inputs) {
    ir::Tensor t;
    t.name = io.name;
    t.shape = io.shape;
    out.push_back(std::move(t));
  }
  return out;
}

sim::CpuOpRunner HostOpRunner(const RknnExecutable& exe) {
  return [&exe](const isa::Task& task, const std::vector<std::vector<uint8_t>>& inputs,
                std::vector<std::vector<uint8_t>>& outputs) { rknn::RunHostOp(exe.regcmd, task, inputs, outputs); };
}

RknnRun RunRknn(const RknnExecutable& exe, const quant::Sample& raw_inputs, bool reference) {
  const isa::Program& p = exe.regcmd.program;
  if (raw_inputs.size() != p.inputs.size())
    throw Error("the model has " + std::to_string(p.inputs.size()) + " input(s), got " + std::to_string(raw_inputs.size()),
                "pass one input per model input, in order");
  std::vector<std::vector<uint8_t>> surfaces;
  for (size_t i = 0; i < raw_inputs.size(); ++i) {
    const isa::IoTensor& io = p.inputs[i];
    std::vector<float> x = raw_inputs[i];
    NormalizeInput(x, exe.norms[i], io.name);
    surfaces.push_back(PackInput(x, io));
  }
  RknnRun run;
  std::vector<std::vector<uint8_t>> raw;
  if (reference) {
    raw = rknn::RunRegcmdReference(exe.regcmd, surfaces);
  } else {
    const sim::CpuOpRunner runner = HostOpRunner(exe);
    sim::SimulationResult result = sim::Simulate(p, exe.platform, surfaces, &runner);
    raw = std::move(result.outputs);
    run.total_time_us = result.total_time_us;
  }
  for (size_t i = 0; i < raw.size(); ++i) {
    const isa::IoTensor& io = p.outputs[i];
    run.outputs.push_back({io.name, io.shape, UnpackOutput(raw[i], io), exe.regcmd.int64_outputs[i]});
  }
  return run;
}

}  // namespace rknnsim::runtime
