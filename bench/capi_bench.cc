// Speed of the C API as a board application sees it: rknn_inputs_set + rknn_run +
// rknn_outputs_get (float outputs) on a compiled model (RKNN_SIM_BENCH_RKNN) with one float32
// NCHW input (RKNN_SIM_BENCH_INPUT, .npy), on the SystemC platform. A process of its own, because
// the C library runs its own simulation thread. scripts/bench.sh runs it next to rknn_sim_bench.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "capi/include/rknn_api.h"
#include "common/npy.h"

namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) throw std::runtime_error(std::string("set ") + name);
  return v;
}

void Check(int ret, const char* what) {
  if (ret < 0) throw std::runtime_error(std::string(what) + " failed: " + std::to_string(ret));
}

void BM_CApiRun(benchmark::State& state) {
  const std::string model = Env("RKNN_SIM_BENCH_RKNN");
  rknnsim::NpyArray input = rknnsim::ReadNpy(Env("RKNN_SIM_BENCH_INPUT"));
  rknn_context ctx = 0;
  Check(rknn_init(&ctx, const_cast<char*>(model.c_str()), 0, 0, nullptr), "rknn_init");
  rknn_input_output_num io{};
  Check(rknn_query(ctx, RKNN_QUERY_IN_OUT_NUM, &io, sizeof(io)), "rknn_query");
  if (io.n_input != 1) throw std::runtime_error("the benchmark feeds one input");
  rknn_input in{};
  in.index = 0;
  in.buf = input.data.data();
  in.size = static_cast<uint32_t>(input.data.size() * sizeof(float));
  in.type = RKNN_TENSOR_FLOAT32;
  in.fmt = RKNN_TENSOR_NCHW;
  std::vector<rknn_output> out(io.n_output);
  for (rknn_output& o : out) o.want_float = 1;
  for (auto _ : state) {
    Check(rknn_inputs_set(ctx, 1, &in), "rknn_inputs_set");
    Check(rknn_run(ctx, nullptr), "rknn_run");
    Check(rknn_outputs_get(ctx, io.n_output, out.data(), nullptr), "rknn_outputs_get");
    Check(rknn_outputs_release(ctx, io.n_output, out.data()), "rknn_outputs_release");
  }
  rknn_destroy(ctx);
}

BENCHMARK(BM_CApiRun)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
