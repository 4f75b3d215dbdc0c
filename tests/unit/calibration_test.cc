// Calibration algorithms (quantized_algorithm normal / kl_divergence / mmse) and the layer weight
// method: the statistics they read, their ranges on known distributions, their effect on a
// network whose calibration set holds outliers, and determinism.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

#include <gtest/gtest.h>

#include "common/error.h"
#include "compiler/quant/calibration.h"
#include "compiler/quant/calibration_kl.h"
#include "compiler/quant/calibration_mmse.h"
#include "compiler/quant/calibration_stats.h"
#include "compiler/quant/histogram.h"
#include "compiler/reference/float_executor.h"
#include "compiler/reference/quant_executor.h"
#include "tests/ops/one_op_graph.h"

namespace rknnsim::quant {
namespace {

using testing_support::OneOpGraph;
using testing_support::Window;

std::vector<float> Gaussian(size_t n, uint32_t seed, float sigma = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, sigma);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

std::vector<float> Laplace(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::exponential_distribution<float> magnitude(1.0f);
  std::bernoulli_distribution sign(0.5);
  std::vector<float> v(n);
  for (float& x : v) x = sign(rng) ? magnitude(rng) : -magnitude(rng);
  return v;
}

TensorStats StatsOf(const std::vector<float>& v) {
  TensorStats s;
  s.min = *std::min_element(v.begin(), v.end());
  s.max = *std::max_element(v.begin(), v.end());
  s.seen = true;
  s.histogram.Add(v.data(), v.size());
  return s;
}

bool SameHistogram(const ZeroAnchoredHistogram& a, const ZeroAnchoredHistogram& b) {
  return a.bin_width() == b.bin_width() && a.first_bin() == b.first_bin() && a.counts() == b.counts() &&
         a.total() == b.total() && a.zeros() == b.zeros();
}

// ---- histogram ----

TEST(ZeroAnchoredHistogram, CountsEachFiniteValueInItsPowerOfTwoBin) {
  ZeroAnchoredHistogram h;
  const std::vector<float> v = {0.0f, 0.0f, 1.0f, -1.0f, 3.0f, NAN, INFINITY, -INFINITY};
  h.Add(v.data(), v.size());
  EXPECT_EQ(h.total(), 5u);
  EXPECT_EQ(h.zeros(), 2u);
  EXPECT_FLOAT_EQ(h.lo(), -1.0f);
  EXPECT_FLOAT_EQ(h.hi(), 3.0f);
  // [-1, 3] needs 4/w + 1 bins (3.0 opens the last one): 8193 at w = 2^-11, so w = 2^-10.
  EXPECT_EQ(h.bin_width(), std::ldexp(1.0, -10));
  EXPECT_EQ(h.first_bin(), -1024);
  ASSERT_EQ(h.counts().size(), 4097u);
  EXPECT_EQ(h.counts()[0], 1u);            // -1.0
  EXPECT_EQ(h.counts()[1024], 2u);         // the zeros, bin [0, w)
  EXPECT_EQ(h.counts()[1024 + 1024], 1u);  // 1.0
  EXPECT_EQ(h.counts().back(), 1u);        // 3.0, the last bin
  EXPECT_GT(static_cast<int64_t>(h.counts().size()), ZeroAnchoredHistogram::kMaxBins / 2);
}

TEST(ZeroAnchoredHistogram, DoesNotDependOnHowValuesAreSplitOrMerged) {
  const std::vector<float> v = Laplace(50000, 3);
  ZeroAnchoredHistogram whole;
  whole.Add(v.data(), v.size());
  // Small chunks first (fine bins, later coarsened), merged in reverse order.
  std::vector<ZeroAnchoredHistogram> parts;
  for (size_t at = 0; at < v.size(); at += 997) {
    parts.emplace_back();
    parts.back().Add(v.data() + at, std::min<size_t>(997, v.size() - at));
  }
  ZeroAnchoredHistogram merged;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) merged.Merge(*it);
  EXPECT_TRUE(SameHistogram(whole, merged));
  ZeroAnchoredHistogram incremental;
  for (size_t at = 0; at < v.size(); at += 4096) incremental.Add(v.data() + at, std::min<size_t>(4096, v.size() - at));
  EXPECT_TRUE(SameHistogram(whole, incremental));
}

TEST(ZeroAnchoredHistogram, AddWithinKnownExtremesEqualsAdd) {
  const std::vector<float> v = Gaussian(30000, 6);
  ZeroAnchoredHistogram a, b;
  a.Add(v.data(), v.size());
  b.AddWithin(v.data(), v.size(), *std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end()));
  EXPECT_TRUE(SameHistogram(a, b));
}

