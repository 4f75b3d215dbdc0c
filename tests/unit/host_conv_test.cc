// The host convolutions against their definitions written out here: int8 (oneDNN on VNNI, and the
// plain fallback) exactly, over every in-bounds tap (x - zp) * w with padding contributing
// nothing; float32 within rounding of a double-precision sum.
#include "common/host_conv.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace rknnsim {
namespace {

std::vector<int32_t> Definition(const ConvShape& s, const std::vector<int8_t>& x, int32_t zp,
                                const std::vector<int8_t>& w) {
  std::vector<int32_t> acc(size_t(s.out_h * s.out_w * s.kernels));
  const int64_t cg = s.channels / s.groups, kg = s.kernels / s.groups;
  for (int64_t k = 0; k < s.kernels; ++k)
    for (int64_t oy = 0; oy < s.out_h; ++oy)
      for (int64_t ox = 0; ox < s.out_w; ++ox) {
        int64_t sum = 0;
        for (int64_t c = 0; c < cg; ++c)
          for (int64_t ky = 0; ky < s.kernel_h; ++ky)
            for (int64_t kx = 0; kx < s.kernel_w; ++kx) {
              const int64_t iy = oy * s.stride_h + ky * s.dilation_h - s.pad_top;
              const int64_t ix = ox * s.stride_w + kx * s.dilation_w - s.pad_left;
              const bool inside = iy >= 0 && iy < s.height && ix >= 0 && ix < s.width;
              const int64_t xv = inside ? x[size_t((iy * s.width + ix) * s.channels + k / kg * cg + c)] : zp;
              sum += (xv - zp) * w[size_t(((k * s.kernel_h + ky) * s.kernel_w + kx) * cg + c)];
            }
        acc[size_t((oy * s.out_w + ox) * s.kernels + k)] = static_cast<int32_t>(sum);
      }
  return acc;
}

struct Case {
  std::string name;
  ConvShape shape;
  int32_t zero_point;
};

// Output size of a window over `in` with pads `before`/`after` (ONNX's floor rule).
int64_t Out(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, int64_t before, int64_t after) {
  return (in + before + after - ((kernel - 1) * dilation + 1)) / stride + 1;
}

ConvShape Shape(int64_t c, int64_t h, int64_t w, int64_t k, int64_t groups, int64_t kh, int64_t kw, int64_t stride,
                    int64_t dilation, int64_t pad_before, int64_t pad_after) {
  ConvShape s;
  s.channels = c, s.height = h, s.width = w, s.kernels = k, s.groups = groups;
  s.kernel_h = kh, s.kernel_w = kw, s.stride_h = s.stride_w = stride, s.dilation_h = s.dilation_w = dilation;
  s.pad_top = s.pad_left = pad_before;
  s.out_h = Out(h, kh, stride, dilation, pad_before, pad_after);
  s.out_w = Out(w, kw, stride, dilation, pad_before, pad_after);
  return s;
}

class HostConvTest : public testing::TestWithParam<Case> {};

// Random int8 input (NHWC) and weights (OHWI) of shape s.
void RandomData(const ConvShape& s, uint32_t seed, std::vector<int8_t>& x, std::vector<int8_t>& w) {
  std::mt19937 rng(seed);
  x.resize(size_t(s.height * s.width * s.channels));
  w.resize(size_t(s.kernels * s.kernel_h * s.kernel_w * (s.channels / s.groups)));
  for (int8_t& v : x) v = static_cast<int8_t>(rng() % 256);
  for (int8_t& v : w) v = static_cast<int8_t>(rng() % 256);
}

TEST_P(HostConvTest, BothPathsEqualTheDefinition) {
  const Case& c = GetParam();
  const ConvShape& s = c.shape;
  std::vector<int8_t> x, w;
  RandomData(s, 7, x, w);
  // Extremes too: the sums of -128 * -128 products are where 16-bit shortcuts saturate.
  x[0] = -128, w[0] = -128, x.back() = 127, w.back() = -128;
  const std::vector<int32_t> expected = Definition(s, x, c.zero_point, w);
  std::vector<int32_t> fast(expected.size(), -1), direct(expected.size(), -1);
  Int8ConvAccumulate(s, x.data(), c.zero_point, w.data(), fast.data());
  Int8ConvAccumulateDirect(s, x.data(), c.zero_point, w.data(), direct.data());
  EXPECT_EQ(fast, expected);
  EXPECT_EQ(direct, expected);
  // The compiled shape is reused: a second call with other data is exact as well.
  for (int8_t& v : x) v = static_cast<int8_t>(-v / 2);
  Int8ConvAccumulate(s, x.data(), c.zero_point, w.data(), fast.data());
  EXPECT_EQ(fast, Definition(s, x, c.zero_point, w));
}

// Rows in blocks of every height, as the DPU and the int8 reference take them, equal the whole.
TEST_P(HostConvTest, RowBlocksEqualTheDefinition) {
  const Case& c = GetParam();
  const ConvShape& s = c.shape;
  std::vector<int8_t> x, w;
  RandomData(s, 9, x, w);
  const std::vector<int32_t> expected = Definition(s, x, c.zero_point, w);
  const size_t row = size_t(s.out_w * s.kernels);
  const Int8RowConv conv(s, c.zero_point, ConvWeights{"OHWI", w.data(), w.size(), [&](void* ohwi) {
                           std::memcpy(ohwi, w.data(), w.size());
                         }, {}});
  for (int64_t block = 1; block <= s.out_h; ++block) {
    std::vector<int32_t> acc(expected.size(), -1);
    for (int64_t first = 0; first < s.out_h; first += block)
      conv.Rows(x.data(), first, std::min(block, s.out_h - first), acc.data() + size_t(first) * row);
    EXPECT_EQ(acc, expected) << "blocks of " << block << " rows";
  }
}

// Weights vouched for by an epoch are found again without a comparison; new bytes at the same
// place come with a new epoch and are rearranged anew, and an unvouched call compares them.
TEST_P(HostConvTest, VouchedWeightsFollowTheirEpoch) {
  const Case& c = GetParam();
  const ConvShape& s = c.shape;
  std::vector<int8_t> x, w;
  RandomData(s, 21, x, w);
  static uint64_t epoch = 1000;  // epochs a DDR would hand out: never reused
  const auto run = [&](StoredEpoch since) {
    std::vector<int32_t> acc(size_t(s.out_h * s.out_w * s.kernels));
    Int8RowConv(s, c.zero_point, ConvWeights{"vouched OHWI", w.data(), w.size(),
                                             [&](void* ohwi) { std::memcpy(ohwi, w.data(), w.size()); }, since})
        .Rows(x.data(), 0, s.out_h, acc.data());
    return acc;
  };
  const StoredEpoch first{++epoch, 64};
  EXPECT_EQ(run(first), Definition(s, x, c.zero_point, w));
  EXPECT_EQ(run(first), Definition(s, x, c.zero_point, w));
  for (int8_t& v : w) v = static_cast<int8_t>(v ^ 0x5a);
  EXPECT_EQ(run({++epoch, 64}), Definition(s, x, c.zero_point, w));
  for (int8_t& v : w) v = static_cast<int8_t>(v ^ 0x0f);
  EXPECT_EQ(run({}), Definition(s, x, c.zero_point, w));
}

TEST_P(HostConvTest, FloatConvIsTheSumWithinRounding) {
  const ConvShape& s = GetParam().shape;
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> x(size_t(s.height * s.width * s.channels)), w(size_t(s.kernels * s.kernel_h * s.kernel_w *
                                                                          (s.channels / s.groups)));
  for (float& v : x) v = uniform(rng);
  for (float& v : w) v = uniform(rng);
  std::vector<float> y(size_t(s.out_h * s.out_w * s.kernels));
  FloatConv(s, x.data(), ConvWeights{"test OHWI", w.data(), w.size() * sizeof(float),
                                     [&](void* ohwi) { std::memcpy(ohwi, w.data(), w.size() * sizeof(float)); }, {}},
            y.data());
  const int64_t cg = s.channels / s.groups, kg = s.kernels / s.groups;
  for (int64_t k = 0; k < s.kernels; ++k)
    for (int64_t oy = 0; oy < s.out_h; ++oy)
      for (int64_t ox = 0; ox < s.out_w; ++ox) {
        double sum = 0, magnitude = 0;
        for (int64_t c = 0; c < cg; ++c)
          for (int64_t ky = 0; ky < s.kernel_h; ++ky)
            for (int64_t kx = 0; kx < s.kernel_w; ++kx) {
              const int64_t iy = oy * s.stride_h + ky * s.dilation_h - s.pad_top;
              const int64_t ix = ox * s.stride_w + kx * s.dilation_w - s.pad_left;
              if (iy < 0 || iy >= s.height || ix < 0 || ix >= s.width) continue;
              const double p = double(x[size_t((iy * s.width + ix) * s.channels + k / kg * cg + c)]) *
                               w[size_t(((k * s.kernel_h + ky) * s.kernel_w + kx) * cg + c)];
              sum += p, magnitude += std::abs(p);
            }
        ASSERT_NEAR(y[size_t((oy * s.out_w + ox) * s.kernels + k)], sum, 1e-5 * (magnitude + 1))
            << "kernel " << k << " at " << oy << "," << ox;
      }
}

// Calibration and the C API convolve from several threads at once: every thread gets the bits a
// lone caller gets (oneDNN's shared scratch memory once made calibration differ run to run).
TEST(HostTranspose, EqualsTheDefinitionForEveryShapeClass) {
  std::mt19937 rng(5);
  // Whole 16 x 16 tiles, ragged edges on either side, single rows and columns.
  for (const auto& [rows, cols] : std::vector<std::pair<size_t, size_t>>{
           {1, 1}, {16, 16}, {17, 33}, {40, 5}, {5, 40}, {1, 70}, {70, 1}, {96, 784}}) {
    std::vector<int8_t> a(rows * cols), t(rows * cols);
    std::vector<float> f(rows * cols), ft(rows * cols);
    for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<int8_t>(rng()), f[i] = float(rng() % 1000) - 500.5f;
    Transpose(a.data(), rows, cols, t.data());
    Transpose(f.data(), rows, cols, ft.data());
    for (size_t r = 0; r < rows; ++r)
      for (size_t c = 0; c < cols; ++c) {
        ASSERT_EQ(t[c * rows + r], a[r * cols + c]) << rows << "x" << cols << " at " << r << "," << c;
        ASSERT_EQ(ft[c * rows + r], f[r * cols + c]) << rows << "x" << cols << " at " << r << "," << c;
      }
  }
}

TEST(HostConvThreads, ConcurrentCallersGetTheBitsOfALoneCaller) {
  const std::vector<ConvShape> shapes = {Shape(64, 14, 14, 64, 1, 3, 3, 1, 1, 1, 1), Shape(32, 28, 28, 64, 1, 1, 1, 2, 1, 0, 0),
                                         Shape(48, 20, 20, 48, 48, 3, 3, 1, 1, 1, 1), Shape(16, 30, 30, 32, 1, 5, 5, 1, 1, 2, 2)};
  struct Data {
    std::vector<int8_t> x8, w8;
    std::vector<float> xf, wf;
    std::vector<int32_t> acc;
    std::vector<float> y;
  };
  std::mt19937 rng(3);
  std::vector<Data> lone(shapes.size());
  const auto run = [&](const ConvShape& s, const Data& d, std::vector<int32_t>& acc, std::vector<float>& y) {
    Int8ConvAccumulate(s, d.x8.data(), -5, d.w8.data(), acc.data());
    FloatConv(s, d.xf.data(),
              ConvWeights{"test OHWI", d.wf.data(), d.wf.size() * sizeof(float),
                          [&](void* ohwi) { std::memcpy(ohwi, d.wf.data(), d.wf.size() * sizeof(float)); }, {}},
              y.data());
  };
  for (size_t i = 0; i < shapes.size(); ++i) {
    const ConvShape& s = shapes[i];
    Data& d = lone[i];
    const size_t xn = size_t(s.height * s.width * s.channels), wn = size_t(s.kernels * s.kernel_h * s.kernel_w *
                                                                             (s.channels / s.groups));
    for (size_t j = 0; j < xn; ++j) d.x8.push_back(int8_t(rng() % 256)), d.xf.push_back(float(rng() % 1000) / 999.0f);
    for (size_t j = 0; j < wn; ++j) d.w8.push_back(int8_t(rng() % 256)), d.wf.push_back(float(rng() % 1000) / 777.0f);
    d.acc.resize(size_t(s.out_h * s.out_w * s.kernels)), d.y.resize(d.acc.size());
    run(s, d, d.acc, d.y);
  }
  std::vector<std::thread> threads;
  std::vector<int> mismatches(8, 0);
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        const size_t i = size_t(t + round) % shapes.size();
        std::vector<int32_t> acc(lone[i].acc.size());
        std::vector<float> y(lone[i].y.size());
        run(shapes[i], lone[i], acc, y);
        mismatches[size_t(t)] += acc != lone[i].acc || std::memcmp(y.data(), lone[i].y.data(), y.size() * 4) != 0;
      }
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(mismatches, std::vector<int>(8, 0));
}

