// Whole-network check of the graph passes (compiler/passes): imports a zoo model, applies the
// passes in the converter's order (runtime/converter.cc) and, after each pass that changed the
// graph, compares the float32 reference outputs with those of the imported graph on one seeded
// random input.
//
// Tolerance: every fold only reorders fp32 arithmetic, so the bound is the unit tests' fp32
// reassociation tolerance (1e-5 of the output's largest magnitude, tests/unit/fusion_test_util.h)
// even through a whole network (measured worst: 1.9e-6 on ocr_rec); each ratio is printed.
//
// usage: fusion_float_check MODEL.onnx [N,C,H,W]   (the optional shape fixes a dynamic input)
// Exit codes: 0 pass, 1 outputs differ, 2 usage or load error, 77 the cache directory is absent.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "compiler/frontend/onnx_importer.h"
#include "compiler/passes/pipeline.h"
#include "compiler/reference/float_executor.h"

namespace {

using namespace rknnsim;

constexpr double kTolerance = 1e-5;

// Largest |a - b| over all outputs divided by max(1, largest |a|).
double WorstRatio(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b) {
  double peak = 1.0, worst = 0.0;
  for (size_t o = 0; o < a.size(); ++o)
    for (size_t i = 0; i < a[o].size(); ++i) {
      peak = std::max(peak, std::fabs(double(a[o][i])));
      worst = std::max(worst, std::fabs(double(a[o][i]) - b[o][i]));
    }
  return worst / peak;
}

int Run(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MODEL.onnx [N,C,H,W]\n", argv[0]);
    return 2;
  }
  // tests/shared_data.py's rule: an absent cache skips; a cache without the model fails.
  const std::filesystem::path model(argv[1]);
  if (!std::filesystem::exists(model.parent_path())) {
    std::printf("SKIP: %s does not exist (run the model's zoo test first)\n", model.parent_path().c_str());
    return 77;
  }
  frontend::OnnxLoadOptions load;
  if (argc > 2) {
    std::vector<int64_t> dims;
    std::stringstream ss(argv[2]);
    for (std::string d; std::getline(ss, d, ',');) dims.push_back(std::stoll(d));
    load.input_size_list.push_back(dims);
  }
  const ir::Graph imported = frontend::ImportOnnxFile(argv[1], load);
  std::vector<std::vector<float>> inputs;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int id : imported.inputs()) {
    std::vector<float> v(static_cast<size_t>(imported.tensor(id).num_elements()));
    for (float& x : v) x = dist(rng);
    inputs.push_back(std::move(v));
  }
  const auto expected = reference::RunFloat(imported, inputs);
  ir::Graph g = imported;
  bool ok = true;
  passes::RunGraphPasses(g, passes::PassSet::kAll, [&](const passes::PassRun& run, const ir::Graph& after) {
    if (run.rewrites == 0) return;
    const double ratio = WorstRatio(expected, reference::RunFloat(after, inputs));
    std::printf("%-24s %4d rewrite(s), %zu nodes left, worst |diff| / max(1, |out|) = %.3g\n", run.name, run.rewrites,
                after.nodes().size(), ratio);
    ok = ok && ratio <= kTolerance;
  });
  std::printf("%s: %zu -> %zu nodes, %s (tolerance %g)\n", argv[1], imported.nodes().size(), g.nodes().size(),
              ok ? "PASS" : "FAIL", kTolerance);
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const rknnsim::Error& e) {
    std::fprintf(stderr, "E fusion_float_check: %s\n", e.what());
    return 2;
  }
}