TEST(CalibrationStatistics, NonFiniteActivationsStayOutOfTheHistogram) {
  OneOpGraph b;
  const int x = b.Input({1, 2, 4, 4});
  b.Node(ir::OpKind::kRelu, {x});
  std::vector<Sample> samples = testing_support::RandomSamples(b.graph(), 2);
  samples[0][0][3] = NAN;
  samples[1][0][5] = INFINITY;
  const std::vector<TensorStats> stats = CollectStatistics(b.graph(), samples, {true, 2});
  EXPECT_EQ(stats[static_cast<size_t>(x)].histogram.total(), 62u);
  EXPECT_TRUE(std::isinf(stats[static_cast<size_t>(x)].max));
  // The searches fall back to min/max when the range is not finite.
  EXPECT_EQ(MmseRange(stats[static_cast<size_t>(x)]).max, stats[static_cast<size_t>(x)].max);
  EXPECT_EQ(KlDivergenceRange(stats[static_cast<size_t>(x)]).max, stats[static_cast<size_t>(x)].max);
}

TEST(ZeroAnchoredHistogram, CoarsenKeepsEveryCount) {
  const std::vector<float> v = Gaussian(20000, 5);
  ZeroAnchoredHistogram h;
  h.Add(v.data(), v.size());
  const double width = h.bin_width();
  h.CoarsenTo(2048);
  EXPECT_LE(h.counts().size(), 2048u);
  EXPECT_GT(h.bin_width(), width);
  uint64_t sum = 0;
  for (uint64_t c : h.counts()) sum += c;
  EXPECT_EQ(sum, 20000u);
}

// ---- ranges on known distributions ----

TEST(KlDivergence, ClipsTheTailsOfAGaussianButNotAUniform) {
  const TensorStats gauss = StatsOf(Gaussian(1000000, 11));
  const TensorRange g = KlDivergenceRange(gauss);
  EXPECT_GT(g.max, 3.0f);
  EXPECT_LT(g.max, 0.97f * gauss.max);
  EXPECT_LT(g.min, -3.0f);
  EXPECT_GT(g.min, 0.97f * gauss.min);

  std::vector<float> u = testing_support::Random(1000000, 12, 0.0f, 4.0f);
  const TensorStats uniform = StatsOf(u);
  const TensorRange r = KlDivergenceRange(uniform);
  EXPECT_EQ(r.min, uniform.min);  // no negative values: the lower end stays
  EXPECT_GT(r.max, 0.95f * uniform.max);
}

TEST(KlDivergence, IgnoresTheSpikeOfExactZerosAfterARelu) {
  std::vector<float> v = Gaussian(400000, 13);
  for (float& x : v) x = std::max(x, 0.0f);  // half the values are exactly 0
  const TensorStats relu = StatsOf(v);
  const TensorRange r = KlDivergenceRange(relu);
  EXPECT_EQ(r.min, 0.0f);
  EXPECT_GT(r.max, 2.5f);  // not the smallest window the spike at 0 would favour
}

