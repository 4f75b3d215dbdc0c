// libFuzzer target: arbitrary bytes through the image decoder of dataset samples and `-i` images
// (common/image.h: libjpeg-turbo, libpng and stb for BMP, with rknn-sim's size limits). Any input
// must decode or throw rknnsim::Error.
#include <cstdint>
#include <vector>

#include "common/error.h"
#include "common/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    rknnsim::DecodeImageBytes(std::vector<uint8_t>(data, data + size), "fuzz");
  } catch (const rknnsim::Error&) {
  }
  return 0;
}
