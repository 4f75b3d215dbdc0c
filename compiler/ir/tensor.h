// IR tensors: a name, an NCHW-style logical shape, an element type, optional constant data and,
// once quantized, the quantization parameters (per tensor or per output channel).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rknnsim::ir {

enum class DType : uint8_t { kFloat32, kFloat16, kInt8, kInt32 };

const char* DTypeName(DType t);
size_t DTypeSize(DType t);

using Shape = std::vector<int64_t>;
int64_t NumElements(const Shape& shape);
std::string ShapeToString(const Shape& shape);  // "(1,3,224,224)" as the perf table prints it

// Affine quantization: real = scale * (q - zero_point). One entry per tensor, or one per slice
// along `axis` for per-channel weights.
struct QuantParams {
  std::vector<float> scale;
  std::vector<int32_t> zero_point;
  int axis = -1;

  bool empty() const { return scale.empty(); }
  bool per_channel() const { return scale.size() > 1; }
};

struct Tensor {
  std::string name;
  Shape shape;
  DType dtype = DType::kFloat32;
  QuantParams quant;
  // Constant payload (initializers): float data before quantization; after quantization the
  // typed payload (int8 weights, int32 biases, fp16 bits) lives in `bytes`.
  std::vector<float> float_data;
  std::vector<uint8_t> bytes;
  bool is_constant = false;

  int64_t num_elements() const { return NumElements(shape); }
};

}  // namespace rknnsim::ir