TEST(Mmse, FindsTheKnownOptimalClippingOfGaussianAndLaplace) {
  // Numerically integrated optima of s²/12 · P(in) + E[(|x| - T)² ; |x| > T], s = 2T/255:
  // T ≈ 3.92 σ for a Gaussian, T ≈ 8.85 b for a Laplace distribution of scale b.
  const TensorRange g = MmseRange(StatsOf(Gaussian(1000000, 21)));
  EXPECT_NEAR(g.max, 3.92f, 0.4f);
  EXPECT_NEAR(g.min, -3.92f, 0.4f);
  const TensorRange l = MmseRange(StatsOf(Laplace(1000000, 22)));
  EXPECT_NEAR(l.max, 8.85f, 1.2f);
  EXPECT_NEAR(l.min, -8.85f, 1.2f);
  // Nothing to gain by clipping a uniform distribution.
  const TensorStats uniform = StatsOf(testing_support::Random(200000, 23, -1.0f, 3.0f));
  const TensorRange u = MmseRange(uniform);
  EXPECT_GT(u.max, 0.98f * uniform.max);
  EXPECT_LT(u.min, 0.98f * uniform.min);
}

TEST(Mmse, WeightThresholdMinimizesTheExactError) {
  auto error = [](const std::vector<float>& w, float threshold) {
    const float s = std::max(threshold, 1e-8f) / 127.0f;
    double e = 0.0;
    for (float x : w) {
      const double d = double(x) - double(s * std::clamp(std::round(x / s), -127.0f, 127.0f));
      e += d * d;
    }
    return e;
  };
  std::vector<float> w = Gaussian(4096, 31, 0.05f);
  w[17] = 1.0f;  // one outlier weight: 20 sigma
  const float t = MmseWeightThreshold(w.data(), w.size());
  EXPECT_LT(t, 1.0f);
  EXPECT_LT(error(w, t), error(w, 1.0f));
  for (int k = 0; k < kMmseWeightCandidates; ++k)
    EXPECT_LE(error(w, t), error(w, 1.0f * (1.0f - static_cast<float>(k) / kMmseWeightSteps)));
  // Uniform weights: clipping only hurts.
  const std::vector<float> u = testing_support::Random(4096, 32, -0.5f, 0.5f);
  float max_abs = 0.0f;
  for (float x : u) max_abs = std::max(max_abs, std::fabs(x));
  EXPECT_EQ(MmseWeightThreshold(u.data(), u.size()), max_abs);
}

TEST(Mmse, FastRoundingEqualsStdRound) {
  std::vector<float> q = testing_support::Random(200000, 41, -140.0f, 140.0f);
  for (float v = -128.0f; v <= 128.0f; v += 0.25f) q.push_back(v);  // every tie and integer
  for (float v : {0.49999997f, -0.49999997f, 126.5f, -126.5f, 127.49f, 1e30f, -1e30f, INFINITY, -INFINITY, -0.0f})
    q.push_back(v);
  for (float v : q) {
    const float expected = std::clamp(std::round(v), -127.0f, 127.0f);
    EXPECT_EQ(RoundClamp127ForTest(v), expected) << v;
  }
}

TEST(Calibrate, NormalIsMinMaxAndUnknownSettingsAreRefused) {
  OneOpGraph b;
  const int x = b.Input({1, 4, 8, 8});
  b.Node(ir::OpKind::kRelu, {x});
  const std::vector<Sample> samples = testing_support::RandomSamples(b.graph(), 3);
  QuantConfig config;
  const std::vector<TensorRange> ranges = Calibrate(b.graph(), samples, config);
  const std::vector<TensorRange> minmax = CalibrateMinMax(b.graph(), samples);
  for (size_t t = 0; t < ranges.size(); ++t) {
    EXPECT_EQ(ranges[t].min, minmax[t].min);
    EXPECT_EQ(ranges[t].max, minmax[t].max);
  }
  float lo = INFINITY;
  for (const Sample& s : samples) lo = std::min(lo, *std::min_element(s[0].begin(), s[0].end()));
  EXPECT_EQ(ranges[x].min, lo);
  config.quantized_algorithm = "entropy";
  EXPECT_THROW(Calibrate(b.graph(), samples, config), Error);
  config.quantized_algorithm = "mmse";
  config.quantized_method = "tensor";
  EXPECT_THROW(WeightOptionsFor(config), Error);
}

// ---- a network whose calibration set holds rare huge values ----

