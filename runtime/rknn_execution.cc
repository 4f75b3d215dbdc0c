#include "runtime/rknn_execution.h"

#include <utility>

#include "common/error.h"
#include "compiler/rknn/npu_tasks.h"
#include "compiler/rknn/regcmd_reference.h"
#include "compiler/rknn/simulation.h"
#include "runtime/tensor_io.h"
#include "sim/simulator.h"

namespace rknnsim::runtime {

RknnExecutable MakeRknnExecutable(rknn::RknnModel model, const std::string& what, int32_t until_tensor) {
  RknnExecutable exe;
  exe.what = what;
  exe.model = std::move(model);
  exe.platform = isa::LoadPlatformForTarget(exe.model.target);
  exe.regcmd = rknn::LowerRegcmdProgram(exe.model, rknn::NpuTasksOf(exe.model, what), exe.platform, what, until_tensor);
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

MemoryReport FileMemoryReport(const rknn::RknnModel& file) {
  const rknn::FileMemory recorded = rknn::MemoryOf(file);
  MemoryReport report;
  report.weight_bytes = recorded.weight_bytes;
  report.internal_bytes = recorded.internal_bytes;
  report.other_bytes = recorded.other_bytes;
  report.total_bytes = report.weight_bytes + report.internal_bytes + report.other_bytes;
  return report;
}

LoadedRknn LoadRknn(rknn::RknnModel file, const std::string& what) {
  LoadedRknn l;
  l.file = file;
  l.memory = FileMemoryReport(l.file);
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

quant::Sample LoadRknnInputs(const RknnExecutable& exe, const std::vector<std::string>& paths) {
  const std::vector<isa::IoTensor>& inputs = exe.regcmd.program.inputs;
  if (paths.size() != inputs.size())
    throw Error("the model has " + std::to_string(inputs.size()) + " input(s), got " + std::to_string(paths.size()) +
                    " -i file(s)",
                "pass one -i per model input, in order");
  quant::Sample sample;
  for (size_t i = 0; i < inputs.size(); ++i) {
    ir::Tensor t;
    t.name = inputs[i].name;
    t.shape = inputs[i].shape;
    sample.push_back(quant::LoadInputArray(paths[i], t, /*rgb2bgr=*/false));
  }
  return sample;
}

std::vector<std::vector<uint8_t>> PackRknnInputs(const RknnExecutable& exe, const isa::Program& program,
                                                 const quant::Sample& raw_inputs) {
  if (raw_inputs.size() != program.inputs.size())
    throw Error("the model has " + std::to_string(program.inputs.size()) + " input(s), got " +
                    std::to_string(raw_inputs.size()),
                "pass one input per model input, in order");
  std::vector<std::vector<uint8_t>> surfaces;
  for (size_t i = 0; i < raw_inputs.size(); ++i) {
    std::vector<float> x = raw_inputs[i];
    NormalizeInput(x, exe.norms[i], program.inputs[i].name);
    surfaces.push_back(PackInput(x, program.inputs[i]));
  }
  return surfaces;
}

sim::CpuOpRunner HostOpRunner(const rknn::RegcmdProgram& regcmd) {
  return [&regcmd](const isa::Task& task, const std::vector<std::vector<uint8_t>>& inputs,
                   std::vector<std::vector<uint8_t>>& outputs) { rknn::RunHostOp(regcmd, task, inputs, outputs); };
}

namespace {

// `regcmd` (the executable's program or a prefix of it) on the platform or the reference.
RknnRun RunRegcmd(const RknnExecutable& exe, const rknn::RegcmdProgram& regcmd, const quant::Sample& raw_inputs,
                  bool reference) {
  const isa::Program& p = regcmd.program;
  rknn::CheckHostOpsRegistered(regcmd, exe.what);  // before the run: nothing may throw out of one
  const std::vector<std::vector<uint8_t>> surfaces = PackRknnInputs(exe, p, raw_inputs);
  RknnRun run;
  std::vector<std::vector<uint8_t>> raw;
  if (reference) {
    raw = rknn::RunRegcmdReference(regcmd, surfaces);
  } else {
    const sim::CpuOpRunner runner = HostOpRunner(regcmd);
    sim::SimulationResult result = sim::Simulate(p, exe.platform, surfaces, &runner);
    raw = std::move(result.outputs);
    run.total_time_us = result.total_time_us;
  }
  for (size_t i = 0; i < raw.size(); ++i) {
    const isa::IoTensor& io = p.outputs[i];
    run.outputs.push_back({io.name, io.shape, UnpackOutput(raw[i], io), regcmd.int64_outputs[i]});
  }
  return run;
}

}  // namespace

RknnRun RunRknn(const RknnExecutable& exe, const quant::Sample& raw_inputs, bool reference) {
  return RunRegcmd(exe, exe.regcmd, raw_inputs, reference);
}

RknnOutput RunRknnTensor(const RknnExecutable& exe, const quant::Sample& raw_inputs, int32_t tensor, bool reference) {
  const rknn::RegcmdProgram prefix =
      rknn::LowerRegcmdProgram(exe.model, rknn::NpuTasksOf(exe.model, exe.what), exe.platform, exe.what, tensor);
  return RunRegcmd(exe, prefix, raw_inputs, reference).outputs.at(0);
}

}  // namespace rknnsim::runtime
