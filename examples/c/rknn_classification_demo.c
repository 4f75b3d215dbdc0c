/* Image classification on the RKNPU2 C API, after RKNPU2's rknn_mobilenet_demo: load the model
 * into memory, query its inputs and outputs, set a uint8 NHWC image, run, get float outputs and
 * print the top 5. Written against rknn_api.h only: the same source builds for the board.
 *
 * usage: rknn_classification_demo MODEL IMAGE.ppm [OUTPUT_DIR]
 * OUTPUT_DIR receives output_<i>.npy (float32, NCHW) for comparison with `rknn-sim run`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_io.h"
#include "rknn_api.h"

static void dump_tensor_attr(const rknn_tensor_attr* attr) {
  printf("  index=%u, name=%s, n_dims=%u, dims=[", attr->index, attr->name, attr->n_dims);
  for (uint32_t i = 0; i < attr->n_dims; ++i) printf(i ? ", %u" : "%u", attr->dims[i]);
  printf("], n_elems=%u, size=%u, fmt=%d, type=%d, qnt_type=%d, zp=%d, scale=%f\n", attr->n_elems, attr->size,
         attr->fmt, attr->type, attr->qnt_type, attr->zp, attr->scale);
}

/* Indices of the 5 largest values, largest first (ties: lower index first). */
static void top5(const float* values, uint32_t n, uint32_t* index) {
  for (uint32_t k = 0; k < 5; ++k) {
    index[k] = UINT32_MAX;
    for (uint32_t i = 0; i < n; ++i) {
      int taken = 0;
      for (uint32_t j = 0; j < k; ++j) taken |= index[j] == i;
      if (!taken && (index[k] == UINT32_MAX || values[i] > values[index[k]])) index[k] = i;
    }
  }
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s MODEL IMAGE.ppm [OUTPUT_DIR]\n", argv[0]);
    return 2;
  }
  uint32_t model_size = 0;
  unsigned char* model = demo_read_file(argv[1], &model_size);
  if (!model) {
    fprintf(stderr, "cannot read model %s\n", argv[1]);
    return 1;
  }
  rknn_context ctx = 0;
  int ret = rknn_init(&ctx, model, model_size, 0, NULL);
  free(model); /* the runtime keeps its own copy */
  if (ret < 0) {
    fprintf(stderr, "rknn_init error ret=%d\n", ret);
    return 1;
  }

  rknn_sdk_version version;
  ret = rknn_query(ctx, RKNN_QUERY_SDK_VERSION, &version, sizeof(version));
  if (ret < 0) return 1;
  printf("sdk version: %s driver version: %s\n", version.api_version, version.drv_version);

  rknn_input_output_num io_num;
  ret = rknn_query(ctx, RKNN_QUERY_IN_OUT_NUM, &io_num, sizeof(io_num));
  if (ret < 0) return 1;
  printf("model input num: %u, output num: %u\n", io_num.n_input, io_num.n_output);

  rknn_tensor_attr input_attr;
  memset(&input_attr, 0, sizeof(input_attr));
  input_attr.index = 0;
  ret = rknn_query(ctx, RKNN_QUERY_INPUT_ATTR, &input_attr, sizeof(input_attr));
  if (ret < 0) return 1;
  printf("input tensors:\n");
  dump_tensor_attr(&input_attr);
  rknn_tensor_attr* output_attrs = (rknn_tensor_attr*)calloc(io_num.n_output, sizeof(rknn_tensor_attr));
  printf("output tensors:\n");
  for (uint32_t i = 0; i < io_num.n_output; ++i) {
    output_attrs[i].index = i;
    ret = rknn_query(ctx, RKNN_QUERY_OUTPUT_ATTR, &output_attrs[i], sizeof(rknn_tensor_attr));
    if (ret < 0) return 1;
    dump_tensor_attr(&output_attrs[i]);
  }

  /* NHWC input: dims are [1, H, W, C]. */
  int width = 0, height = 0;
  unsigned char* image = demo_read_ppm(argv[2], &width, &height);
  if (!image) {
    fprintf(stderr, "cannot read image %s (binary PPM, maxval 255)\n", argv[2]);
    return 1;
  }
  if (input_attr.fmt != RKNN_TENSOR_NHWC || input_attr.dims[3] != 3 || (uint32_t)width != input_attr.dims[2] ||
      (uint32_t)height != input_attr.dims[1]) {
    fprintf(stderr, "the model wants a %ux%u RGB image, got %dx%d\n", input_attr.dims[2], input_attr.dims[1], width,
            height);
    return 1;
  }
  rknn_input inputs[1];
  memset(inputs, 0, sizeof(inputs));
  inputs[0].index = 0;
  inputs[0].type = RKNN_TENSOR_UINT8;
  inputs[0].size = (uint32_t)(width * height * 3);
  inputs[0].fmt = RKNN_TENSOR_NHWC;
  inputs[0].buf = image;
  ret = rknn_inputs_set(ctx, io_num.n_input, inputs);
  if (ret < 0) {
    fprintf(stderr, "rknn_inputs_set fail! ret=%d\n", ret);
    return 1;
  }
  ret = rknn_run(ctx, NULL);
  if (ret < 0) {
    fprintf(stderr, "rknn_run fail! ret=%d\n", ret);
    return 1;
  }
  rknn_perf_run perf;
  if (rknn_query(ctx, RKNN_QUERY_PERF_RUN, &perf, sizeof(perf)) == RKNN_SUCC)
    printf("simulated run: %lld us\n", (long long)perf.run_duration);

  rknn_output* outputs = (rknn_output*)calloc(io_num.n_output, sizeof(rknn_output));
  for (uint32_t i = 0; i < io_num.n_output; ++i) {
    outputs[i].index = i;
    outputs[i].want_float = 1;
  }
  ret = rknn_outputs_get(ctx, io_num.n_output, outputs, NULL);
  if (ret < 0) {
    fprintf(stderr, "rknn_outputs_get fail! ret=%d\n", ret);
    return 1;
  }
  for (uint32_t i = 0; i < io_num.n_output; ++i) {
    uint32_t n = outputs[i].size / sizeof(float);
    const float* values = (const float*)outputs[i].buf;
    if (n >= 5) {
      uint32_t best[5];
      top5(values, n, best);
      printf(" --- Top5 (output %u) ---\n", i);
      for (int k = 0; k < 5; ++k) printf("%8u: %.6f\n", best[k], values[best[k]]);
    }
    if (argc > 3) {
      char path[4096];
      snprintf(path, sizeof(path), "%s/output_%u.npy", argv[3], i);
      if (demo_write_npy(path, values, output_attrs[i].dims, output_attrs[i].n_dims) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        return 1;
      }
    }
  }
  rknn_outputs_release(ctx, io_num.n_output, outputs);
  rknn_destroy(ctx);
  free(outputs);
  free(output_attrs);
  free(image);
  return 0;
}
