// Small helpers shared by operator descriptions.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "common/error.h"
#include "compiler/ir/graph.h"

namespace rknnsim::ops {

inline Error NodeError(const ir::Node& node, const std::string& what, const std::string& hint = {}) {
  return Error("node '" + node.name + "': " + what, hint);
}

inline const ir::Shape& InputShape(const ir::Graph& g, const ir::Node& n, size_t i) {
  return g.tensor(n.inputs.at(i)).shape;
}

// Output extent of a sliding window along one axis (floor mode unless ceil_mode).
inline int64_t WindowOutput(int64_t in, int64_t kernel, int64_t stride, int64_t pad_begin, int64_t pad_end,
                            int64_t dilation, bool ceil_mode) {
  const int64_t span = dilation * (kernel - 1) + 1;
  const int64_t num = in + pad_begin + pad_end - span;
  if (num < 0) return 0;
  return (ceil_mode ? (num + stride - 1) / stride : num / stride) + 1;
}

// Reads kernel_shape/strides/pads/dilations/ceil_mode of a 2-D window op into attrs, with ONNX
// defaults. auto_pad SAME_UPPER/SAME_LOWER/VALID is resolved here into explicit pads from the
// spatial size of input 0 (input shapes are known at parse time), so the kernels, the lowering
// and the model file only ever see explicit pads. `default_kernel` is the window used when the
// node has no kernel_shape attribute (Conv passes its weights' [kh, kw]).
void ParseWindow2d(const class AttrReader& reader, const ir::Graph& graph, ir::Node& node, bool has_dilations,
                   const std::vector<int64_t>& default_kernel = {});

// Explicit pads of one spatial axis under auto_pad SAME_UPPER (`upper`) or SAME_LOWER: the output
// is ceil(in / stride) and the odd pad goes at the end (UPPER) or the beginning (LOWER).
void SamePadding(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, bool upper, int64_t& begin,
                 int64_t& end);

// Requires a 4-D NCHW input; names the node otherwise.
void Require4d(const ir::Graph& g, const ir::Node& n, size_t input);

}  // namespace rknnsim::ops

namespace rknnsim::ops {

// Typed view of a quantized constant's payload (int8 weights, int32 biases, fp16 bits).
template <typename T>
const T* ConstBytesAs(const ir::Tensor& t) {
  if (t.bytes.size() != static_cast<size_t>(t.num_elements()) * sizeof(T))
    throw Error("constant '" + t.name + "' has " + std::to_string(t.bytes.size()) + " bytes, expected " +
                std::to_string(t.num_elements() * static_cast<int64_t>(sizeof(T))));
  return reinterpret_cast<const T*>(t.bytes.data());
}

// The fused activation applied to a float value (float32 and fp16 references).
inline float ApplyActivation(const ir::Attributes& a, float v) {
  switch (a.activation) {
    case ir::Activation::kRelu: return v < 0.0f ? 0.0f : v;
    case ir::Activation::kClip: return v < a.clip_min ? a.clip_min : (v > a.clip_max ? a.clip_max : v);
    case ir::Activation::kNone: return v;
  }
  return v;
}

// out[i] = the fused activation of in[i], for n values (in may equal out). The bounds are taken
// out of the attributes first: read through the reference inside the loop they would be reloaded
// after every store (the output might alias them), and the loop would not vectorize. Bit for bit
// ApplyActivation's: std::max(v, lo) is (v < lo ? lo : v), NaN passing through.
inline void ApplyActivation(const ir::Attributes& a, const float* in, float* out, size_t n) {
  switch (a.activation) {
    case ir::Activation::kRelu:
      for (size_t i = 0; i < n; ++i) out[i] = std::max(in[i], 0.0f);
      return;
    case ir::Activation::kClip: {
      const float lo = a.clip_min, hi = a.clip_max;
      for (size_t i = 0; i < n; ++i) out[i] = std::min(std::max(in[i], lo), hi);
      return;
    }
    case ir::Activation::kNone:
      if (in != out) std::copy(in, in + n, out);
      return;
  }
}

// data[i] = the fused activation of data[i] + bias, in one pass (a convolution's epilogue),
// bit for bit ApplyActivation(a, data[i] + bias).
inline void ApplyBiasActivation(const ir::Attributes& a, float bias, float* data, size_t n) {
  switch (a.activation) {
    case ir::Activation::kRelu:
      for (size_t i = 0; i < n; ++i) data[i] = std::max(data[i] + bias, 0.0f);
      return;
    case ir::Activation::kClip: {
      const float lo = a.clip_min, hi = a.clip_max;
      for (size_t i = 0; i < n; ++i) data[i] = std::min(std::max(data[i] + bias, lo), hi);
      return;
    }
    case ir::Activation::kNone:
      for (size_t i = 0; i < n; ++i) data[i] += bias;
      return;
  }
}

}  // namespace rknnsim::ops
