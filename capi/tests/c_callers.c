/* Calls from C with arbitrary ints in enum parameters, as a C program may pass them (a C++ caller
 * cannot: loading an out-of-range enum is undefined there). */
#include "rknn_api.h"

int c_query_with_cmd(rknn_context ctx, int cmd, void* info, uint32_t size) {
  return rknn_query(ctx, (rknn_query_cmd)cmd, info, size);
}

int c_set_core_mask(rknn_context ctx, int mask) { return rknn_set_core_mask(ctx, (rknn_core_mask)mask); }
