// Custom operators registered through rknn_register_custom_ops: each becomes the registering
// context's kernel of its op_type (an ops::CustomOpSet the context's runs look in first, as
// RKNPU2 registers per context), calling the caller's C callbacks with float32 NCHW tensors. The
// context owns the binding; destroying the context runs `destroy` for every node that was
// initialized and retires the kernel.
#pragma once

#include <memory>
#include <vector>

#include "compiler/ops/custom_op.h"
#include "rknn_custom_op.h"

namespace rknnsim::capi {

class CustomOpBinding;

// Validates `ops` and adds their kernels to `kernels` (replacing any of the same op_type); throws
// ApiError, leaving `kernels` as it was. The bindings belong to the calling context.
std::vector<std::shared_ptr<CustomOpBinding>> RegisterCustomOps(const rknn_custom_op* ops, uint32_t count,
                                                                ops::CustomOpSet& kernels);

// Runs the destroy callbacks and retires the binding (the context is going away).
void Retire(CustomOpBinding& binding);

// rknn_custom_op_get_op_attr.
void GetCustomOpAttr(const rknn_custom_op_context* op_ctx, const char* attr_name, rknn_custom_op_attr* attr);

}  // namespace rknnsim::capi
