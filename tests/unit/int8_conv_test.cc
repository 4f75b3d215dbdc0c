// The exact int8 convolution sum (oneDNN on VNNI, and the plain fallback) against the definition
// written out here: over every in-bounds tap, (x - zp) * w; padding contributes nothing.
#include "common/int8_conv.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace rknnsim {
namespace {

std::vector<int32_t> Definition(const Int8ConvShape& s, const std::vector<int8_t>& x, int32_t zp,
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
  Int8ConvShape shape;
  int32_t zero_point;
};

// Output size of a window over `in` with pads `before`/`after` (ONNX's floor rule).
int64_t Out(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, int64_t before, int64_t after) {
  return (in + before + after - ((kernel - 1) * dilation + 1)) / stride + 1;
}

Int8ConvShape Shape(int64_t c, int64_t h, int64_t w, int64_t k, int64_t groups, int64_t kh, int64_t kw, int64_t stride,
                    int64_t dilation, int64_t pad_before, int64_t pad_after) {
  Int8ConvShape s;
  s.channels = c, s.height = h, s.width = w, s.kernels = k, s.groups = groups;
  s.kernel_h = kh, s.kernel_w = kw, s.stride_h = s.stride_w = stride, s.dilation_h = s.dilation_w = dilation;
  s.pad_top = s.pad_left = pad_before;
  s.out_h = Out(h, kh, stride, dilation, pad_before, pad_after);
  s.out_w = Out(w, kw, stride, dilation, pad_before, pad_after);
  return s;
}

class Int8ConvTest : public testing::TestWithParam<Case> {};

TEST_P(Int8ConvTest, BothPathsEqualTheDefinition) {
  const Case& c = GetParam();
  const Int8ConvShape& s = c.shape;
  std::mt19937 rng(7);
  std::vector<int8_t> x(size_t(s.height * s.width * s.channels)), w(size_t(s.kernels * s.kernel_h * s.kernel_w *
                                                                            (s.channels / s.groups)));
  for (int8_t& v : x) v = static_cast<int8_t>(rng() % 256);
  for (int8_t& v : w) v = static_cast<int8_t>(rng() % 256);
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

INSTANTIATE_TEST_SUITE_P(
    Shapes, Int8ConvTest,
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
