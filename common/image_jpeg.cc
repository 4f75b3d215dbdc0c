// JPEG through libjpeg-turbo (Debian libjpeg62-turbo), with the library's default decoding (islow
// IDCT, fancy upsampling) as PIL uses it. stb_image's JPEG decoder was replaced because the
// image fuzz target found it indexing past its Huffman size table on malformed files.
#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE
#include <cstring>
#include <new>

#include <jerror.h>
#include <jpeglib.h>

#include "common/error.h"
#include "common/image_codecs.h"

namespace rknnsim {
namespace {

// libjpeg reports fatal errors through error_exit, which must not return: it jumps back to
// DecodeJpegInto. Nothing with a destructor lives in the frames it jumps over (libjpeg's own
// are C); the pixels belong to the caller.
struct JpegErrors {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void JumpOnError(j_common_ptr cinfo) {
  auto* errors = reinterpret_cast<JpegErrors*>(cinfo->err);
  cinfo->err->format_message(cinfo, errors->message);
  std::longjmp(errors->jump, 1);
}

// Warnings stay silent (real photos carry harmless ones, e.g. extraneous bytes before a marker),
// except the image data ending early, at the end of the file or at a marker: libjpeg would fill
// the rest of the image with grey (so a forged header over a few bytes would make it produce every
// pixel it declares); PIL refuses a truncated file, and so do we.
void OnMessage(j_common_ptr cinfo, int level) {
  if (level < 0 && (cinfo->err->msg_code == JWRN_JPEG_EOF || cinfo->err->msg_code == JWRN_HIT_MARKER))
    JumpOnError(cinfo);
}

// Decodes into `out`; on failure returns false with libjpeg's (or our) reason in `why`.
bool DecodeJpegInto(const std::vector<uint8_t>& bytes, DecodedImage* out, char (&why)[JMSG_LENGTH_MAX]) {
  jpeg_decompress_struct cinfo;
  JpegErrors errors;
  cinfo.err = jpeg_std_error(&errors.manager);
  errors.manager.error_exit = JumpOnError;
  errors.manager.emit_message = OnMessage;
  if (setjmp(errors.jump)) {
    jpeg_destroy_decompress(&cinfo);
    std::memcpy(why, errors.message, sizeof why);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  // Progressive files keep every coefficient in memory; bound what the library may allocate.
  cinfo.mem->max_memory_to_use = 1L << 30;
  jpeg_mem_src(&cinfo, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&cinfo, TRUE);
  const int64_t pixels = int64_t{cinfo.image_width} * cinfo.image_height;
  const char* refusal = pixels > kMaxImagePixels ? "larger than 8192x8192 pixels"
                        : cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK
                            ? "CMYK JPEG; save it as RGB"
                            : nullptr;
  if (refusal) {
    jpeg_destroy_decompress(&cinfo);
    std::snprintf(why, sizeof why, "%s", refusal);
    return false;
  }
  cinfo.out_color_space = cinfo.jpeg_color_space == JCS_GRAYSCALE ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&cinfo);
  out->width = static_cast<int>(cinfo.output_width);
  out->height = static_cast<int>(cinfo.output_height);
  out->channels = cinfo.output_components;
  const size_t stride = size_t{cinfo.output_width} * static_cast<size_t>(cinfo.output_components);
  // Rows are appended as they decode, so a forged header over a few bytes of data fails before
  // its pixels are allocated.
  while (cinfo.output_scanline < cinfo.output_height) {
    try {
      out->pixels.resize(out->pixels.size() + stride);
    } catch (const std::bad_alloc&) {  // caught here: no exception may cross libjpeg's frames
      jpeg_destroy_decompress(&cinfo);
      std::snprintf(why, sizeof why, "out of memory for its %ux%u pixels", cinfo.output_width, cinfo.output_height);
      return false;
    }
    JSAMPROW row = out->pixels.data() + out->pixels.size() - stride;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return true;
}

}  // namespace

DecodedImage DecodeJpeg(const std::vector<uint8_t>& bytes, const std::string& path) {
  DecodedImage image;
  char why[JMSG_LENGTH_MAX] = {};
  if (!DecodeJpegInto(bytes, &image, why)) ThrowUndecodable(path, why);
  return image;
}

}  // namespace rknnsim