// A child forked after the parent convolved on both threads (Python's multiprocessing) convolves
// too, with the same bits, instead of waiting forever for the parent's OpenMP threads.
TEST(HostConvFork, AForkedChildConvolvesWithTheParentsBits) {
  const ConvShape s = Shape(64, 28, 28, 64, 1, 3, 3, 1, 1, 1, 1);
  std::mt19937 rng(5);
  std::vector<int8_t> x(size_t(s.height * s.width * s.channels)), w(size_t(s.kernels * 9 * s.channels));
  for (int8_t& v : x) v = static_cast<int8_t>(rng() % 256);
  for (int8_t& v : w) v = static_cast<int8_t>(rng() % 256);
  std::vector<int32_t> parent(size_t(s.out_h * s.out_w * s.kernels));
  Int8ConvAccumulate(s, x.data(), 3, w.data(), parent.data());
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    alarm(60);  // a hang ends the child with SIGALRM
    std::vector<int32_t> child(parent.size());
    Int8ConvAccumulate(s, x.data(), 3, w.data(), child.data());
    _exit(child == parent ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "the child did not exit (signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0)
                                 << ")";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the child's sums differ from the parent's";
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, HostConvTest,
    testing::Values(Case{"dense3x3_pad1", Shape(64, 14, 14, 64, 1, 3, 3, 1, 1, 1, 1), -7},
                    Case{"pointwise_odd_channels", Shape(13, 9, 11, 21, 1, 1, 1, 1, 1, 0, 0), 5},
                    Case{"stride2_7x7_pad3", Shape(3, 32, 32, 16, 1, 7, 7, 2, 1, 3, 3), -128},
                    Case{"stride2_unread_last_row", Shape(8, 10, 10, 8, 1, 1, 1, 2, 1, 0, 0), 3},
                    Case{"stride2_pad_only_before", Shape(16, 9, 9, 24, 1, 3, 3, 2, 1, 1, 0), 127},
                    Case{"dilated", Shape(16, 20, 20, 16, 1, 3, 3, 1, 2, 2, 2), 0},
                    Case{"grouped", Shape(32, 12, 12, 48, 4, 3, 3, 1, 1, 1, 1), 9},
                    Case{"depthwise", Shape(40, 15, 15, 40, 40, 3, 3, 1, 1, 1, 1), -3},
                    Case{"depthwise_stride2_5x5", Shape(24, 17, 17, 24, 24, 5, 5, 2, 1, 2, 2), 100},
                    Case{"long_sum", Shape(512, 3, 3, 8, 1, 3, 3, 1, 1, 0, 0), -128},
                    Case{"wide_padding", Shape(4, 2, 2, 4, 1, 5, 5, 1, 1, 4, 4), 11}),
    [](const testing::TestParamInfo<Case>& info) { return info.param.name; });

}  // namespace
}  // namespace rknnsim
