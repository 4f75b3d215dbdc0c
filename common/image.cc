#include "common/image.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include "common/error.h"
#include "common/file_io.h"

// stb_image_resize (Debian libstb-dev) resizes; the decoders are in image_{jpeg,png,bmp}.cc.
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb/stb_image_resize.h>

#include "common/image_codecs.h"

namespace rknnsim {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
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

void ThrowUndecodable(const std::string& path, const std::string& why) {
  throw Error(path + ": cannot decode image (" + why + ")",
              "use a baseline .jpg, .png or .bmp, or save the sample as .npy");
}

void CheckImageSize(int64_t width, int64_t height, const std::string& path) {
  if (width * height > kMaxImagePixels)
    throw Error(path + ": image too large (" + std::to_string(width) + "x" + std::to_string(height) + ")",
                "images up to 8192x8192 pixels are read; resize it first");
}

// The format is told by the file's signature, not its extension (a .jpg that is really a PNG
// decodes, as in PIL).
DecodedImage DecodeImageBytes(const std::vector<uint8_t>& bytes, const std::string& path) {
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
    throw Error(path + ": image file too large");
  auto starts_with = [&](std::initializer_list<uint8_t> signature) {
    return bytes.size() >= signature.size() && std::equal(signature.begin(), signature.end(), bytes.begin());
  };
  if (starts_with({0xFF, 0xD8, 0xFF})) return DecodeJpeg(bytes, path);
  if (starts_with({0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})) return DecodePng(bytes, path);
  if (starts_with({'B', 'M'})) return DecodeBmp(bytes, path);
  ThrowUndecodable(path, "not a JPEG, PNG or BMP file");
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
