#include "capi/src/custom_ops.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "capi/src/api_error.h"
#include "common/error.h"
#include "compiler/ops/custom_op.h"

namespace rknnsim::capi {

// The state of one custom node: the context its callbacks see and the attribute values handed
// out by rknn_custom_op_get_op_attr (valid until the next call for the same name).
struct CustomNodeState {
  rknn_custom_op_context ctx{};
  nlohmann::json attrs;
  std::map<std::string, std::vector<uint8_t>> attr_values;
  bool initialized = false;
};

class CustomOpBinding {
 public:
  explicit CustomOpBinding(const rknn_custom_op& op) : op_(op), op_type_(op.op_type) {}

  const std::string& op_type() const { return op_type_; }

  void Compute(ops::CustomOpCall& call) {
    std::lock_guard<std::mutex> hold(lock_);
    if (retired_)
      throw Error("custom operator '" + op_type_ + "': the context that registered it was destroyed",
                  "call rknn_register_custom_ops on the context that runs the model");
    CustomNodeState& state = Node(call.node);
    std::vector<rknn_custom_op_tensor> in(call.inputs.size()), out(call.outputs.size());
    for (size_t i = 0; i < in.size(); ++i)
      Describe(in[i], static_cast<uint32_t>(i), call.input_shapes[i], const_cast<float*>(call.inputs[i]->data()));
    for (size_t i = 0; i < out.size(); ++i) {
      call.outputs[i]->assign(static_cast<size_t>(ir::NumElements(call.output_shapes[i])), 0.0f);
      Describe(out[i], static_cast<uint32_t>(i), call.output_shapes[i], call.outputs[i]->data());
    }
    const uint32_t n_in = static_cast<uint32_t>(in.size()), n_out = static_cast<uint32_t>(out.size());
    if (!state.initialized) {
      Check(call.node, "init", op_.init ? op_.init(&state.ctx, in.data(), n_in, out.data(), n_out) : 0);
      state.initialized = true;
    }
    if (op_.prepare) Check(call.node, "prepare", op_.prepare(&state.ctx, in.data(), n_in, out.data(), n_out));
    Check(call.node, "compute", op_.compute(&state.ctx, in.data(), n_in, out.data(), n_out));
  }

  void Retire() {
    std::lock_guard<std::mutex> hold(lock_);
    retired_ = true;
    for (auto& [name, state] : nodes_)
      if (state->initialized && op_.destroy) op_.destroy(&state->ctx);
    nodes_.clear();
  }

 private:
  CustomNodeState& Node(const ir::Node& node) {
    std::unique_ptr<CustomNodeState>& state = nodes_[node.name];
    if (!state) {
      state = std::make_unique<CustomNodeState>();
      state->ctx.target = RKNN_TARGET_TYPE_CPU;
      state->ctx.internal_ctx = reinterpret_cast<rknn_custom_op_interal_context>(state.get());
      state->attrs = nlohmann::json::parse(node.attrs.custom_attrs.empty() ? "{}" : node.attrs.custom_attrs,
                                           nullptr, /*allow_exceptions=*/false);
      if (!state->attrs.is_object()) state->attrs = nlohmann::json::object();
    }
    return *state;
  }

  static void Describe(rknn_custom_op_tensor& t, uint32_t index, const ir::Shape& shape, float* data) {
    std::memset(&t, 0, sizeof(t));
    t.attr.index = index;
    t.attr.n_dims = static_cast<uint32_t>(std::min<size_t>(shape.size(), RKNN_MAX_DIMS));
    for (uint32_t d = 0; d < t.attr.n_dims; ++d) t.attr.dims[d] = static_cast<uint32_t>(shape[d]);
    t.attr.n_elems = static_cast<uint32_t>(ir::NumElements(shape));
    t.attr.size = t.attr.n_elems * static_cast<uint32_t>(sizeof(float));
    t.attr.size_with_stride = t.attr.size;
    t.attr.fmt = RKNN_TENSOR_NCHW;
    t.attr.type = RKNN_TENSOR_FLOAT32;
    t.attr.qnt_type = RKNN_TENSOR_QNT_NONE;
    t.attr.scale = 1.0f;
    t.mem.virt_addr = data;
    t.mem.size = t.attr.size;
    t.mem.fd = -1;
  }

