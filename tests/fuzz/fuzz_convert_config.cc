// libFuzzer target: arbitrary bytes through the rknn_convert model.yml parser behind `convert -c`
// (tools/convert_config.h). Any input must parse or throw rknnsim::Error.
#include <cstdint>
#include <string>

#include "common/error.h"
#include "tools/convert_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    rknnsim::tools::ParseConvertConfig(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yml");
  } catch (const rknnsim::Error&) {
  }
  return 0;
}
