// Cast (ONNX opsets 6-13; `to` is a TensorProto data type). The float32 reference holds every
// tensor as float32, so Cast yields the value the target type would hold, stored back as float:
//   FLOAT, DOUBLE    identity.
//   FLOAT16          rounded to the nearest fp16 value (ties to even; overflow gives ±inf), as
//                    numpy astype(float16) / onnxruntime do; every fp16 value is exact in float32.
//   BFLOAT16         rounded to the nearest bfloat16 value (ties to even), NaN stays NaN.
//   BOOL             0 stays 0, everything else (NaN included) becomes 1.
//   (U)INT8/16/32/64 truncated toward zero (numpy astype), then wrapped modulo 2^width into the
//                    target's range (two's complement). ONNX defines the wrap for integer sources
//                    and leaves out-of-range floats undefined; since the reference cannot tell an
//                    integer tensor held as float from a float tensor, the wrap is applied to both,
//                    which also matches numpy astype on x86 for values within int64. NaN gives 0
//                    and ±inf saturates to the target's minimum/maximum (both undefined in ONNX).
//                    Integers above 2^24 in magnitude are then rounded to the float32 that holds
//                    them (the reference's storage), e.g. int64 values are exact only up to 2^24.
// STRING, COMPLEX and the float8/int4 types are refused at import.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "common/fp16.h"
#include "compiler/ops/elementwise.h"
#include "compiler/ops/op_list.h"
#include "compiler/ops/op_util.h"

