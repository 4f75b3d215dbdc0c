// Speed of rknn-sim's engines on one network, tracked with Google Benchmark: compile (convert),
// the float and int8 reference executors, the SystemC platform with functional kernels, and the
// timing-only platform run that `rknn-sim perf` makes. scripts/bench.sh runs it next to
// onnxruntime-node on the same model and reports the ratios.
//
// The model comes from RKNN_SIM_BENCH_MODEL (ONNX) and RKNN_SIM_BENCH_INPUT (.npy); the bundled
// tiny_resnet by default. RKNN_SIM_BENCH_TARGET picks the platform (rk3588).
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>
#include <systemc>

#include <cstdlib>
#include <string>

#include "compiler/quant/dataset.h"
#include "compiler/reference/float_executor.h"
#include "compiler/reference/quant_executor.h"
#include "runtime/converter.h"
#include "runtime/cpu_runner.h"
#include "runtime/tensor_io.h"
#include "sim/simulator.h"

namespace rknnsim {
namespace {

std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

struct Fixture {
  std::string onnx = Env("RKNN_SIM_BENCH_MODEL", RKNN_SIM_SOURCE_DIR "/models/bundled/tiny_resnet.onnx");
  std::string input = Env("RKNN_SIM_BENCH_INPUT", RKNN_SIM_SOURCE_DIR "/models/bundled/input.npy");
  std::string target = Env("RKNN_SIM_BENCH_TARGET", "rk3588");
  std::string dataset = "/tmp/rknn_sim_bench_dataset.txt";
  runtime::CompiledModel model;
  quant::Sample sample;
  ir::Graph float_graph;

  Fixture() {
    FILE* f = std::fopen(dataset.c_str(), "w");
    if (f) std::fprintf(f, "%s\n", input.c_str()), std::fclose(f);
    model = runtime::ConvertOnnx(onnx, Options());
    sample = quant::LoadInputs({input}, model.graph);
    float_graph = frontend::ImportOnnxFile(onnx, {});
  }
  runtime::ConvertOptions Options() const {
    runtime::ConvertOptions o;
    o.target = target;
    o.dataset = dataset;
    return o;
  }
  std::vector<std::vector<uint8_t>> Packed() const {
    std::vector<std::vector<uint8_t>> packed;
    for (size_t i = 0; i < sample.size(); ++i) packed.push_back(runtime::PackInput(sample[i], model.program.inputs[i]));
    return packed;
  }
};

Fixture& Get() {
  static Fixture fixture;
  return fixture;
}

void MacCounter(benchmark::State& state) {
  uint64_t macs = 0;
  for (const isa::Layer& l : Get().model.program.layers) macs += l.macs;
  state.counters["MAC/s"] = benchmark::Counter(static_cast<double>(macs), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Convert(benchmark::State& state) {
  Fixture& f = Get();
  for (auto _ : state) benchmark::DoNotOptimize(runtime::ConvertOnnx(f.onnx, f.Options()));
}

void BM_FloatReference(benchmark::State& state) {
  Fixture& f = Get();
  for (auto _ : state) benchmark::DoNotOptimize(reference::RunFloat(f.float_graph, f.sample));
  MacCounter(state);
}

void BM_Int8Reference(benchmark::State& state) {
  Fixture& f = Get();
  for (auto _ : state) benchmark::DoNotOptimize(reference::RunQuantized(f.model.graph, f.sample));
  MacCounter(state);
}

void BM_PlatformFunctional(benchmark::State& state) {
  Fixture& f = Get();
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(f.target);
  const sim::CpuOpRunner cpu = runtime::MakeCpuRunner(f.model);
  const auto packed = f.Packed();
  for (auto _ : state) benchmark::DoNotOptimize(sim::Simulate(f.model.program, platform, packed, &cpu));
  MacCounter(state);
}

void BM_PlatformTimingOnly(benchmark::State& state) {
  Fixture& f = Get();
  const isa::PlatformConfig platform = isa::LoadPlatformForTarget(f.target);
  for (auto _ : state) benchmark::DoNotOptimize(sim::Simulate(f.model.program, platform, {}));
  state.counters["tasks/s"] = benchmark::Counter(static_cast<double>(f.model.program.tasks.size()),
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(BM_Convert)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FloatReference)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Int8Reference)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlatformFunctional)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlatformTimingOnly)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rknnsim

// SystemC wants sc_main; the benchmarks call Simulate(), which elaborates on first use.
extern "C" int sc_main(int argc, char* argv[]) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  spdlog::set_level(spdlog::level::warn);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
