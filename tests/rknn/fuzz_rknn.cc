// libFuzzer target: arbitrary bytes through the .rknn reader (container, FlatBuffers verifier,
// decoding, model-info JSON). Any input must either decode or throw rknnsim::Error; a crash, a
// sanitizer report or another exception type is a bug. Seeds: the files in ../shared/data/rknn (beside the repository).
#include <cstdint>
#include <vector>

#include "common/error.h"
#include "compiler/rknn/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    rknnsim::rknn::ReadRknn(std::vector<uint8_t>(data, data + size), "fuzz");
  } catch (const rknnsim::Error&) {
  }
  return 0;
}
