// PNG through libpng (Debian libpng16), read as PIL reads it: palette and low-bit-depth images
// expanded to 8-bit samples, transparency kept as an alpha channel, 16-bit samples cut to their
// high byte, no gamma correction. stb_image's decoder was replaced along with its JPEG one
// (see image_jpeg.cc).
#include <csetjmp>
#include <cstring>
#include <new>

#include <png.h>

#include "common/error.h"
#include "common/image_codecs.h"

namespace rknnsim {
namespace {

struct PngSource {
  const std::vector<uint8_t>* bytes;
  size_t at = 0;
  char message[256] = {};
};

// png_error jumps back to DecodePngInto through png_jmpbuf; nothing with a destructor lives in
// the frames it jumps over (libpng's own are C); the pixels belong to the caller.
[[noreturn]] void JumpOnError(png_structp png, png_const_charp message) {
  auto* source = static_cast<PngSource*>(png_get_error_ptr(png));
  std::strncpy(source->message, message, sizeof source->message - 1);
  png_longjmp(png, 1);
}

void IgnoreWarning(png_structp, png_const_charp) {}

void ReadFromMemory(png_structp png, png_bytep into, size_t length) {
  auto* source = static_cast<PngSource*>(png_get_io_ptr(png));
  if (source->bytes->size() - source->at < length) png_error(png, "the file ends before its image data does");
  std::memcpy(into, source->bytes->data() + source->at, length);
  source->at += length;
}

// Resizes the pixels; on bad_alloc says why and returns false (no exception may cross libpng's
// frames, so it is caught here).
bool Grow(PngSource* source, std::vector<uint8_t>& pixels, size_t bytes) {
  try {
    pixels.resize(bytes);
    return true;
  } catch (const std::bad_alloc&) {
    std::strcpy(source->message, "out of memory for its pixels");
    return false;
  }
}

bool DecodePngInto(PngSource* source, DecodedImage* out) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, source, JumpOnError, IgnoreWarning);
  if (!png) return std::strcpy(source->message, "libpng could not start"), false;
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    return std::strcpy(source->message, "libpng could not start"), false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  png_set_read_fn(png, source, ReadFromMemory);
  png_set_chunk_malloc_max(png, 64 << 20);  // ancillary chunks (text, ICC) beyond this are an error
  png_read_info(png, info);
  const int64_t pixels = int64_t{png_get_image_width(png, info)} * png_get_image_height(png, info);
  if (pixels > kMaxImagePixels) png_error(png, "larger than 8192x8192 pixels");
  // Deflate expands at most 1032-fold: a file whose remaining bytes cannot hold its rows as stored
  // (a filter byte and the row's samples each) is truncated or forged. Checked before anything is
  // allocated for the pixels.
  const uint64_t row_bytes =
      (uint64_t{png_get_image_width(png, info)} * png_get_bit_depth(png, info) * png_get_channels(png, info) + 7) / 8;
  if ((source->bytes->size() - source->at) * 1032 < uint64_t{png_get_image_height(png, info)} * (row_bytes + 1))
    png_error(png, "the file holds too little image data for its pixels");
  png_set_expand(png);  // palette -> RGB, gray < 8 bit -> 8 bit, tRNS -> alpha
  png_set_strip_16(png);
  const int passes = png_set_interlace_handling(png);
  png_read_update_info(png, info);
  out->width = static_cast<int>(png_get_image_width(png, info));
  out->height = static_cast<int>(png_get_image_height(png, info));
  out->channels = png_get_channels(png, info);
  const size_t stride = png_get_rowbytes(png, info);
  if (passes == 1) {
    // Rows are appended as they decode, so a forged header over a few bytes of data fails before
    // its pixels are allocated.
    for (int y = 0; y < out->height; ++y) {
      if (!Grow(source, out->pixels, out->pixels.size() + stride)) break;
      png_read_row(png, out->pixels.data() + out->pixels.size() - stride, nullptr);
    }
  } else if (Grow(source, out->pixels, stride * static_cast<size_t>(out->height))) {
    // Interlaced: every pass revisits the whole image.
    for (int pass = 0; pass < passes; ++pass)
      for (int y = 0; y < out->height; ++y) png_read_row(png, out->pixels.data() + stride * size_t(y), nullptr);
  }
  png_destroy_read_struct(&png, &info, nullptr);
  return source->message[0] == '\0';  // Grow said why it stopped
}

}  // namespace

DecodedImage DecodePng(const std::vector<uint8_t>& bytes, const std::string& path) {
  DecodedImage image;
  PngSource source{&bytes};
  if (!DecodePngInto(&source, &image)) ThrowUndecodable(path, source.message);
  return image;
}

}  // namespace rknnsim
