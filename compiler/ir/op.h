// The operator kinds of the IR and their attributes. Adding an op: add its kind here, then its
// description (ONNX name, attribute parsing, shape rule, reference kernels) in compiler/ops/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rknnsim::ir {

enum class OpKind : uint8_t {
  kConv,
  kGemm,
  kRelu,
  kClip,
  kMaxPool,
  kGlobalAveragePool,
  kAdd,
  kFlatten,
  kReshape,
};

// Activation fused into a producing op by the fusion pass (the board reports e.g. "ConvRelu").
enum class Activation : uint8_t { kNone, kRelu, kClip };

struct Attributes {
  std::vector<int64_t> kernel;     // [kh, kw]
  std::vector<int64_t> strides;    // [sh, sw]
  std::vector<int64_t> pads;       // [top, left, bottom, right]
  std::vector<int64_t> dilations;  // [dh, dw]
  int64_t group = 1;
  int64_t axis = 1;
  bool ceil_mode = false;
  bool count_include_pad = false;
  float alpha = 1.0f;
  float beta = 1.0f;
  bool trans_a = false;
  bool trans_b = false;
  Activation activation = Activation::kNone;
  float clip_min = 0.0f;
  float clip_max = 0.0f;
  std::vector<int64_t> target_shape;  // Reshape
};

struct Node {
  OpKind op;
  std::string name;             // the source model's node name, kept for every report
  std::vector<int> inputs;      // tensor ids
  std::vector<int> outputs;     // tensor ids
  Attributes attrs;
};

}  // namespace rknnsim::ir
