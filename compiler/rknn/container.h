// The .rknn container (docs/rknn-format.md §1): header, data section and trailing JSON. This layer
// only finds the sections and checks that every size and offset lies inside the file; it copies
// nothing. It depends on nothing but the standard library and common/error.h, so the fuzz target
// (tests/rknn/fuzz_container.cc) builds it alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rknnsim::rknn {

// Layout L: container versions 1-6, the data section is one FlatBuffer (rknn_model.fbs).
// Layout T: versions 0x1001-0x1004 (RV1103/RV1106), a 64-byte sub-header, register-command and
// weight sections, then the FlatBuffer (rknn_model_t3.fbs).
enum class Layout { kL, kT };

struct Bytes {
  const uint8_t* data = nullptr;
  size_t size = 0;
  size_t offset = 0;  // from the start of the file, for error messages
};

// The sub-header of layout T, u32 words [0..5] (the rest are zero in the samples).
struct T3Header {
  uint32_t fb_size = 0, task_bytes = 0, task_count = 0, regcmd_bytes = 0, internal_bytes = 0, weight_bytes = 0;
};

struct Container {
  uint64_t version = 0;
  Layout layout = Layout::kL;
  Bytes data;        // the whole data section
  Bytes flatbuffer;  // the model FlatBuffer inside it
  T3Header t3;       // layout T only
  Bytes tasks, regcmd, weights;  // layout T only
  std::string_view json;         // trailing model info (UTF-8 JSON), may end in NUL padding
};

constexpr uint64_t kHeaderBytes = 64;

// Throws rknnsim::Error with one line saying what is wrong (truncated, wrong magic, encrypted,
// another RKNN generation, future version, inconsistent sizes) and at which offset. `what` names
// the file in messages.
Container ParseContainer(const uint8_t* bytes, size_t size, const std::string& what);

}  // namespace rknnsim::rknn
