// The board runtime's view of a model's I/O tensors: rknn_tensor_attr for the user-facing
// (NHWC inputs, NCHW outputs) and native (NC1HWC2) layouts, and the conversions between user
// buffers (uint8/int8/float16/float32, NHWC/NCHW, pass-through) and the NPU's native surfaces.
// Non-pass-through data goes through the same float path as `rknn-sim run` (runtime::PackInput /
// UnpackOutput), so the C API's results equal the CLI's bit for bit.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "compiler/rknn/regcmd_program.h"
#include "isa/program.h"
#include "rknn_api.h"

namespace rknnsim::capi {

enum class AttrKind { kUser, kNative, kNativeNhwc };

// C callers may store any int in an enum field; in C++ loading one outside the enum's range is
// undefined, so enum values from the caller are read as bytes and checked before use.
template <typename Enum>
int RawEnum(const Enum& value) {
  static_assert(sizeof(Enum) == sizeof(int), "RKNPU2 enums are int-sized");
  int raw;
  std::memcpy(&raw, &value, sizeof(raw));
  return raw;
}
// Throw ApiError(RKNN_ERR_PARAM_INVALID) naming `what` for values outside the enum.
rknn_tensor_type CheckedType(const rknn_tensor_type& type, const std::string& what);
rknn_tensor_format CheckedFormat(const rknn_tensor_format& fmt, const std::string& what);

// Throws ApiError(RKNN_ERR_PARAM_INVALID) for tensors the attr struct cannot describe (rank > 16).
rknn_tensor_attr MakeAttr(const isa::IoTensor& io, uint32_t index, bool is_input, AttrKind kind);

// The model's element type as the C API names it (INT8 or FLOAT16).
rknn_tensor_type ModelType(const isa::IoTensor& io);

// One input buffer described like rknn_input -> the native surface image for Simulate.
// Throws ApiError (PARAM_INVALID / INPUT_INVALID) for unsupported types, formats or short buffers.
// `norm`, when given, is a Rockchip .rknn's recorded mean/std, applied to non-pass-through data.
std::vector<uint8_t> InputToSurface(const isa::IoTensor& io, const void* buf, uint64_t size, bool pass_through,
                                    rknn_tensor_type type, rknn_tensor_format fmt,
                                    const rknn::InputNorm* norm = nullptr);

// Bytes an output needs as `type` (FLOAT32 or the model type) in `fmt`.
uint64_t OutputBytes(const isa::IoTensor& io, rknn_tensor_type type, rknn_tensor_format fmt);
// A native output surface -> the bytes of the output as `type` in `fmt`.
std::vector<uint8_t> SurfaceToOutput(const isa::IoTensor& io, const std::vector<uint8_t>& surface,
                                     rknn_tensor_type type, rknn_tensor_format fmt);

}  // namespace rknnsim::capi
