/* rknn_register_custom_ops from C, as the board's custom CPU op demo uses it: Rockchip's
 * dual_residual model (one cstDualResidual node, r1 = x*alpha - y, r2 = y*alpha - x, attribute
 * alpha = 0.5), converted by tests/python/test_custom_op.py, and Rockchip's own compiled file of it
 * (RK3588). The callbacks read alpha with rknn_custom_op_get_op_attr; the outputs must match
 * Rockchip's expected ones, init must run once per node and destroy at rknn_destroy; bad
 * registrations are refused with RKNN_ERR_PARAM_INVALID. Registrations belong to their context, as
 * in RKNPU2: a second context binds the op_type to another kernel (the negated outputs) without
 * changing the first's, and a context that registered nothing is refused at rknn_run.
 * usage: custom_op_test MODEL IN0.bin IN1.bin OUT0.bin OUT1.bin ROCKCHIP.rknn (raw float32 NCHW) */
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

/* The same operator with both outputs negated: another context's kernel for the same op_type. */
static int negated_compute(rknn_custom_op_context* ctx, rknn_custom_op_tensor* in, uint32_t n_in,
                           rknn_custom_op_tensor* out, uint32_t n_out) {
  if (dual_compute(ctx, in, n_in, out, n_out) != 0) return -1;
  for (uint32_t k = 0; k < 2; ++k)
    for (int i = 0; i < N; ++i) ((float*)out[k].mem.virt_addr)[i] = -((float*)out[k].mem.virt_addr)[i];
  return 0;
}

static int dual_destroy(rknn_custom_op_context* ctx) {
  free(ctx->priv_data);
  ++destroys;
  return 0;
}

static float x[N], y[N], want0[N], want1[N];

/* One run of ctx on (x, y): the largest |output - sign * expected|, or -1 when the run fails. */
static float run_once(rknn_context ctx, float sign) {
  rknn_input inputs[2];
  memset(inputs, 0, sizeof(inputs));
  for (int i = 0; i < 2; ++i) {
    inputs[i].index = (uint32_t)i;
    inputs[i].buf = i ? y : x;
    inputs[i].size = sizeof(x);
    inputs[i].type = RKNN_TENSOR_FLOAT32;
    inputs[i].fmt = RKNN_TENSOR_NCHW;
  }
  if (rknn_inputs_set(ctx, 2, inputs) != RKNN_SUCC || rknn_run(ctx, NULL) != RKNN_SUCC) return -1;
  rknn_output outputs[2];
  memset(outputs, 0, sizeof(outputs));
  outputs[0].want_float = outputs[1].want_float = 1;
  outputs[1].index = 1;
  if (rknn_outputs_get(ctx, 2, outputs, NULL) != RKNN_SUCC) return -1;
  float worst = 0;
  for (int i = 0; i < 2 * N; ++i) {
    const float e = fabsf(((float*)outputs[i / N].buf)[i % N] - sign * (i < N ? want0 : want1)[i % N]);
    if (e > worst) worst = e;
  }
  rknn_outputs_release(ctx, 2, outputs);
  return worst;
}

static rknn_custom_op dual_op(int (*compute)(rknn_custom_op_context*, rknn_custom_op_tensor*, uint32_t,
                                             rknn_custom_op_tensor*, uint32_t)) {
  rknn_custom_op op;
  memset(&op, 0, sizeof(op));
  op.version = 1;
  op.target = RKNN_TARGET_TYPE_CPU;
  strcpy(op.op_type, "cstDualResidual");
  op.init = dual_init;
  op.compute = compute;
  op.destroy = dual_destroy;
  return op;
}

int main(int argc, char** argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: %s MODEL IN0.bin IN1.bin OUT0.bin OUT1.bin ROCKCHIP.rknn\n", argv[0]);
    return 2;
  }
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
  rknn_custom_op op = dual_op(dual_compute);
  op.target = RKNN_TARGET_TYPE_GPU;
  expect(rknn_register_custom_ops(ctx, &op, 1) == RKNN_ERR_PARAM_INVALID, "a GPU operator is refused");
  op.target = RKNN_TARGET_TYPE_CPU;
  op.compute = NULL;
  expect(rknn_register_custom_ops(ctx, &op, 1) == RKNN_ERR_PARAM_INVALID, "an operator without compute is refused");
  op.compute = dual_compute;
  expect(rknn_register_custom_ops(ctx, &op, 1) == RKNN_SUCC, "rknn_register_custom_ops");

  for (int run = 0; run < 2; ++run) {
    const float worst = run_once(ctx, 1.0f);
    printf("     run %d: max abs error against Rockchip's outputs %.2e\n", run, worst);
    expect(worst >= 0 && worst <= 1e-2f, "the outputs match Rockchip's expected outputs (fp16 model)");
  }
  expect(inits == 1 && computes == 2, "init once per node, compute once per run");

  /* A second context of the same model binds cstDualResidual to the negated kernel: each context
   * runs its own. A third that registered nothing is refused at rknn_run. */
  rknn_context other = 0, bare = 0;
  expect(rknn_init(&other, argv[1], 0, 0, NULL) == RKNN_SUCC && rknn_init(&bare, argv[1], 0, 0, NULL) == RKNN_SUCC,
         "two more contexts of the model");
  rknn_custom_op negated = dual_op(negated_compute);
  expect(rknn_register_custom_ops(other, &negated, 1) == RKNN_SUCC, "the second context registers its own kernel");
  float worst = run_once(other, -1.0f);
  expect(worst >= 0 && worst <= 1e-2f, "the second context runs its own kernel (negated outputs)");
  worst = run_once(ctx, 1.0f);
  expect(worst >= 0 && worst <= 1e-2f, "the first context still runs its kernel");
  expect(run_once(bare, 1.0f) < 0, "a context without the operator registered is refused at rknn_run");
  rknn_destroy(other);
  rknn_destroy(bare);
  expect(destroys == 1, "destroy runs for the destroyed context's node only");
  worst = run_once(ctx, 1.0f);
  expect(worst >= 0 && worst <= 1e-2f, "the first context runs after the second is destroyed");
  rknn_destroy(ctx);
  expect(destroys == 2, "destroy runs at rknn_destroy");

  /* Rockchip's compiled file of the example: its float16 layout conversions from register
   * commands, then the registered operator on the simulated CPU. */
  rknn_context rockchip = 0;
  if (rknn_init(&rockchip, argv[6], 0, 0, NULL) != RKNN_SUCC) {
    expect(0, "rknn_init on Rockchip's dual_residual_custom_rk3588.rknn");
    return 1;
  }
  rknn_custom_op op_again = dual_op(dual_compute);
  expect(rknn_register_custom_ops(rockchip, &op_again, 1) == RKNN_SUCC, "registered on Rockchip's file");
  worst = run_once(rockchip, 1.0f);
  printf("     Rockchip's file: max abs error against the expected outputs %.2e\n", worst);
  /* float16 inputs and outputs: within 2 units in the last place at the outputs' magnitude (< 4) */
  expect(worst >= 0 && worst <= 2.0f / 512, "Rockchip's file with the operator registered gives the expected outputs");
  rknn_destroy(rockchip);
  return failures ? 1 : 0;
}
