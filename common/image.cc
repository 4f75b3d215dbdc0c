#include "common/image.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include "common/error.h"
#include "common/file_io.h"

// stb is a single-header library: exactly one translation unit compiles its implementation.
// Only the formats the toolkit documents for datasets are enabled (manual §4.3).
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_BMP
#define STBI_NO_STDIO  // files are read by ReadFileBytes so that errors name the path alike
#define STBI_FAILURE_USERMSG
#include <stb/stb_image.h>
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb/stb_image_resize.h>

namespace rknnsim {
namespace {

constexpr int64_t kMaxPixels = int64_t{1} << 28;  // refuse absurd sizes before allocating

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

uint64_t Le(const std::vector<uint8_t>& b, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | b[at + i];
  return v;
}

// A BMP stores its pixels as they are (or run-length coded, at most 255 pixels per 2 bytes): a
// file shorter than the pixels its header declares is truncated or forged. stb would decode it
// anyway, filling in zeros pixel by pixel; a 400-byte file declaring 2883591x5 pixels kept the
// decoder busy for seconds (found by the image fuzz target). Checked from the header, before
// decoding.
void CheckBmpHoldsItsPixels(const std::vector<uint8_t>& bytes, int w, int h, const std::string& path) {
  // BITMAPINFOHEADER (40 bytes) and its successors hold bpp at 28 and compression at 30; the
  // OS/2 12-byte header (stb reads it too) does not, and is left to stb.
  if (bytes.size() < 34 || bytes[0] != 'B' || bytes[1] != 'M' || Le(bytes, 14, 4) < 40) return;
  const uint64_t offset = Le(bytes, 10, 4), bpp = Le(bytes, 28, 2), compression = Le(bytes, 30, 4);
  const uint64_t pixels = uint64_t(w) * uint64_t(h);
  const bool raw = compression == 0 || compression == 3;  // BI_RGB, BI_BITFIELDS
  const uint64_t need = raw ? offset + (uint64_t(w) * bpp + 31) / 32 * 4 * uint64_t(h) : pixels / 128;
  if (bytes.size() < need)
    throw Error(path + ": BMP header declares " + std::to_string(w) + "x" + std::to_string(h) + " pixels (" +
                    std::to_string(need) + " bytes), the file holds " + std::to_string(bytes.size()),
                "the file is truncated or not a real BMP; re-export the image");
}

std::string ChannelWord(int channels) {
  switch (channels) {
    case 1: return "grayscale";
    case 2: return "grayscale+alpha";
    case 4: return "RGBA";
    default: return std::to_string(channels) + "-channel";
  }
}

}  // namespace

bool IsImagePath(const std::string& path) {
  const std::string p = Lower(path);
  for (const char* ext : {".jpg", ".jpeg", ".png", ".bmp"}) {
    const size_t n = std::char_traits<char>::length(ext);
    if (p.size() >= n && p.compare(p.size() - n, n, ext) == 0) return true;
  }
  return false;
}

DecodedImage DecodeImage(const std::string& path) { return DecodeImageBytes(ReadFileBytes(path), path); }

DecodedImage DecodeImageBytes(const std::vector<uint8_t>& bytes, const std::string& path) {
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
    throw Error(path + ": image file too large");
  int w = 0, h = 0, c = 0;
  const int len = static_cast<int>(bytes.size());
  if (!stbi_info_from_memory(bytes.data(), len, &w, &h, &c))
    throw Error(path + ": cannot decode image (" + std::string(stbi_failure_reason()) + ")",
                "use a baseline .jpg, .png or .bmp, or save the sample as .npy");
  if (int64_t{w} * h > kMaxPixels) throw Error(path + ": image too large (" + std::to_string(w) + "x" + std::to_string(h) + ")");
  CheckBmpHoldsItsPixels(bytes, w, h, path);
  stbi_uc* data = stbi_load_from_memory(bytes.data(), len, &w, &h, &c, 0);
  if (!data)
    throw Error(path + ": cannot decode image (" + std::string(stbi_failure_reason()) + ")",
                "use a baseline .jpg, .png or .bmp, or save the sample as .npy");
  DecodedImage image;
  image.width = w, image.height = h, image.channels = c;
  image.pixels.assign(data, data + static_cast<size_t>(w) * h * c);
  stbi_image_free(data);
  return image;
}

std::vector<float> LoadImageNchw(const std::string& path, int64_t height, int64_t width, bool rgb2bgr) {
  DecodedImage image = DecodeImage(path);
  if (image.channels != 3)
    throw Error(path + ": " + ChannelWord(image.channels) + " image; images must be 3-channel RGB",
                "convert it to RGB (e.g. PIL Image.convert('RGB')), or save the sample as .npy");
  std::vector<uint8_t> pixels = std::move(image.pixels);
  if (image.height != height || image.width != width) {
    // The toolkit resizes dataset images to the input size; the filter is ours (see header).
    std::vector<uint8_t> resized(static_cast<size_t>(height * width * 3));
    const int ok = stbir_resize_uint8_generic(pixels.data(), image.width, image.height, 0, resized.data(),
                                              static_cast<int>(width), static_cast<int>(height), 0, 3,
                                              STBIR_ALPHA_CHANNEL_NONE, 0, STBIR_EDGE_CLAMP, STBIR_FILTER_TRIANGLE,
                                              STBIR_COLORSPACE_LINEAR, nullptr);
    if (!ok) throw Error(path + ": cannot resize image to " + std::to_string(width) + "x" + std::to_string(height));
    pixels = std::move(resized);
  }
  const size_t plane = static_cast<size_t>(height * width);
  std::vector<float> nchw(3 * plane);
  for (size_t i = 0; i < plane; ++i)
    for (size_t c = 0; c < 3; ++c) nchw[(rgb2bgr ? 2 - c : c) * plane + i] = pixels[i * 3 + c];
  return nchw;
}

}  // namespace rknnsim