  void Check(const ir::Node& node, const char* callback, int ret) const {
    if (ret != 0)
      throw Error("node '" + node.name + "': the " + callback + " callback of custom operator '" + op_type_ +
                  "' returned " + std::to_string(ret));
  }

  const rknn_custom_op op_;
  const std::string op_type_;
  std::mutex lock_;
  bool retired_ = false;
  std::map<std::string, std::unique_ptr<CustomNodeState>> nodes_;  // by node name
};

std::vector<std::shared_ptr<CustomOpBinding>> RegisterCustomOps(const rknn_custom_op* ops, uint32_t count,
                                                                ops::CustomOpSet& kernels) {
  if (!ops || count == 0) throw ApiError(RKNN_ERR_PARAM_INVALID, "rknn_register_custom_ops: no operators given");
  std::vector<std::shared_ptr<CustomOpBinding>> bindings;
  for (uint32_t i = 0; i < count; ++i) {
    const rknn_custom_op& op = ops[i];
    const size_t length = strnlen(op.op_type, RKNN_MAX_NAME_LEN);
    if (length == 0 || length == RKNN_MAX_NAME_LEN)
      throw ApiError(RKNN_ERR_PARAM_INVALID, "custom operator " + std::to_string(i) + " has no op_type string");
    const std::string op_type(op.op_type, length);
    if (op.target != RKNN_TARGET_TYPE_CPU)
      throw ApiError(RKNN_ERR_PARAM_INVALID, "custom operator '" + op_type +
                                                 "': only CPU operators are simulated (target RKNN_TARGET_TYPE_CPU)");
    if (!op.compute)
      throw ApiError(RKNN_ERR_PARAM_INVALID, "custom operator '" + op_type + "' has no compute callback");
    bindings.push_back(std::make_shared<CustomOpBinding>(op));
  }
  for (const std::shared_ptr<CustomOpBinding>& binding : bindings) {
    ops::CustomOpKernel kernel;
    const std::string op_type = binding->op_type();
    kernel.infer = [op_type](const ir::Node& node, const std::vector<ir::Shape>&) -> std::vector<ir::Shape> {
      throw Error("node '" + node.name + "': custom operator '" + op_type +
                  "' was registered through the C API, which runs compiled models only",
                  "convert the model with the Python API (rknn.reg_custom_op)");
    };
    kernel.compute = [binding](ops::CustomOpCall& call) { binding->Compute(call); };
    kernels[op_type] = std::make_shared<const ops::CustomOpKernel>(std::move(kernel));
  }
  return bindings;
}

void Retire(CustomOpBinding& binding) { binding.Retire(); }

void GetCustomOpAttr(const rknn_custom_op_context* op_ctx, const char* attr_name, rknn_custom_op_attr* attr) {
  if (!attr) return;
  std::memset(attr, 0, sizeof(*attr));
  if (!op_ctx || !op_ctx->internal_ctx || !attr_name) return;
  std::strncpy(attr->name, attr_name, RKNN_MAX_NAME_LEN - 1);
  auto* state = reinterpret_cast<CustomNodeState*>(op_ctx->internal_ctx);
  auto it = state->attrs.find(attr_name);
  if (it == state->attrs.end()) return;
  const nlohmann::json values = it->is_array() ? *it : nlohmann::json::array({*it});
  std::vector<uint8_t>& bytes = state->attr_values[attr_name];
  bytes.clear();
  if (it->is_string()) {
    const std::string s = it->get<std::string>();
    bytes.assign(s.begin(), s.end());
    attr->dtype = RKNN_TENSOR_UINT8;
    attr->n_elems = static_cast<uint32_t>(bytes.size());
  } else {
    bool integers = true;
    for (const auto& v : values) integers = integers && v.is_number_integer();
    attr->dtype = integers ? RKNN_TENSOR_INT64 : RKNN_TENSOR_FLOAT32;
    for (const auto& v : values) {
      if (!v.is_number()) return;  // a list of strings: not expressible as one array
      uint8_t raw[8];
      size_t size = integers ? 8 : 4;
      if (integers) {
        const int64_t x = v.get<int64_t>();
        std::memcpy(raw, &x, 8);
      } else {
        const float x = v.get<float>();
        std::memcpy(raw, &x, 4);
      }
      bytes.insert(bytes.end(), raw, raw + size);
    }
    attr->n_elems = static_cast<uint32_t>(values.size());
  }
  attr->data = bytes.empty() ? nullptr : bytes.data();
}

}  // namespace rknnsim::capi