namespace rknnsim::ops {
namespace {

// onnx::TensorProto::DataType values.
enum OnnxType : int64_t {
  kFloat = 1, kUint8 = 2, kInt8 = 3, kUint16 = 4, kInt16 = 5, kInt32 = 6, kInt64 = 7, kString = 8, kBool = 9,
  kFloat16 = 10, kDouble = 11, kUint32 = 12, kUint64 = 13, kComplex64 = 14, kComplex128 = 15, kBfloat16 = 16,
  kFloat8E4M3FN = 17, kFloat8E4M3FNUZ = 18, kFloat8E5M2 = 19, kFloat8E5M2FNUZ = 20, kUint4 = 21, kInt4 = 22,
};

float RoundToBfloat16(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  if (std::isnan(x)) {
    bits = (bits | 0x00400000u) & 0xFFFF0000u;  // keep it a (quiet) NaN after dropping the low bits
  } else {
    bits += 0x7FFFu + ((bits >> 16) & 1u);  // round to nearest, ties to even; overflow carries into inf
    bits &= 0xFFFF0000u;
  }
  float y;
  std::memcpy(&y, &bits, sizeof y);
  return y;
}

// Truncates toward zero and wraps into a `width`-bit integer type (width <= 32).
float WrapInt(float x, int width, bool is_signed) {
  const double modulus = std::ldexp(1.0, width);
  const double lo = is_signed ? -std::ldexp(1.0, width - 1) : 0.0;
  const double hi = lo + modulus - 1.0;
  if (std::isnan(x)) return 0.0f;
  if (std::isinf(x)) return static_cast<float>(x > 0 ? hi : lo);
  // fmod of an integer-valued double by a power of two is exact; |r| < 2^width fits int64.
  int64_t r = static_cast<int64_t>(std::fmod(std::trunc(static_cast<double>(x)), modulus));
  const int64_t m = int64_t{1} << width;
  if (r < 0) r += m;
  if (is_signed && r >= m / 2) r -= m;
  return static_cast<float>(r);
}

// The 64-bit targets: values inside the range are already exact integers after truncation.
float WrapInt64(float x, bool is_signed) {
  const double two63 = std::ldexp(1.0, 63), two64 = std::ldexp(1.0, 64);
  const double lo = is_signed ? -two63 : 0.0;
  const double hi = is_signed ? two63 : two64;  // exclusive; float32 cannot hold the exact maximum anyway
  if (std::isnan(x)) return 0.0f;
  if (std::isinf(x)) return static_cast<float>(x > 0 ? hi : lo);
  double t = std::trunc(static_cast<double>(x));
  if (t >= lo && t < hi) return static_cast<float>(t);
  t = std::fmod(t, two64);  // exact, |t| < 2^64
  if (is_signed) {
    if (t >= two63) t -= two64;  // exact
    else if (t < -two63) t += two64;
  } else if (t < 0) {
    t += two64;  // may round to 2^64, which is also the float32 nearest to the exact result
  }
  return static_cast<float>(t);
}

void ParseCast(const AttrReader& reader, const ir::Graph&, ir::Node& node) {
  RequireInputs(node, "Cast", 1, 1);
  if (!reader.Has("to")) throw NodeError(node, "Cast has no 'to' attribute", "the ONNX spec requires it");
  const int64_t to = reader.Int("to", 0);
  if (!CastTargetSupported(to))
    throw NodeError(node, std::string("Cast to ") + OnnxTypeName(to) + " (to=" + std::to_string(to) + ") is not supported",
                    "rknn-sim handles casts to float, double, float16, bfloat16, bool and (u)int8/16/32/64");
  node.attrs.to = to;
}

std::vector<ir::Shape> InferCast(const ir::Graph& g, const ir::Node& node) { return {InputShape(g, node, 0)}; }

template <typename F>
void MapCast(FloatArgs& args, F f) {
  CheckInputSize(args, 0);
  const std::vector<float>& x = *args.in[0];
  args.out.resize(x.size());
  for (size_t i = 0; i < x.size(); ++i) args.out[i] = f(x[i]);
}

void RunCast(FloatArgs& args) {
  switch (args.node.attrs.to) {
    case kFloat:
    case kDouble:
      CheckInputSize(args, 0);
      args.out = *args.in[0];
      return;
    case kFloat16: return MapCast(args, [](float v) { return RoundToHalf(v); });
    case kBfloat16: return MapCast(args, RoundToBfloat16);
    case kBool: return MapCast(args, [](float v) { return v != 0.0f ? 1.0f : 0.0f; });
    case kUint8: return MapCast(args, [](float v) { return WrapInt(v, 8, false); });
    case kInt8: return MapCast(args, [](float v) { return WrapInt(v, 8, true); });
    case kUint16: return MapCast(args, [](float v) { return WrapInt(v, 16, false); });
    case kInt16: return MapCast(args, [](float v) { return WrapInt(v, 16, true); });
    case kUint32: return MapCast(args, [](float v) { return WrapInt(v, 32, false); });
    case kInt32: return MapCast(args, [](float v) { return WrapInt(v, 32, true); });
    case kUint64: return MapCast(args, [](float v) { return WrapInt64(v, false); });
    case kInt64: return MapCast(args, [](float v) { return WrapInt64(v, true); });
    default: throw NodeError(args.node, std::string("Cast to ") + OnnxTypeName(args.node.attrs.to) + " is not supported");
  }
}

}  // namespace

bool CastTargetSupported(int64_t to) {
  switch (to) {
    case kFloat: case kUint8: case kInt8: case kUint16: case kInt16: case kInt32: case kInt64: case kBool:
    case kFloat16: case kDouble: case kUint32: case kUint64: case kBfloat16:
      return true;
    default:
      return false;
  }
}

const char* OnnxTypeName(int64_t to) {
  switch (to) {
    case kFloat: return "FLOAT";
    case kUint8: return "UINT8";
    case kInt8: return "INT8";
    case kUint16: return "UINT16";
    case kInt16: return "INT16";
    case kInt32: return "INT32";
    case kInt64: return "INT64";
    case kString: return "STRING";
    case kBool: return "BOOL";
    case kFloat16: return "FLOAT16";
    case kDouble: return "DOUBLE";
    case kUint32: return "UINT32";
    case kUint64: return "UINT64";
    case kComplex64: return "COMPLEX64";
    case kComplex128: return "COMPLEX128";
    case kBfloat16: return "BFLOAT16";
    case kFloat8E4M3FN: return "FLOAT8E4M3FN";
    case kFloat8E4M3FNUZ: return "FLOAT8E4M3FNUZ";
    case kFloat8E5M2: return "FLOAT8E5M2";
    case kFloat8E5M2FNUZ: return "FLOAT8E5M2FNUZ";
    case kUint4: return "UINT4";
    case kInt4: return "INT4";
    default: return "an unknown data type";
  }
}

float CastValue(float x, int64_t to) {
  switch (to) {
    case kFloat:
    case kDouble: return x;
    case kFloat16: return RoundToHalf(x);
    case kBfloat16: return RoundToBfloat16(x);
    case kBool: return x != 0.0f ? 1.0f : 0.0f;
    case kUint8: return WrapInt(x, 8, false);
    case kInt8: return WrapInt(x, 8, true);
    case kUint16: return WrapInt(x, 16, false);
    case kInt16: return WrapInt(x, 16, true);
    case kUint32: return WrapInt(x, 32, false);
    case kInt32: return WrapInt(x, 32, true);
    case kUint64: return WrapInt64(x, false);
    case kInt64: return WrapInt64(x, true);
    default: throw Error(std::string("Cast to ") + OnnxTypeName(to) + " is not supported");
  }
}

// limits: to ints: truncates toward 0, wraps mod 2^width, NaN → 0; to (b)float16: nearest even; ints exact to 2^24
const OpDef kCastOp{ir::OpKind::kCast, "Cast", ParseCast, InferCast, RunCast, nullptr, nullptr, false};

}  // namespace rknnsim::ops
