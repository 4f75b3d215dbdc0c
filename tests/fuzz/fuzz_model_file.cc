// libFuzzer target: arbitrary bytes through the reader of rknn-sim's own compiled-model file
// (runtime/model_file.h: container, FlatBuffers verifier, program invariants). Any input must load
// or throw rknnsim::Error.
#include <cstdint>
#include <vector>

#include "common/error.h"
#include "runtime/model_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    rknnsim::runtime::DeserializeModel(std::vector<uint8_t>(data, data + size), "fuzz");
  } catch (const rknnsim::Error&) {
  }
  return 0;
}
