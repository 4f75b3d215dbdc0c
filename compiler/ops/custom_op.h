// Custom operators (RKNN-Toolkit2 2.x): nodes of a non-default ONNX domain whose op_type the user
// registers with a shape rule and a float32 kernel, through the Python API (reg_custom_op) or the
// C API. They run on the simulated CPU; in int8/fp16 models the CPU fallback dequantizes their
// inputs and quantizes their outputs (docs/quantization.md §15) as for any CPU op.
//
// A custom node keeps its op_type in attrs.mode and its ONNX attributes, as a JSON object of
// name -> number, string or list, in attrs.custom_attrs (so a compiled model file carries them).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compiler/ops/op_def.h"

namespace rknnsim::ops {

// One call of a custom kernel: the node (op_type, name, attributes) and its tensors.
struct CustomOpCall {
  const ir::Node& node;
  std::vector<ir::Shape> input_shapes;
  std::vector<const std::vector<float>*> inputs;
  std::vector<ir::Shape> output_shapes;  // from the shape rule (at import)
  std::vector<std::vector<float>*> outputs;  // the kernel fills each with its shape's element count
};

struct CustomOpKernel {
  // Output shapes from input shapes; throws rknnsim::Error to refuse.
  std::function<std::vector<ir::Shape>(const ir::Node& node, const std::vector<ir::Shape>& inputs)> infer;
  std::function<void(CustomOpCall& call)> compute;
};

// Registers (or replaces) the kernel of `op_type`, process-wide; thread-safe.
void RegisterCustomOp(const std::string& op_type, CustomOpKernel kernel);
// The kernel for `op_type`: the innermost CustomOpScope's of this thread that has one, else the
// process-wide one, else null.
std::shared_ptr<const CustomOpKernel> FindCustomOp(const std::string& op_type);

// Kernels by op_type that one owner registered for itself (a C API context: RKNPU2 registers
// custom operators per context, so two contexts may bind one op_type to different kernels).
using CustomOpSet = std::map<std::string, std::shared_ptr<const CustomOpKernel>>;

// While it lives, FindCustomOp on this thread looks in `set` first. Scopes nest; the set must
// outlive the scope. Not copyable: it restores the thread's previous scope when destroyed.
class CustomOpScope {
 public:
  explicit CustomOpScope(const CustomOpSet* set);
  ~CustomOpScope();
  CustomOpScope(const CustomOpScope&) = delete;
  CustomOpScope& operator=(const CustomOpScope&) = delete;

 private:
  const CustomOpSet* set_;
  const CustomOpScope* outer_;
  friend std::shared_ptr<const CustomOpKernel> FindCustomOp(const std::string& op_type);
};

extern const OpDef kCustomOp;

}  // namespace rknnsim::ops
