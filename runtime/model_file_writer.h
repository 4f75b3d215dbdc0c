// The FlatBuffer payload of a compiled model (runtime/model_file.fbs): one small function per
// struct. Enum values are written as they are; the reader range-checks them.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include "runtime/model_file.h"

namespace rknnsim::runtime {

// Builds `model` into `b` and finishes the buffer with the "RKSM" identifier. Every field is
// written explicitly, so a file never depends on the schema's defaults. Throws Error when the
// model would exceed the format's 2 GiB limit.
void BuildModelPayload(flatbuffers::FlatBufferBuilder& b, const CompiledModel& model);

}  // namespace rknnsim::runtime