struct HeavyTailedConv {
  ir::Graph graph;
  std::vector<Sample> calibration;
  std::vector<Sample> held_out;
};

// Conv C→16 3x3 on N(0, 1) inputs; two calibration samples carry one glitch value each (+90 and
// -75), as a few bad images would. The held-out inputs are clean draws from the same source.
// Squared error weighs a clipped glitch against the rounding noise of every other value, so mmse
// only clips when a glitch is rarer than about one in 10^6 values: `big` makes it so
// (32 samples of 16x64x64); the small variant keeps the determinism tests quick.
HeavyTailedConv MakeHeavyTailedConv(bool big) {
  const int64_t channels = big ? 16 : 8, side = big ? 64 : 16;
  OneOpGraph b;
  const int x = b.Input({1, channels, side, side});
  const int w = b.Const({16, channels, 3, 3}, 0.3f);
  const int bias = b.Const({16}, 0.2f);
  b.Node(ir::OpKind::kConv, {x, w, bias}, Window(3, 1, 1));
  HeavyTailedConv c{b.graph(), {}, {}};
  const size_t n = static_cast<size_t>(c.graph.tensor(x).num_elements());
  for (uint32_t s = 0; s < (big ? 32u : 12u); ++s) c.calibration.push_back({Gaussian(n, 100 + s)});
  c.calibration[0][0][500] = 90.0f;
  c.calibration[3][0][1234] = -75.0f;
  for (uint32_t s = 0; s < 4; ++s) c.held_out.push_back({Gaussian(n, 900 + s)});
  return c;
}

struct OutputError {
  double mse = 0.0;
  double cosine = 0.0;
};

// Quantizes a copy of the graph with `config` and compares the int8 reference's dequantized
// outputs with the float32 reference over the held-out inputs.
OutputError HeldOutError(const HeavyTailedConv& c, const QuantConfig& config) {
  ir::Graph q = c.graph;
  QuantizeInt8(q, Calibrate(q, c.calibration, config), WeightOptionsFor(config));
  double se = 0.0, dot = 0.0, nf = 0.0, nq = 0.0;
  size_t count = 0;
  for (const Sample& s : c.held_out) {
    const std::vector<float> f = reference::RunFloat(c.graph, s)[0];
    const std::vector<float> y = reference::DequantizeOutputs(q, reference::RunQuantized(q, s))[0];
    for (size_t i = 0; i < f.size(); ++i) {
      se += (double(y[i]) - f[i]) * (double(y[i]) - f[i]);
      dot += double(y[i]) * f[i], nf += double(f[i]) * f[i], nq += double(y[i]) * y[i];
    }
    count += f.size();
  }
  return {se / double(count), dot / std::sqrt(nf * nq)};
}

TEST(HeavyTailedCalibration, KlAndMmseBeatMinMaxOnHeldOutInputs) {
  const HeavyTailedConv c = MakeHeavyTailedConv(true);
  QuantConfig config;
  const OutputError normal = HeldOutError(c, config);
  config.quantized_algorithm = "kl_divergence";
  const OutputError kl = HeldOutError(c, config);
  config.quantized_algorithm = "mmse";
  const OutputError mmse = HeldOutError(c, config);
  std::printf("held-out output MSE / cosine: normal %.3g / %.6f, kl_divergence %.3g / %.6f, mmse %.3g / %.6f\n",
              normal.mse, normal.cosine, kl.mse, kl.cosine, mmse.mse, mmse.cosine);
  // The glitches stretch min/max to [-75, 90]: a step of 0.65 for values of σ = 1.
  EXPECT_LT(kl.mse, normal.mse / 4) << "normal " << normal.mse << " kl " << kl.mse;
  EXPECT_LT(mmse.mse, normal.mse / 4) << "normal " << normal.mse << " mmse " << mmse.mse;
  EXPECT_GT(kl.cosine, normal.cosine);
  EXPECT_GT(mmse.cosine, normal.cosine);
  EXPECT_GT(mmse.cosine, 0.999);
}

