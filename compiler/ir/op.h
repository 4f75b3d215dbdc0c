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
  // Values above are stored in compiled model files (runtime/model_file.fbs): append only.
  // Element-wise (compiler/ops/elementwise_*.cc).
  kSub, kMul, kDiv, kPow, kMin, kMax, kSqrt, kReciprocal, kExp, kLog, kAbs, kNeg, kErf,
  kLeakyRelu, kPRelu, kSigmoid, kHardSigmoid, kHardSwish, kTanh, kElu, kSoftplus, kCast,
  // Neural-network ops (compiler/ops/nn_*.cc).
  kConvTranspose, kMatMul, kAveragePool, kGlobalMaxPool, kBatchNormalization, kInstanceNormalization,
  kLayerNormalization, kSoftmax, kReduceMean, kReduceMax, kReduceMin, kReduceSum, kArgMax,
  // Data movement and shape ops (compiler/ops/tensor_*.cc).
  kConcat, kSplit, kSlice, kGather, kTranspose, kSqueeze, kUnsqueeze, kPad, kResize, kUpsample,
  kDepthToSpace, kSpaceToDepth, kTile, kExpand, kShape, kConstantOfShape, kRange,
  // Fused by compiler/passes (not ONNX ops).
  kSwish,  // x * sigmoid(x): Sigmoid + Mul (SiLU), the board's "ExSwish"
  // Inserted by hybrid quantization (compiler/quant/hybrid.h), not an ONNX op.
  kConvert,  // int8 <-> fp16 at a precision boundary (docs/quantization.md §17)
  // Inserted by passes/lower_conv_transpose.cc, not an ONNX op: the stride zeros of a deconvolution.
  kZeroInsert,  // strides = [s_h, s_w] (docs/quantization.md §21)
  // QDQ models (compiler/ops/quantize_linear.cc); passes/fold_qdq.cc removes them before quantization.
  kQuantizeLinear, kDequantizeLinear,
  // Activations that became ONNX ops of their own in opsets 18 (Mish) and 20 (Gelu).
  kGelu, kMish,
  // A user-registered operator (compiler/ops/custom_op.h): op_type in attrs.mode.
  kCustom,
  // More element-wise activations (compiler/ops/elementwise_unary.cc).
  kSelu, kCelu, kSoftsign, kThresholdedRelu,
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
  // Generic attributes of the wider op set; each op's parse() documents which it uses.
  std::vector<int64_t> axes;       // Squeeze/Unsqueeze/Reduce*/Slice axes, Transpose perm, Tile repeats, ...
  std::vector<int64_t> ints;       // op-specific integer list (Split sizes, Slice starts/ends/steps, Pad pads, ...)
  std::vector<float> floats;       // op-specific float list (Resize scales, Pad value, ...)
  std::string mode;                // Resize/Pad/DepthToSpace mode
  std::string coordinate_mode;     // Resize coordinate_transformation_mode
  std::string nearest_mode;        // Resize nearest_mode
  float cubic_coeff_a = -0.75f;    // Resize cubic
  bool exclude_outside = false;    // Resize cubic
  std::string custom_attrs;        // custom operators: the node's attributes as a JSON object
  float epsilon = 1e-5f;           // normalizations
  int64_t keepdims = 1;            // Reduce*, ArgMax
  int64_t blocksize = 0;           // DepthToSpace/SpaceToDepth
  int64_t to = 0;                  // Cast target (ONNX TensorProto data type)
  std::vector<int64_t> output_padding;  // ConvTranspose
};

struct Node {
  OpKind op;
  std::string name;             // the source model's node name, kept for every report
  std::vector<int> inputs;      // tensor ids
  std::vector<int> outputs;     // tensor ids
  Attributes attrs;
  bool on_cpu = false;          // placement: runs as a CPU fallback op (compiler/lower/placement.h)
};

}  // namespace rknnsim::ir
