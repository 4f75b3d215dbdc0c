/* rknn_register_custom_ops from C, as the board's custom CPU op demo uses it: Rockchip's
 * dual_residual model (one cstDualResidual node, r1 = x*alpha - y, r2 = y*alpha - x, attribute
 * alpha = 0.5), converted by tests/python/test_custom_op.py. The callbacks read alpha with
 * rknn_custom_op_get_op_attr; the outputs must match Rockchip's expected ones, init must run once
 * per node and destroy at rknn_destroy; bad registrations are refused with RKNN_ERR_PARAM_INVALID.
 * usage: custom_op_test MODEL IN0.bin IN1.bin OUT0.bin OUT1.bin (raw float32 NCHW) */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rknn_api.h"
#include "rknn_custom_op.h"

#define N 300 /* 1 x 3 x 10 x 10 */

static int inits, destroys, computes;
static int failures;

static void expect(int ok, const char* what) {
  printf("%-4s %s\n", ok ? "ok" : "FAIL", what);
  if (!ok) ++failures;
}

static int read_floats(const char* path, float* out) {
  FILE* f = fopen(path, "rb");
  if (!f) return 0;
  size_t n = fread(out, sizeof(float), N, f);
  fclose(f);
  return n == N;
}

static int dual_init(rknn_custom_op_context* ctx, rknn_custom_op_tensor* in, uint32_t n_in,
                     rknn_custom_op_tensor* out, uint32_t n_out) {
  (void)in, (void)n_in, (void)out, (void)n_out;
  rknn_custom_op_attr alpha;
  rknn_custom_op_get_op_attr(ctx, "alpha", &alpha);
  if (alpha.dtype != RKNN_TENSOR_FLOAT32 || alpha.n_elems != 1 || !alpha.data) return -1;
  float* priv = malloc(sizeof(float));
  *priv = *(const float*)alpha.data;
  ctx->priv_data = priv;
  ++inits;
  return 0;
}

static int dual_compute(rknn_custom_op_context* ctx, rknn_custom_op_tensor* in, uint32_t n_in,
                        rknn_custom_op_tensor* out, uint32_t n_out) {
  if (n_in != 2 || n_out != 2 || in[0].attr.type != RKNN_TENSOR_FLOAT32 || in[0].attr.n_elems != N) return -1;
  const float alpha = *(const float*)ctx->priv_data;
  const float* x = in[0].mem.virt_addr;
  const float* y = in[1].mem.virt_addr;
  float* r1 = out[0].mem.virt_addr;
  float* r2 = out[1].mem.virt_addr;
  for (int i = 0; i < N; ++i) {
    r1[i] = x[i] * alpha - y[i];
    r2[i] = y[i] * alpha - x[i];
  }
  ++computes;
  return 0;
}

static int dual_destroy(rknn_custom_op_context* ctx) {
  free(ctx->priv_data);
  ++destroys;
  return 0;
}

int main(int argc, char** argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s MODEL IN0.bin IN1.bin OUT0.bin OUT1.bin\n", argv[0]);
    return 2;
  }
  static float x[N], y[N], want0[N], want1[N];
  FILE* model = fopen(argv[1], "rb");
  if (!model && errno == ENOENT) { /* python.custom_op skipped: the shared data is absent */
    printf("SKIP: %s does not exist (python.custom_op makes it from the shared data)\n", argv[1]);
    return 77;
  }
  if (!model) {
    fprintf(stderr, "%s is present but unreadable: %s\n", argv[1], strerror(errno));
    return 1;
  }
  fclose(model);
  if (!read_floats(argv[2], x) || !read_floats(argv[3], y) || !read_floats(argv[4], want0) ||
      !read_floats(argv[5], want1)) {
    fprintf(stderr, "cannot read the input/output files\n");
    return 2;
  }
  rknn_context ctx = 0;
  if (rknn_init(&ctx, argv[1], 0, 0, NULL) != RKNN_SUCC) {
    fprintf(stderr, "rknn_init failed\n");
    return 1;
  }
  rknn_custom_op op;
  memset(&op, 0, sizeof(op));
  op.version = 1;
  op.target = RKNN_TARGET_TYPE_GPU;
  strcpy(op.op_type, "cstDualResidual");
  op.compute = dual_compute;
  expect(rknn_register_custom_ops(ctx, &op, 1) == RKNN_ERR_PARAM_INVALID, "a GPU operator is refused");
  op.target = RKNN_TARGET_TYPE_CPU;
  op.compute = NULL;
  expect(rknn_register_custom_ops(ctx, &op, 1) == RKNN_ERR_PARAM_INVALID, "an operator without compute is refused");
  op.init = dual_init;
  op.compute = dual_compute;
  op.destroy = dual_destroy;
  expect(rknn_register_custom_ops(ctx, &op, 1) == RKNN_SUCC, "rknn_register_custom_ops");

  rknn_input inputs[2];
  memset(inputs, 0, sizeof(inputs));
  for (int i = 0; i < 2; ++i) {
    inputs[i].index = (uint32_t)i;
    inputs[i].buf = i ? y : x;
    inputs[i].size = sizeof(x);
    inputs[i].type = RKNN_TENSOR_FLOAT32;
    inputs[i].fmt = RKNN_TENSOR_NCHW;
  }
  for (int run = 0; run < 2; ++run) {
    expect(rknn_inputs_set(ctx, 2, inputs) == RKNN_SUCC && rknn_run(ctx, NULL) == RKNN_SUCC, "rknn_run");
    rknn_output outputs[2];
    memset(outputs, 0, sizeof(outputs));
    outputs[0].want_float = outputs[1].want_float = 1;
    outputs[1].index = 1;
    if (rknn_outputs_get(ctx, 2, outputs, NULL) != RKNN_SUCC) {
      expect(0, "rknn_outputs_get");
      break;
    }
    float worst = 0;
    int at = 0;
    for (int i = 0; i < 2 * N; ++i) {
      const float e = fabsf(((float*)outputs[i / N].buf)[i % N] - (i < N ? want0 : want1)[i % N]);
      if (e > worst) worst = e, at = i;
    }
    printf("     run %d: max abs error against Rockchip's outputs %.2e (output %d, value %d)\n", run, worst, at / N,
           at % N);
    expect(worst <= 1e-2f, "the outputs match Rockchip's expected outputs (fp16 model)");
    rknn_outputs_release(ctx, 2, outputs);
  }
  expect(inits == 1 && computes == 2, "init once per node, compute once per run");
  rknn_destroy(ctx);
  expect(destroys == 1, "destroy runs at rknn_destroy");
  return failures ? 1 : 0;
}
