// libFuzzer target: arbitrary bytes through the .npy parser that reads every `-i` input, dataset
// sample and board dump (common/npy.h). Any input must parse or throw rknnsim::Error.
#include <cstdint>
#include <vector>

#include "common/error.h"
#include "common/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    rknnsim::ParseNpy(std::vector<uint8_t>(data, data + size), "fuzz");
  } catch (const rknnsim::Error&) {
  }
  return 0;
}
