// Reads a verified FlatBuffer payload (runtime/model_file.fbs) into a CompiledModel and checks
// what the executors rely on: graph ids, quantization and constant sizes here, the program's
// invariants through isa/program_invariants.h. Every refusal names the file offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/model_file.h"

namespace rknnsim::runtime {

// `payload` (`size` bytes, 8-byte aligned) has passed FlatBuffers verification; `what` names the
// file in messages. Throws Error with the offset of the first bad field.
CompiledModel ReadModelPayload(const uint8_t* payload, size_t size, const std::string& what);

}  // namespace rknnsim::runtime
