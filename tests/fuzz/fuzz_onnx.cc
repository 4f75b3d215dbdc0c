// libFuzzer target: arbitrary bytes through ONNX import (compiler/frontend/onnx_importer.h), which
// parses the protobuf, checks the graph, infers every shape and folds constant subgraphs with the
// op table's reference kernels. Any input must import or throw rknnsim::Error; anything else (an
// uncaught exception, a sanitizer report, a hang) is a bug.
#include <cstdint>
#include <string>

#include "common/error.h"
#include "compiler/frontend/onnx_importer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    rknnsim::frontend::ImportOnnxBytes(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
  } catch (const rknnsim::Error&) {
  }
  return 0;
}
