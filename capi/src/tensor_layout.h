// The board runtime's view of a model's I/O tensors: rknn_tensor_attr for the user-facing
// (NHWC inputs, NCHW outputs) and native (NC1HWC2) layouts, and the conversions between user
// buffers (uint8/int8/float16/float32, NHWC/NCHW, pass-through) and the NPU's native surfaces.
// Non-pass-through data goes through the same float path as `rknn-sim run` (runtime::PackInput /
// UnpackOutput), so the C API's results equal the CLI's bit for bit.
#pragma once

#include <cstdint>
#include <vector>

#include "isa/program.h"
#include "rknn_api.h"

namespace rknnsim::capi {

enum class AttrKind { kUser, kNative, kNativeNhwc };

// Throws ApiError(RKNN_ERR_PARAM_INVALID) for tensors the attr struct cannot describe (rank > 16).
rknn_tensor_attr MakeAttr(const isa::IoTensor& io, uint32_t index, bool is_input, AttrKind kind);

// The model's element type as the C API names it (INT8 or FLOAT16).
rknn_tensor_type ModelType(const isa::IoTensor& io);

// One input buffer described like rknn_input -> the native surface image for Simulate.
// Throws ApiError (PARAM_INVALID / INPUT_INVALID) for unsupported types, formats or short buffers.
std::vector<uint8_t> InputToSurface(const isa::IoTensor& io, const void* buf, uint64_t size, bool pass_through,
                                    rknn_tensor_type type, rknn_tensor_format fmt);

// Bytes an output needs as `type` (FLOAT32 or the model type) in `fmt`.
uint64_t OutputBytes(const isa::IoTensor& io, rknn_tensor_type type, rknn_tensor_format fmt);
// A native output surface -> the bytes of the output as `type` in `fmt`.
std::vector<uint8_t> SurfaceToOutput(const isa::IoTensor& io, const std::vector<uint8_t>& surface,
                                     rknn_tensor_type type, rknn_tensor_format fmt);

}  // namespace rknnsim::capi
