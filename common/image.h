// Calibration and inference images (.jpg/.jpeg/.png/.bmp) as RKNN-Toolkit2 reads them for
// build(dataset=...): decoded to 8-bit RGB, resized to the model input's H x W, laid out as a
// float NCHW array of raw pixel values 0..255 (mean/std are applied by the model itself).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rknnsim {

// True when the file name ends in an image extension this loader reads (case-insensitive).
bool IsImagePath(const std::string& path);

// Decodes `path` and returns a [1, 3, height, width] float array of pixel values in RGB order,
// or BGR when `rgb2bgr` is set. Grayscale, gray+alpha and RGBA images are refused with a clear
// error (the toolkit reads images as 3-channel colour); so is anything the decoders refuse
// (common/image_codecs.h: libjpeg-turbo, libpng, stb for BMP).
// When the image size differs from height x width it is resized with a triangle (bilinear) filter,
// clamped edges, no sRGB conversion, and rounded back to 8-bit pixels.
std::vector<float> LoadImageNchw(const std::string& path, int64_t height, int64_t width, bool rgb2bgr);

// The decode step alone, exposed for tests: 8-bit interleaved pixels and the channel count.
struct DecodedImage {
  int width = 0, height = 0, channels = 0;
  std::vector<uint8_t> pixels;  // HWC
};
DecodedImage DecodeImage(const std::string& path);
// The same on bytes in memory; `what` names them in messages (the fuzz target's entry).
DecodedImage DecodeImageBytes(const std::vector<uint8_t>& bytes, const std::string& what);

}  // namespace rknnsim
