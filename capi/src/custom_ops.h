// Custom operators registered through rknn_register_custom_ops: each becomes the process's kernel
// of its op_type (compiler/ops/custom_op.h), calling the caller's C callbacks with float32 NCHW
// tensors. The registering context owns the binding; destroying the context runs `destroy` for
// every node that was initialized and retires the kernel.
#pragma once

#include <memory>
#include <vector>

#include "rknn_custom_op.h"

namespace rknnsim::capi {

class CustomOpBinding;

// Validates and registers `ops`; throws ApiError. The bindings belong to the calling context.
std::vector<std::shared_ptr<CustomOpBinding>> RegisterCustomOps(const rknn_custom_op* ops, uint32_t count);

// Runs the destroy callbacks and retires the binding (the context is going away).
void Retire(CustomOpBinding& binding);

// rknn_custom_op_get_op_attr.
void GetCustomOpAttr(const rknn_custom_op_context* op_ctx, const char* attr_name, rknn_custom_op_attr* attr);

}  // namespace rknnsim::capi
