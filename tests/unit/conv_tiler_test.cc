#include "compiler/lower/conv_tiler.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace rknnsim::lower {
namespace {

isa::PlatformConfig SmallCbuf() {
  isa::PlatformConfig p;
  p.cbuf_banks = 4;
  p.cbuf_bank_bytes = 4096;
  return p;
}

TEST(ConvTiler, CoversEveryRowAndKernelOnce) {
  ConvShape s;
  s.in_height = 64, s.in_width = 64, s.in_channels_aligned = 16;
  s.out_height = 64, s.kernels_aligned = 64, s.kernel_h = 3, s.kernel_w = 3, s.pad_top = 1;
  s.kernel_atom = 32;
  const auto tiles = TileConvolution(s, SmallCbuf(), "conv");
  ASSERT_GT(tiles.size(), 1u);
  std::vector<int> covered(64 * 64, 0);
  for (const ConvTile& t : tiles) {
    uint32_t first = 0, last = 0;
    InputRowsFor(s, t.out_row_begin, t.out_rows, first, last);
    EXPECT_LE((last - first + 1) * 64u * 16u, t.data_banks * 4096u);  // input rows fit the data banks
    for (uint32_t r = t.out_row_begin; r < t.out_row_begin + t.out_rows; ++r)
      for (uint32_t k = t.kernel_begin; k < t.kernel_begin + t.kernels; ++k) ++covered[r * 64 + k];
  }
  for (int c : covered) EXPECT_EQ(c, 1);
}

TEST(ConvTiler, RejectsRowsThatCannotFit) {
  ConvShape s;
  s.in_height = 8, s.in_width = 4096, s.in_channels_aligned = 64;
  s.out_height = 8, s.kernels_aligned = 32, s.kernel_h = 3, s.kernel_w = 3, s.kernel_atom = 32;
  EXPECT_THROW(TileConvolution(s, SmallCbuf(), "wide"), Error);
}

}  // namespace
}  // namespace rknnsim::lower

namespace rknnsim::lower {
namespace {

TEST(ConvTiler, OneTileWhenTheWholeInputFits) {
  // A 2-row input under a 3-row window (pads make up the rest) fits at once: no per-row tasks.
  ConvShape s;
  s.in_height = 2, s.in_width = 8, s.in_channels_aligned = 16;
  s.out_height = 2, s.kernels_aligned = 32, s.kernel_h = 3, s.kernel_w = 3, s.pad_top = 1, s.kernel_atom = 32;
  EXPECT_EQ(TileConvolution(s, SmallCbuf(), "short").size(), 1u);
}

}  // namespace
}  // namespace rknnsim::lower

namespace rknnsim::lower {
namespace {

TEST(ConvTiler, WideInputsGetMoreDataBanksBySplittingKernelGroups) {
  // One 3-row window of a 128-wide, 16-channel input needs 6 KiB: two of the four 4 KiB banks.
  ConvShape s;
  s.in_height = 16, s.in_width = 128, s.in_channels_aligned = 16;
  s.out_height = 16, s.kernels_aligned = 256, s.kernel_h = 3, s.kernel_w = 3, s.pad_top = 1, s.kernel_atom = 32;
  const auto tiles = TileConvolution(s, SmallCbuf(), "wide");
  for (const ConvTile& t : tiles) {
    EXPECT_GE(t.data_banks, 2u);
    EXPECT_EQ(t.kernels, 32u);  // one kernel group per chunk
  }
}

}  // namespace
}  // namespace rknnsim::lower

namespace rknnsim::lower {
namespace {

TEST(ConvTiler, DepthwiseChunksLoadOnlyTheirOwnChannels) {
  // A 5-row window of all 256 channels (40 KiB) exceeds the 16 KiB CBUF, but a depthwise chunk
  // reads only its own channels: chunks of 32 channels need 5 * 32 * 32 = 5 KiB.
  ConvShape s;
  s.in_height = 6, s.in_width = 32, s.in_channels_aligned = 256;
  s.out_height = 6, s.kernels_aligned = 256, s.kernel_h = 5, s.kernel_w = 5, s.pad_top = 2, s.kernel_atom = 32;
  s.depthwise = true;
  const auto tiles = TileConvolution(s, SmallCbuf(), "dw");
  std::vector<int> covered(256, 0);
  for (const ConvTile& t : tiles) {
    uint32_t first = 0, last = 0;
    InputRowsFor(s, t.out_row_begin, t.out_rows, first, last);
    EXPECT_LE((last - first + 1) * 32u * t.kernels, t.data_banks * 4096u);
    if (t.out_row_begin == 0)
      for (uint32_t k = t.kernel_begin; k < t.kernel_begin + t.kernels; ++k) ++covered[k];
  }
  for (int c : covered) EXPECT_EQ(c, 1);
  s.depthwise = false;  // the same window as a direct convolution cannot fit
  EXPECT_THROW(TileConvolution(s, SmallCbuf(), "direct"), Error);
}

}  // namespace
}  // namespace rknnsim::lower
