// The three decoders behind DecodeImageBytes (common/image.h), one file each: JPEG with
// libjpeg-turbo and PNG with libpng (the libraries PIL decodes with, so dataset images come out
// as RKNN-Toolkit2's Python side sees them), BMP with stb_image. Each returns 8-bit interleaved
// pixels or throws Error naming `path` and what the library reported.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/image.h"

namespace rknnsim {

// Largest image any decoder accepts (8192 x 8192, 192 MiB of RGB pixels; a progressive JPEG's
// coefficients take twice that): refused before anything is allocated for the pixels.
constexpr int64_t kMaxImagePixels = int64_t{1} << 26;

DecodedImage DecodeJpeg(const std::vector<uint8_t>& bytes, const std::string& path);
DecodedImage DecodePng(const std::vector<uint8_t>& bytes, const std::string& path);
DecodedImage DecodeBmp(const std::vector<uint8_t>& bytes, const std::string& path);

// The shared refusal: "PATH: cannot decode image (WHY)" with the hint to re-export.
[[noreturn]] void ThrowUndecodable(const std::string& path, const std::string& why);
// Refuses w x h beyond kMaxImagePixels.
void CheckImageSize(int64_t width, int64_t height, const std::string& path);

}  // namespace rknnsim
