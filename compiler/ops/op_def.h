// One place per operator: its ONNX name, attribute parsing, shape rule and the two reference
// kernels (float32, and quantized int8/fp16). compiler/ops/<op>.cc fills one OpDef each; the
// table in op_table.cc lists them. The frontend, the executors and the reports look ops up here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace rknnsim::ops {

// Attribute access independent of the source format (ONNX today, .rknn later).
class AttrReader {
 public:
  virtual ~AttrReader() = default;
  virtual bool Has(const std::string& name) const = 0;
  virtual int64_t Int(const std::string& name, int64_t fallback) const = 0;
  virtual float Float(const std::string& name, float fallback) const = 0;
  virtual std::vector<int64_t> Ints(const std::string& name) const = 0;
  virtual std::string String(const std::string& name, const std::string& fallback) const = 0;
  // The element type (ONNX TensorProto::DataType) of input `index` when the source records it
  // (initializers, constants, typed graph inputs, Cast/QuantizeLinear outputs), else 0.
  virtual int64_t InputType(size_t index) const {
    (void)index;
    return 0;
  }
  // The static shape the source model declares for output `index` (a graph output or an ONNX
  // value_info entry with every dimension fixed), else empty. Ops whose output shape would depend
  // on run-time values (Resize with scales fed as an input) take it from here.
  virtual ir::Shape DeclaredOutputShape(size_t index) const {
    (void)index;
    return {};
  }
};

// Values of a node's inputs and outputs for the float32 reference. `out` is the first output;
// `outputs` holds all of them (Split); kernels resize what they write.
struct FloatArgs {
  const ir::Graph& graph;
  const ir::Node& node;
  std::vector<const std::vector<float>*> in;
  std::vector<float>& out;
  std::vector<std::vector<float>*> outputs;
};

// The int8 reference: every activation is int8 with its tensor's quant params; weights are int8
// per output channel, biases int32 (docs/quantization.md).
struct Int8Args {
  const ir::Graph& graph;
  const ir::Node& node;
  std::vector<const std::vector<int8_t>*> in;
  std::vector<int8_t>& out;
  std::vector<std::vector<int8_t>*> outputs;  // all outputs (Split); `out` is the first
};

// The fp16 reference: activations are fp16 values held as float (each exactly representable).
using Fp16Args = FloatArgs;

struct OpDef {
  ir::OpKind kind;
  const char* onnx_name;
  // Reads and validates attributes; throws Error naming the node on unsupported settings.
  void (*parse)(const AttrReader& attrs, const ir::Graph& graph, ir::Node& node);
  // Output shapes from input shapes (constant inputs are available in the graph).
  std::vector<ir::Shape> (*infer)(const ir::Graph& graph, const ir::Node& node);
  void (*run_float)(FloatArgs& args);
  // Quantized kernels; null while the op has no int8/fp16 form (the quantizer then refuses it).
  void (*run_int8)(Int8Args& args);
  void (*run_fp16)(Fp16Args& args);
  // The output takes the input's quantization unchanged (pooling max, reshapes, plain ReLU).
  bool keeps_input_quant;
};

const OpDef& GetOpDef(ir::OpKind kind);
// Every registered op (for docs and tests).
const std::vector<const OpDef*>& AllOps();
const OpDef* FindOnnxOp(const std::string& onnx_name);
// The node's ONNX op_type (a custom operator's own, e.g. "cstDualResidual").
std::string OnnxOpType(const ir::Node& node);
// Unary ops whose every output element depends on the input element at the same place alone
// (activations such as Sigmoid, Swish, Gelu). With an int8 input such an op has only 256 distinct
// results, so a table of them computes it exactly: the DPU's lookup table, and the int8
// reference's fast path for the ones it runs through float.
bool IsElementwiseUnary(ir::OpKind kind);
// The OpType the board's perf table prints, with fused activation (e.g. "ConvRelu").
std::string ReportOpType(const ir::Node& node);

}  // namespace rknnsim::ops
