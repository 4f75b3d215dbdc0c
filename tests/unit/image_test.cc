#include "common/image.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.h"
#include "common/file_io.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

namespace rknnsim {
namespace {

std::string Temp(const std::string& name) { return ::testing::TempDir() + "/image_test_" + name; }

// A w x h image with `channels` interleaved 8-bit channels; pixel (x, y) channel c = 10c + 3y + x + 1.
std::vector<uint8_t> Pattern(int w, int h, int channels) {
  std::vector<uint8_t> p;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < channels; ++c) p.push_back(static_cast<uint8_t>(10 * c + 3 * y + x + 1));
  return p;
}

std::string WritePng(const std::string& name, int w, int h, int channels) {
  const std::string path = Temp(name);
  const std::vector<uint8_t> p = Pattern(w, h, channels);
  EXPECT_TRUE(stbi_write_png(path.c_str(), w, h, channels, p.data(), w * channels));
  return path;
}

std::string ErrorOf(const std::string& path, int64_t h = 2, int64_t w = 3) {
  try {
    LoadImageNchw(path, h, w, false);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Image, RecognisesImageExtensions) {
  EXPECT_TRUE(IsImagePath("a/b.jpg"));
  EXPECT_TRUE(IsImagePath("B.JPEG"));
  EXPECT_TRUE(IsImagePath("x.Png"));
  EXPECT_TRUE(IsImagePath("x.bmp"));
  EXPECT_FALSE(IsImagePath("x.npy"));
  EXPECT_FALSE(IsImagePath("png"));
}

TEST(Image, PngIsLaidOutNchwInRgbOrderOrSwappedToBgr) {
  const std::string path = WritePng("rgb.png", 3, 2, 3);
  const std::vector<float> rgb = LoadImageNchw(path, 2, 3, false);
  // Channel planes of 2x3, row-major: channel c at (x, y) is 10c + 3y + x + 1.
  const std::vector<float> want = {1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16, 21, 22, 23, 24, 25, 26};
  EXPECT_EQ(rgb, want);
  const std::vector<float> bgr = LoadImageNchw(path, 2, 3, true);
  EXPECT_EQ(std::vector<float>(bgr.begin(), bgr.begin() + 6), std::vector<float>(want.begin() + 12, want.end()));
  EXPECT_EQ(std::vector<float>(bgr.begin() + 12, bgr.end()), std::vector<float>(want.begin(), want.begin() + 6));
}

TEST(Image, BmpAndJpegDecode) {
  const std::string bmp = Temp("rgb.bmp");
  const std::vector<uint8_t> p = Pattern(3, 2, 3);
  ASSERT_TRUE(stbi_write_bmp(bmp.c_str(), 3, 2, 3, p.data()));
  EXPECT_EQ(LoadImageNchw(bmp, 2, 3, false), LoadImageNchw(WritePng("same.png", 3, 2, 3), 2, 3, false));
  // JPEG is lossy: a flat colour comes back within a few levels. The file is PIL's encoding of an
  // 8x8 image of (200, 100, 50) (quality 95, optimized tables): stb_image_write's JPEG encoder
  // shifts negative values, which the UBSan build rejects.
  static const uint8_t kFlatJpeg[] = {
      0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
      0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43, 0x00, 0x02, 0x01, 0x01, 0x01, 0x01, 0x01, 0x02,
      0x01, 0x01, 0x01, 0x02, 0x02, 0x02, 0x02, 0x02, 0x04, 0x03, 0x02, 0x02, 0x02, 0x02, 0x05, 0x04,
      0x04, 0x03, 0x04, 0x06, 0x05, 0x06, 0x06, 0x06, 0x05, 0x06, 0x06, 0x06, 0x07, 0x09, 0x08, 0x06,
      0x07, 0x09, 0x07, 0x06, 0x06, 0x08, 0x0b, 0x08, 0x09, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x06, 0x08,
      0x0b, 0x0c, 0x0b, 0x0a, 0x0c, 0x09, 0x0a, 0x0a, 0x0a, 0xff, 0xdb, 0x00, 0x43, 0x01, 0x02, 0x02,
      0x02, 0x02, 0x02, 0x02, 0x05, 0x03, 0x03, 0x05, 0x0a, 0x07, 0x06, 0x07, 0x0a, 0x0a, 0x0a, 0x0a,
      0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a,
      0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a,
      0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0xff, 0xc0,
      0x00, 0x11, 0x08, 0x00, 0x08, 0x00, 0x08, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11,
      0x01, 0xff, 0xc4, 0x00, 0x15, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0xff, 0xc4, 0x00, 0x14, 0x10, 0x01, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xc4,
      0x00, 0x14, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x08, 0xff, 0xc4, 0x00, 0x14, 0x11, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xda, 0x00, 0x0c, 0x03, 0x01,
      0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00, 0x9e, 0x00, 0xae, 0x6c, 0x3f, 0xff, 0xd9,
  };
  const std::string jpg = Temp("flat.jpg");
  WriteFileBytes(jpg, kFlatJpeg, sizeof(kFlatJpeg));
  const std::vector<float> v = LoadImageNchw(jpg, 8, 8, false);
  for (size_t i = 0; i < 64; ++i) {
    EXPECT_NEAR(v[i], 200, 4);
    EXPECT_NEAR(v[64 + i], 100, 4);
    EXPECT_NEAR(v[128 + i], 50, 4);
  }
}

TEST(Image, ResizesToTheInputSize) {
  // A flat image stays flat at any size (the triangle filter's weights sum to one).
  const std::string path = Temp("flat.png");
  std::vector<uint8_t> flat(5 * 7 * 3);
  for (size_t i = 0; i < flat.size(); ++i) flat[i] = static_cast<uint8_t>(40 + 60 * (i % 3));
  ASSERT_TRUE(stbi_write_png(path.c_str(), 5, 7, 3, flat.data(), 5 * 3));
  for (auto [h, w] : {std::pair<int64_t, int64_t>{3, 2}, {14, 10}, {7, 5}}) {
    const std::vector<float> v = LoadImageNchw(path, h, w, false);
    ASSERT_EQ(v.size(), static_cast<size_t>(3 * h * w));
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t i = 0; i < h * w; ++i) ASSERT_EQ(v[c * h * w + i], 40 + 60 * c) << h << "x" << w;
  }
  // Upsampling a horizontal ramp keeps it a non-decreasing ramp within the original range.
  const std::vector<float> up = LoadImageNchw(WritePng("ramp.png", 3, 2, 3), 4, 6, false);
  for (int64_t y = 0; y < 4; ++y)
    for (int64_t x = 1; x < 6; ++x) EXPECT_GE(up[y * 6 + x], up[y * 6 + x - 1]);
  EXPECT_GE(*std::min_element(up.begin(), up.begin() + 24), 1);
  EXPECT_LE(*std::max_element(up.begin(), up.begin() + 24), 6);
}

TEST(Image, RefusesNonRgbAndUndecodableFiles) {
  EXPECT_NE(ErrorOf(WritePng("gray.png", 3, 2, 1)).find("grayscale image"), std::string::npos);
  EXPECT_NE(ErrorOf(WritePng("ga.png", 3, 2, 2)).find("grayscale+alpha image"), std::string::npos);
  EXPECT_NE(ErrorOf(WritePng("rgba.png", 3, 2, 4)).find("RGBA image"), std::string::npos);
  const std::string png = WritePng("cut.png", 3, 2, 3);
  std::vector<uint8_t> bytes = ReadFileBytes(png);
  bytes.resize(bytes.size() / 2);
  const std::string cut = Temp("cut_half.png");
  WriteFileBytes(cut, bytes.data(), bytes.size());
  EXPECT_NE(ErrorOf(cut).find("cannot decode image"), std::string::npos);
  const std::string text = Temp("text.jpg");
  WriteFileBytes(text, "hello", 5);
  EXPECT_NE(ErrorOf(text).find("cannot decode image"), std::string::npos);
  EXPECT_NE(ErrorOf(Temp("missing.png")).find("cannot open"), std::string::npos);
}

// A BMP whose header declares more pixels than the file holds is refused before decoding (the
// image fuzz target's find: 400 bytes declaring 2883591x5 pixels took seconds to decode).
TEST(Image, RefusesBmpsShorterThanTheirPixels) {
  const std::string path = Temp("real.bmp");
  const std::vector<uint8_t> p = Pattern(7, 5, 3);
  ASSERT_TRUE(stbi_write_bmp(path.c_str(), 7, 5, 3, p.data()));
  std::vector<uint8_t> bytes = ReadFileBytes(path);
  EXPECT_EQ(DecodeImageBytes(bytes, "real.bmp").width, 7);
  const std::vector<uint8_t> whole = bytes;
  bytes.resize(bytes.size() - 4);  // one pixel row short
  try {
    DecodeImageBytes(bytes, "cut.bmp");
    ADD_FAILURE() << "a truncated BMP decoded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("BMP header declares 7x5 pixels"), std::string::npos) << e.what();
  }
  bytes = whole;
  bytes[18] = 0x07, bytes[19] = 0x00, bytes[20] = 0x2c, bytes[21] = 0x00;  // width 2883591
  EXPECT_THROW(DecodeImageBytes(bytes, "forged.bmp"), Error);
  // The fuzz target's second find: 29 bytes, a 40-byte header cut short, declaring 7424x28437
  // pixels of 1 bit (stb reads past the end as zeros); here with 3861 rows, under the pixel cap.
  const std::vector<uint8_t> stub = {0x42, 0x4d, 0xae, 0x00, 0x41, 0x00, 0x32, 0x00, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x28,
                                     0x00, 0x00, 0x00, 0x00, 0x1d, 0x00, 0x00, 0x15, 0x0f, 0x00, 0x00, 0x01, 0x00, 0x01};
  try {
    DecodeImageBytes(stub, "stub.bmp");
    ADD_FAILURE() << "a 29-byte BMP decoded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("declares 7424x3861 pixels"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rknnsim
