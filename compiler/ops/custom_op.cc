#include "compiler/ops/custom_op.h"

#include <map>
#include <mutex>

#include "compiler/ops/op_util.h"

namespace rknnsim::ops {
namespace {

std::mutex registry_mutex;
std::map<std::string, std::shared_ptr<const CustomOpKernel>>& Registry() {
  static std::map<std::string, std::shared_ptr<const CustomOpKernel>> registry;
  return registry;
}

const char* kRegisterHint =
    "register it before loading the model: Python rknn.reg_custom_op(obj) with op_type, shape_infer and compute; "
    "C rknn_register_custom_ops(ctx, ...) before rknn_run";

std::shared_ptr<const CustomOpKernel> KernelOf(const ir::Node& node) {
  std::shared_ptr<const CustomOpKernel> kernel = FindCustomOp(node.attrs.mode);
  if (!kernel) throw NodeError(node, "custom operator '" + node.attrs.mode + "' is not registered", kRegisterHint);
  return kernel;
}

void Parse(const AttrReader&, const ir::Graph&, ir::Node& node) {
  KernelOf(node);
  for (int id : node.inputs)
    if (id < 0) throw NodeError(node, "custom operator '" + node.attrs.mode + "' with an omitted optional input");
}

std::vector<ir::Shape> Infer(const ir::Graph& g, const ir::Node& node) {
  std::vector<ir::Shape> inputs;
  for (size_t i = 0; i < node.inputs.size(); ++i) inputs.push_back(InputShape(g, node, i));
  std::vector<ir::Shape> outputs = KernelOf(node)->infer(node, inputs);
  if (outputs.size() != node.outputs.size())
    throw NodeError(node, "the shape rule of custom operator '" + node.attrs.mode + "' gives " +
                              std::to_string(outputs.size()) + " shape(s) for " + std::to_string(node.outputs.size()) +
                              " output(s)");
  for (const ir::Shape& s : outputs)
    for (int64_t d : s)
      if (d <= 0 || d > (int64_t{1} << 31))
        throw NodeError(node, "the shape rule of custom operator '" + node.attrs.mode + "' gives the shape " +
                                  ir::ShapeToString(s));
  return outputs;
}

void RunFloat(FloatArgs& args) {
  const std::shared_ptr<const CustomOpKernel> kernel = KernelOf(args.node);
  CustomOpCall call{args.node, {}, args.in, {}, args.outputs};
  for (size_t i = 0; i < args.node.inputs.size(); ++i) call.input_shapes.push_back(InputShape(args.graph, args.node, i));
  for (int id : args.node.outputs) call.output_shapes.push_back(args.graph.tensor(id).shape);
  kernel->compute(call);
  for (size_t i = 0; i < call.outputs.size(); ++i)
    if (static_cast<int64_t>(call.outputs[i]->size()) != ir::NumElements(call.output_shapes[i]))
      throw NodeError(args.node, "custom operator '" + args.node.attrs.mode + "' wrote " +
                                     std::to_string(call.outputs[i]->size()) + " values to output " + std::to_string(i) +
                                     " of shape " + ir::ShapeToString(call.output_shapes[i]));
}

}  // namespace

void RegisterCustomOp(const std::string& op_type, CustomOpKernel kernel) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  Registry()[op_type] = std::make_shared<const CustomOpKernel>(std::move(kernel));
}

namespace {
thread_local const CustomOpScope* innermost_scope = nullptr;
}  // namespace

CustomOpScope::CustomOpScope(const CustomOpSet* set) : set_(set), outer_(innermost_scope) { innermost_scope = this; }
CustomOpScope::~CustomOpScope() { innermost_scope = outer_; }

std::shared_ptr<const CustomOpKernel> FindCustomOp(const std::string& op_type) {
  for (const CustomOpScope* scope = innermost_scope; scope; scope = scope->outer_) {
    if (!scope->set_) continue;
    const auto it = scope->set_->find(op_type);
    if (it != scope->set_->end()) return it->second;
  }
  std::lock_guard<std::mutex> lock(registry_mutex);
  auto it = Registry().find(op_type);
  return it == Registry().end() ? nullptr : it->second;
}

// The ONNX name is not one a node can have: the importer maps registered op_types of any
// non-default domain to this op.
// opsets: 9-21
// limits: runs on the CPU with the registered float32 kernel (Python reg_custom_op, C rknn_register_custom_ops); its op_type in a non-default domain
const OpDef kCustomOp{ir::OpKind::kCustom, "(custom)", Parse, Infer, RunFloat, nullptr, nullptr, false};

}  // namespace rknnsim::ops
