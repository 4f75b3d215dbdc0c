#include "capi/src/tensor_layout.h"

#include <cstring>
#include <string>

#include "capi/src/api_error.h"
#include "common/fp16.h"
#include "runtime/rknn_execution.h"
#include "runtime/tensor_io.h"

namespace rknnsim::capi {
namespace {

uint64_t NumElements(const isa::IoTensor& io) {
  uint64_t n = 1;
  for (int64_t d : io.shape) n *= static_cast<uint64_t>(d);
  return n;
}

// NHWC applies to 4-D tensors only; the board ignores the format of other ranks.
bool Is4D(const isa::IoTensor& io) { return io.shape.size() == 4; }

// The surface holds the tensor as NC1HWC2 (rather than linearly, as CPU-only tensors are).
bool HasNc1hwc2Surface(const isa::IoTensor& io) {
  const isa::Surface& s = io.surface;
  return Is4D(io) && io.shape[0] == 1 && s.channels == io.shape[1] && s.height == io.shape[2] &&
         s.width == io.shape[3];
}

// A 1-4-channel input the compiler packs pixel by pixel (C2 = C, docs/isa.md): its bytes are NHWC,
// which is also how the board reports such a first-layer input natively.
bool HasPackedPixels(const isa::IoTensor& io) {
  return HasNc1hwc2Surface(io) && io.surface.c2 == io.surface.channels;
}

uint32_t TypeBytes(rknn_tensor_type type) {
  switch (type) {
    case RKNN_TENSOR_FLOAT32: return 4;
    case RKNN_TENSOR_FLOAT16: return 2;
    case RKNN_TENSOR_INT8:
    case RKNN_TENSOR_UINT8: return 1;
    default: return 0;  // not accepted for data
  }
}

const char* TypeName(rknn_tensor_type type) {
  static const char* names[] = {"FLOAT32", "FLOAT16", "INT8",  "UINT8", "INT16", "UINT16",
                                "INT32",   "UINT32",  "INT64", "BOOL",  "INT4",  "BFLOAT16"};
  return type >= 0 && type < RKNN_TENSOR_TYPE_MAX ? names[type] : "unknown";
}

// Reorders elements of `bytes` bytes each between NHWC and NCHW (to_nchw picks the direction).
std::vector<uint8_t> Transpose(const isa::IoTensor& io, const uint8_t* data, uint32_t bytes, bool to_nchw) {
  const uint64_t n = io.shape[0], c = io.shape[1], h = io.shape[2], w = io.shape[3];
  std::vector<uint8_t> out(n * c * h * w * bytes);
  for (uint64_t b = 0; b < n; ++b)
    for (uint64_t ch = 0; ch < c; ++ch)
      for (uint64_t y = 0; y < h; ++y)
        for (uint64_t x = 0; x < w; ++x) {
          const uint64_t nchw = ((b * c + ch) * h + y) * w + x;
          const uint64_t nhwc = ((b * h + y) * w + x) * c + ch;
          const uint64_t from = to_nchw ? nhwc : nchw, to = to_nchw ? nchw : nhwc;
          std::memcpy(&out[to * bytes], &data[from * bytes], bytes);
        }
  return out;
}

std::vector<float> ToFloat(const uint8_t* data, uint64_t n, rknn_tensor_type type) {
  std::vector<float> out(n);
  for (uint64_t i = 0; i < n; ++i) {
    switch (type) {
      case RKNN_TENSOR_FLOAT32: std::memcpy(&out[i], data + i * 4, 4); break;
      case RKNN_TENSOR_FLOAT16: {
        uint16_t bits;
        std::memcpy(&bits, data + i * 2, 2);
        out[i] = HalfBitsToFloat(bits);
        break;
      }
      case RKNN_TENSOR_INT8: out[i] = static_cast<int8_t>(data[i]); break;
      default: out[i] = data[i]; break;  // UINT8
    }
  }
  return out;
}

}  // namespace

rknn_tensor_type CheckedType(const rknn_tensor_type& type, const std::string& what) {
  const int raw = RawEnum(type);
  if (raw < 0 || raw >= RKNN_TENSOR_TYPE_MAX)
    throw ApiError(RKNN_ERR_PARAM_INVALID, what + ": unknown type " + std::to_string(raw));
  return static_cast<rknn_tensor_type>(raw);
}

rknn_tensor_format CheckedFormat(const rknn_tensor_format& fmt, const std::string& what) {
  const int raw = RawEnum(fmt);
  if (raw < 0 || raw >= RKNN_TENSOR_FORMAT_MAX)
    throw ApiError(RKNN_ERR_PARAM_INVALID, what + ": unknown fmt " + std::to_string(raw));
  return static_cast<rknn_tensor_format>(raw);
}

rknn_tensor_type ModelType(const isa::IoTensor& io) {
  return io.surface.type == isa::ElemType::kInt8 ? RKNN_TENSOR_INT8 : RKNN_TENSOR_FLOAT16;
}

rknn_tensor_attr MakeAttr(const isa::IoTensor& io, uint32_t index, bool is_input, AttrKind kind) {
  if (io.shape.size() > RKNN_MAX_DIMS)
    throw ApiError(RKNN_ERR_PARAM_INVALID, "tensor '" + io.name + "' has more than 16 dimensions");
  rknn_tensor_attr a;
  std::memset(&a, 0, sizeof(a));
  a.index = index;
  std::strncpy(a.name, io.name.c_str(), RKNN_MAX_NAME_LEN - 1);
  a.type = ModelType(io);
  const bool int8 = a.type == RKNN_TENSOR_INT8;
  a.qnt_type = int8 ? RKNN_TENSOR_QNT_AFFINE_ASYMMETRIC : RKNN_TENSOR_QNT_NONE;
  a.zp = int8 ? io.zero_point : 0;
  a.scale = int8 ? io.scale : 1.0f;
  const uint32_t elem = isa::ElemBytes(io.surface.type);
  const isa::Surface& s = io.surface;
  if (kind == AttrKind::kNative && HasNc1hwc2Surface(io) && !HasPackedPixels(io)) {
    a.fmt = RKNN_TENSOR_NC1HWC2;
    a.n_dims = 5;
    const uint32_t dims[5] = {1, s.c1(), s.height, s.width, s.c2};
    std::memcpy(a.dims, dims, sizeof(dims));
    a.n_elems = s.c1() * s.height * s.width * s.c2;
    a.size = static_cast<uint32_t>(s.bytes());
    a.w_stride = s.width;
    a.h_stride = s.height;
    a.size_with_stride = a.size;
    return a;
  }
  // Inputs are NHWC on the board (and every native NHWC query); outputs NCHW.
  const bool nhwc = Is4D(io) && (kind == AttrKind::kNativeNhwc || (is_input && kind == AttrKind::kUser) ||
                                 (kind == AttrKind::kNative && HasPackedPixels(io)));
  a.n_dims = static_cast<uint32_t>(io.shape.size());
  for (uint32_t d = 0; d < a.n_dims; ++d) a.dims[d] = static_cast<uint32_t>(io.shape[d]);
  if (nhwc) {
    a.dims[1] = static_cast<uint32_t>(io.shape[2]);
    a.dims[2] = static_cast<uint32_t>(io.shape[3]);
    a.dims[3] = static_cast<uint32_t>(io.shape[1]);
  }
  a.fmt = nhwc ? RKNN_TENSOR_NHWC : (Is4D(io) ? RKNN_TENSOR_NCHW : RKNN_TENSOR_UNDEFINED);
  a.n_elems = static_cast<uint32_t>(NumElements(io));
  a.size = a.n_elems * elem;
  a.w_stride = Is4D(io) ? static_cast<uint32_t>(io.shape[3]) : 0;
  a.h_stride = Is4D(io) ? static_cast<uint32_t>(io.shape[2]) : 0;
  a.size_with_stride = a.size;
  return a;
}

std::vector<uint8_t> InputToSurface(const isa::IoTensor& io, const void* buf, uint64_t size, bool pass_through,
                                    rknn_tensor_type type, rknn_tensor_format fmt, const rknn::InputNorm* norm) {
  const auto* data = static_cast<const uint8_t*>(buf);
  const uint64_t n = NumElements(io);
  if (pass_through) {
    // Data already in the model's type: NC1HWC2 is the surface itself, other formats are reordered.
    const uint32_t elem = isa::ElemBytes(io.surface.type);
    const uint64_t need = fmt == RKNN_TENSOR_NC1HWC2 ? io.surface.bytes() : n * elem;
    if (fmt == RKNN_TENSOR_NC1HWC2 && !HasNc1hwc2Surface(io))
      throw ApiError(RKNN_ERR_PARAM_INVALID, "input '" + io.name + "' has no NC1HWC2 layout; pass it as NCHW");
    if (size < need)
      throw ApiError(RKNN_ERR_PARAM_INVALID, "input '" + io.name + "' needs size = " + std::to_string(need) +
                                                 " (pass_through), but " + std::to_string(size) + " is given");
    if (fmt == RKNN_TENSOR_NC1HWC2) return std::vector<uint8_t>(data, data + need);
    if (fmt == RKNN_TENSOR_NHWC && Is4D(io))
      return runtime::NchwToSurface(io.surface, Transpose(io, data, elem, /*to_nchw=*/true));
    return runtime::NchwToSurface(io.surface, std::vector<uint8_t>(data, data + need));
  }
  const uint32_t bytes = TypeBytes(type);
  if (bytes == 0)
    throw ApiError(RKNN_ERR_PARAM_INVALID, std::string("input '") + io.name + "': type " + TypeName(type) +
                                               " is not supported; use UINT8, INT8, FLOAT16 or FLOAT32");
  if (fmt == RKNN_TENSOR_NC1HWC2)
    throw ApiError(RKNN_ERR_PARAM_INVALID, "input '" + io.name + "': NC1HWC2 data needs pass_through = 1");
  const uint64_t need = n * bytes;
  if (size < need)
    throw ApiError(RKNN_ERR_PARAM_INVALID, "input '" + io.name + "' needs size = " + std::to_string(need) + " (" +
                                               TypeName(type) + "), but " + std::to_string(size) + " is given");
  std::vector<float> nchw;
  if (fmt == RKNN_TENSOR_NHWC && Is4D(io))
    nchw = ToFloat(Transpose(io, data, bytes, /*to_nchw=*/true).data(), n, type);
  else
    nchw = ToFloat(data, n, type);
  if (norm) {
    try {
      runtime::NormalizeInput(nchw, *norm, io.name);
    } catch (const Error& e) {
      throw ApiError(RKNN_ERR_INPUT_INVALID, e.what());
    }
  }
  return runtime::PackInput(nchw, io);
}

uint64_t OutputBytes(const isa::IoTensor& io, rknn_tensor_type type, rknn_tensor_format fmt) {
  if (type != RKNN_TENSOR_FLOAT32 && type != ModelType(io))
    throw ApiError(RKNN_ERR_PARAM_INVALID, std::string("output '") + io.name + "': type " + TypeName(type) +
                                               " is not supported; use FLOAT32 or the model's type " +
                                               TypeName(ModelType(io)));
  if (fmt == RKNN_TENSOR_NC1HWC2) {
    if (type == RKNN_TENSOR_FLOAT32 || !HasNc1hwc2Surface(io))
      throw ApiError(RKNN_ERR_PARAM_INVALID, "output '" + io.name + "': NC1HWC2 is only for the model's type on 4-D outputs");
    return io.surface.bytes();
  }
  return NumElements(io) * TypeBytes(type);
}

std::vector<uint8_t> SurfaceToOutput(const isa::IoTensor& io, const std::vector<uint8_t>& surface,
                                     rknn_tensor_type type, rknn_tensor_format fmt) {
  OutputBytes(io, type, fmt);  // validates
  if (fmt == RKNN_TENSOR_NC1HWC2) return surface;
  std::vector<uint8_t> nchw;
  if (type == RKNN_TENSOR_FLOAT32) {
    const std::vector<float> values = runtime::UnpackOutput(surface, io);
    nchw.resize(values.size() * 4);
    std::memcpy(nchw.data(), values.data(), nchw.size());
  } else {
    nchw = runtime::SurfaceToNchw(io.surface, surface);
  }
  if (fmt == RKNN_TENSOR_NHWC && Is4D(io)) return Transpose(io, nchw.data(), TypeBytes(type), /*to_nchw=*/false);
  return nchw;
}

}  // namespace rknnsim::capi
