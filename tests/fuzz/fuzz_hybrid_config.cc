// libFuzzer target: arbitrary bytes through the hybrid-quantization config parser behind
// `convert --hybrid-cfg` and Python hybrid_quantization_step2 (compiler/quant/hybrid.h). Any
// input must parse or throw rknnsim::Error.
#include <cstdint>
#include <string>

#include "common/error.h"
#include "compiler/quant/hybrid.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    rknnsim::quant::ParseHybridConfig(std::string(reinterpret_cast<const char*>(data), size), "fuzz.cfg");
  } catch (const rknnsim::Error&) {
  }
  return 0;
}
