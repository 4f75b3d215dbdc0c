/* rknn-sim: the custom operator interface of RKNPU2's C runtime (rknn_custom_op.h, 2.x), so that a
 * program written for the board registers its custom CPU operators unchanged. The simulator runs
 * them on the host CPU between NPU tasks, with float32 NCHW tensors (attr.type
 * RKNN_TENSOR_FLOAT32, attr.fmt RKNN_TENSOR_NCHW); GPU (OpenCL) operators are refused. */
#ifndef _RKNN_CUSTOM_OP_H
#define _RKNN_CUSTOM_OP_H

#include <stdint.h>

#include "rknn_api.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RKNN_CUSTOM_OP_MAX_STR_LEN 64
#define RKNN_CUSTOM_OP_MAX_VALUE_LEN 32
#define RKNN_CUSTOM_OP_EXPORT __attribute__((visibility("default")))

#ifdef __arm__
typedef uint32_t rknn_custom_op_interal_context;
#else
typedef uint64_t rknn_custom_op_interal_context;
#endif

/* Where the operator runs. */
typedef enum _rknn_target_type {
  RKNN_TARGET_TYPE_CPU = 1,
  RKNN_TARGET_TYPE_GPU = 2, /* not simulated: refused by rknn_register_custom_ops */
  RKNN_TARGET_TYPE_MAX
} rknn_target_type;

typedef struct _rknn_gpu_op_context {
  void* cl_context;
  void* cl_command_queue;
  void* cl_kernel;
} rknn_gpu_op_context;

/* One per custom node; priv_data belongs to the callbacks (set in init, freed in destroy). */
typedef struct _rknn_custom_op_context {
  rknn_target_type target;
  rknn_custom_op_interal_context internal_ctx; /* the runtime's; read attributes through it */
  rknn_gpu_op_context gpu_ctx;
  void* priv_data;
} rknn_custom_op_context;

typedef struct _rknn_custom_op_tensor {
  rknn_tensor_attr attr;
  rknn_tensor_mem mem; /* mem.virt_addr: the tensor's values */
} rknn_custom_op_tensor;

/* An attribute of the node: n_elems values of dtype at data (n_elems = 0, data = NULL when the
 * node has no such attribute). Numbers are RKNN_TENSOR_FLOAT32 or RKNN_TENSOR_INT64, strings
 * RKNN_TENSOR_UINT8 bytes. */
typedef struct _rknn_custom_op_attr {
  char name[RKNN_MAX_NAME_LEN];
  rknn_tensor_type dtype;
  uint32_t n_elems;
  void* data;
} rknn_custom_op_attr;

/* A custom operator: its op_type (the ONNX node's) and callbacks. compute is required; init runs
 * once per node before its first compute, prepare before every compute, destroy when the context
 * is destroyed. Each returns 0 on success. */
typedef struct _rknn_custom_op {
  uint32_t version;
  rknn_target_type target;
  char op_type[RKNN_MAX_NAME_LEN];

  char cl_kernel_name[RKNN_MAX_NAME_LEN];
  char* cl_kernel_source;
  uint64_t cl_source_size;
  char cl_build_options[RKNN_MAX_NAME_LEN];

  int (*init)(rknn_custom_op_context* op_ctx, rknn_custom_op_tensor* inputs, uint32_t n_inputs,
              rknn_custom_op_tensor* outputs, uint32_t n_outputs);
  int (*prepare)(rknn_custom_op_context* op_ctx, rknn_custom_op_tensor* inputs, uint32_t n_inputs,
                 rknn_custom_op_tensor* outputs, uint32_t n_outputs);
  int (*compute)(rknn_custom_op_context* op_ctx, rknn_custom_op_tensor* inputs, uint32_t n_inputs,
                 rknn_custom_op_tensor* outputs, uint32_t n_outputs);
  int (*compute_native)(rknn_custom_op_context* op_ctx, rknn_custom_op_tensor* inputs, uint32_t n_inputs,
                        rknn_custom_op_tensor* outputs, uint32_t n_outputs); /* not used */
  int (*destroy)(rknn_custom_op_context* op_ctx);
} rknn_custom_op;

/* The entry point a custom operator plugin library exports. */
typedef rknn_custom_op* (*get_custom_op_func)();

/* Registers custom_op_num operators for the models of `ctx` (after rknn_init). */
int rknn_register_custom_ops(rknn_context ctx, rknn_custom_op* op, uint32_t custom_op_num);

/* Inside a callback: the node's attribute attr_name. */
void rknn_custom_op_get_op_attr(rknn_custom_op_context* op_ctx, const char* attr_name, rknn_custom_op_attr* op_attr);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* _RKNN_CUSTOM_OP_H */
