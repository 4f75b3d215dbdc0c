// Convert: the int8 <-> fp16 boundary that hybrid quantization (compiler/quant/hybrid.h) inserts
// between an int8 layer and a float16 one. Its input and output have different element types, so
// it has no one-type kernel: the quantized executor applies docs/quantization.md §17 directly
// (reference::RunConvert). In float it is the identity: both sides hold the same real value.
#include "compiler/ops/op_list.h"
#include "compiler/ops/op_util.h"

namespace rknnsim::ops {
namespace {

void ParseConvert(const AttrReader&, const ir::Graph&, ir::Node& node) {
  throw NodeError(node, "Convert is not an ONNX operator", "rknn-sim inserts it itself at int8/float16 boundaries");
}

std::vector<ir::Shape> SameShape(const ir::Graph& g, const ir::Node& node) { return {InputShape(g, node, 0)}; }

void RunFloat(FloatArgs& args) { args.out = *args.in[0]; }

}  // namespace

// limits: not an ONNX operator; inserted by hybrid quantization (--hybrid-cfg) where an int8 layer meets a float16 one
const OpDef kConvertOp{ir::OpKind::kConvert, "Convert", ParseConvert, SameShape, RunFloat, nullptr, nullptr, false};

}  // namespace rknnsim::ops