TEST(HeavyTailedCalibration, LayerMethodSharesOneWeightScale) {
  HeavyTailedConv c = MakeHeavyTailedConv(false);
  ir::Graph& g = c.graph;
  const int w = g.nodes()[0].inputs[1];
  float max_abs = 0.0f;
  for (float v : g.tensor(w).float_data) max_abs = std::max(max_abs, std::fabs(v));
  QuantConfig config;
  config.quantized_method = "layer";
  QuantizeInt8(g, Calibrate(g, c.calibration, config), WeightOptionsFor(config));
  const ir::QuantParams& q = g.tensor(w).quant;
  ASSERT_EQ(q.scale.size(), 16u);  // replicated per output channel
  for (float s : q.scale) EXPECT_EQ(s, max_abs / 127.0f);
  // The per-channel default gives channels their own scales.
  HeavyTailedConv d = MakeHeavyTailedConv(false);
  QuantizeInt8(d.graph, Calibrate(d.graph, d.calibration, {}), WeightOptionsFor({}));
  const std::vector<float>& per_channel = d.graph.tensor(w).quant.scale;
  EXPECT_NE(*std::min_element(per_channel.begin(), per_channel.end()),
            *std::max_element(per_channel.begin(), per_channel.end()));
}

// ---- determinism ----

TEST(CalibrationDeterminism, SameRangesAndWeightsTwiceAndForAnyThreadCount) {
  const HeavyTailedConv c = MakeHeavyTailedConv(false);
  for (const char* algorithm : {"normal", "kl_divergence", "mmse"})
    for (const char* method : {"channel", "layer"}) {
      SCOPED_TRACE(std::string(algorithm) + " " + method);
      QuantConfig config;
      config.quantized_algorithm = algorithm;
      config.quantized_method = method;
      std::vector<ir::Graph> graphs;
      for (int threads : {1, 1, 2, 3}) {
        graphs.push_back(c.graph);
        QuantizeInt8(graphs.back(), Calibrate(graphs.back(), c.calibration, config, threads),
                     WeightOptionsFor(config, threads));
      }
      for (size_t i = 1; i < graphs.size(); ++i)
        for (size_t t = 0; t < graphs[0].tensors().size(); ++t) {
          const ir::Tensor& a = graphs[0].tensor(static_cast<int>(t));
          const ir::Tensor& b = graphs[i].tensor(static_cast<int>(t));
          EXPECT_EQ(a.quant.scale, b.quant.scale) << a.name;
          EXPECT_EQ(a.quant.zero_point, b.quant.zero_point) << a.name;
          EXPECT_EQ(a.bytes, b.bytes) << a.name;
        }
    }
}

TEST(CalibrationDeterminism, StatisticsDoNotDependOnThreads) {
  const HeavyTailedConv c = MakeHeavyTailedConv(false);
  const std::vector<TensorStats> one = CollectStatistics(c.graph, c.calibration, {true, 1});
  const std::vector<TensorStats> four = CollectStatistics(c.graph, c.calibration, {true, 4});
  ASSERT_EQ(one.size(), four.size());
  for (size_t t = 0; t < one.size(); ++t) {
    EXPECT_EQ(one[t].seen, four[t].seen);
    EXPECT_EQ(std::memcmp(&one[t].min, &four[t].min, sizeof(float)), 0);
    EXPECT_EQ(std::memcmp(&one[t].max, &four[t].max, sizeof(float)), 0);
    EXPECT_TRUE(SameHistogram(one[t].histogram, four[t].histogram));
  }
}

TEST(CalibrationStatistics, StreamingRunSeesTheSameValuesAsTheFullRun) {
  const HeavyTailedConv c = MakeHeavyTailedConv(false);
  const reference::TensorValues all = reference::RunFloatAll(c.graph, c.calibration[0]);
  size_t visited = 0;
  reference::RunFloatStreaming(c.graph, c.calibration[0], [&](int id, const std::vector<float>& v) {
    EXPECT_EQ(v, all[static_cast<size_t>(id)]);
    ++visited;
  });
  EXPECT_EQ(visited, 2u);  // the input and the conv output
}

}  // namespace
}  // namespace rknnsim::quant
