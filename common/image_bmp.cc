// BMP through stb_image (Debian libstb-dev), the one format left to it: stb is a single-header
// library, so exactly one translation unit compiles its implementation, with only BMP enabled.
#include <cstdint>

#include "common/error.h"
#include "common/image_codecs.h"

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_BMP
#define STBI_NO_STDIO  // files are read by ReadFileBytes so that errors name the path alike
#define STBI_FAILURE_USERMSG
#include <stb/stb_image.h>

namespace rknnsim {
namespace {

uint64_t Le(const std::vector<uint8_t>& b, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | b[at + i];
  return v;
}

// A BMP stores its pixels as they are (or run-length coded, which stb refuses): a file shorter
// than its header and the pixels the header declares is truncated or forged. stb would decode it
// anyway, filling in zeros pixel by pixel; files of 29 and 400 bytes declaring 7424x28437 and
// 2883591x5 pixels kept the decoder busy for seconds (found by the image fuzz target). Checked
// from the header, before decoding.
void CheckBmpHoldsItsPixels(const std::vector<uint8_t>& bytes, int w, int h, const std::string& path) {
  constexpr size_t kFileHeader = 14;
  if (bytes.size() < kFileHeader + 4) return;  // stb has refused it already
  const uint64_t info_size = Le(bytes, kFileHeader, 4);
  // BITMAPINFOHEADER (40 bytes) and its successors hold bpp at 28 and compression at 30; the
  // OS/2 header (12 bytes) holds bpp at 24 and is never compressed.
  const bool os2 = info_size == 12;
  uint64_t need = kFileHeader + info_size;
  if (bytes.size() >= need && (os2 || info_size >= 40)) {
    const uint64_t offset = Le(bytes, 10, 4), bpp = Le(bytes, os2 ? 24 : 28, 2);
    const uint64_t compression = os2 ? 0 : Le(bytes, 30, 4);
    const bool raw = compression == 0 || compression == 3;  // BI_RGB, BI_BITFIELDS
    need = raw ? offset + (uint64_t(w) * bpp + 31) / 32 * 4 * uint64_t(h) : uint64_t(w) * uint64_t(h) / 128;
  }
  if (bytes.size() < need)
    throw Error(path + ": BMP header declares " + std::to_string(w) + "x" + std::to_string(h) + " pixels (" +
                    std::to_string(need) + " bytes with its headers), the file holds " + std::to_string(bytes.size()),
                "the file is truncated or not a real BMP; re-export the image");
}

}  // namespace

DecodedImage DecodeBmp(const std::vector<uint8_t>& bytes, const std::string& path) {
  int w = 0, h = 0, c = 0;
  const int len = static_cast<int>(bytes.size());  // the caller bounds the size to int
  if (!stbi_info_from_memory(bytes.data(), len, &w, &h, &c)) ThrowUndecodable(path, stbi_failure_reason());
  CheckImageSize(w, h, path);
  CheckBmpHoldsItsPixels(bytes, w, h, path);
  stbi_uc* data = stbi_load_from_memory(bytes.data(), len, &w, &h, &c, 0);
  if (!data) ThrowUndecodable(path, stbi_failure_reason());
  DecodedImage image;
  image.width = w, image.height = h, image.channels = c;
  image.pixels.assign(data, data + static_cast<size_t>(w) * h * c);
  stbi_image_free(data);
  return image;
}

}  // namespace rknnsim
