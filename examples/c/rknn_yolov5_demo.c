/* YOLOv5 detection on the RKNPU2 C API, after RKNPU2's rknn_yolov5_demo: three raw head outputs
 * [1, 3*(5+classes), H, W] at strides 8/16/32, decoded with sigmoid, grid offsets and the
 * yolov5s anchors, filtered by score and reduced by per-class NMS. Written against rknn_api.h
 * only. The model file is given to rknn_init by path (size 0).
 *
 * usage: rknn_yolov5_demo MODEL IMAGE.ppm [OUTPUT_DIR]
 * OUTPUT_DIR receives output_<i>.npy (float32, NCHW) and detections.txt. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_io.h"
#include "rknn_api.h"

#define OBJ_NUMB_MAX_SIZE 64
#define BOX_THRESH 0.25f
#define NMS_THRESH 0.45f
#define MAX_CANDIDATES 100000

static const int kAnchors[3][6] = {{10, 13, 16, 30, 33, 23}, {30, 61, 62, 45, 59, 119}, {116, 90, 156, 198, 373, 326}};

typedef struct {
  float x1, y1, x2, y2, score;
  int cls;
} box_t;

static float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

/* Decodes one head (NCHW floats) into candidate boxes; returns the new candidate count. */
static int decode_head(const float* data, uint32_t grid_h, uint32_t grid_w, int stride, const int* anchors,
                       int num_classes, box_t* boxes, int count) {
  const size_t plane = (size_t)grid_h * grid_w;
  const int props = 5 + num_classes;
  for (int a = 0; a < 3; ++a)
    for (uint32_t i = 0; i < grid_h; ++i)
      for (uint32_t j = 0; j < grid_w; ++j) {
        const float* p = data + (size_t)(a * props) * plane + i * grid_w + j;
        float obj = sigmoid(p[4 * plane]);
        if (obj < BOX_THRESH) continue;
        int best = 0;
        float best_score = p[5 * plane];
        for (int c = 1; c < num_classes; ++c)
          if (p[(size_t)(5 + c) * plane] > best_score) best_score = p[(size_t)(5 + c) * plane], best = c;
        float score = obj * sigmoid(best_score);
        if (score < BOX_THRESH || count >= MAX_CANDIDATES) continue;
        float cx = (sigmoid(p[0]) * 2.0f - 0.5f + (float)j) * (float)stride;
        float cy = (sigmoid(p[plane]) * 2.0f - 0.5f + (float)i) * (float)stride;
        float w = sigmoid(p[2 * plane]) * 2.0f;
        float h = sigmoid(p[3 * plane]) * 2.0f;
        w = w * w * (float)anchors[2 * a];
        h = h * h * (float)anchors[2 * a + 1];
        box_t b = {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, best};
        boxes[count++] = b;
      }
  return count;
}

static int by_score(const void* a, const void* b) {
  const box_t* x = (const box_t*)a;
  const box_t* y = (const box_t*)b;
  if (x->score != y->score) return x->score < y->score ? 1 : -1;
  return (x->cls > y->cls) - (x->cls < y->cls);
}

static float iou(const box_t* a, const box_t* b) {
  float w = fminf(a->x2, b->x2) - fmaxf(a->x1, b->x1);
  float h = fminf(a->y2, b->y2) - fmaxf(a->y1, b->y1);
  if (w <= 0 || h <= 0) return 0;
  float inter = w * h;
  float uni = (a->x2 - a->x1) * (a->y2 - a->y1) + (b->x2 - b->x1) * (b->y2 - b->y1) - inter;
  return uni > 0 ? inter / uni : 0;
}

/* Greedy per-class NMS over score-sorted boxes; keeps at most OBJ_NUMB_MAX_SIZE. */
static int nms(box_t* boxes, int count, box_t* kept) {
  qsort(boxes, (size_t)count, sizeof(box_t), by_score);
  int n = 0;
  for (int i = 0; i < count && n < OBJ_NUMB_MAX_SIZE; ++i) {
    int suppressed = 0;
    for (int k = 0; k < n && !suppressed; ++k)
      suppressed = kept[k].cls == boxes[i].cls && iou(&kept[k], &boxes[i]) > NMS_THRESH;
    if (!suppressed) kept[n++] = boxes[i];
  }
  return n;
}

static float clampf(float v, float hi) { return v < 0 ? 0 : (v > hi ? hi : v); }

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s MODEL IMAGE.ppm [OUTPUT_DIR]\n", argv[0]);
    return 2;
  }
  rknn_context ctx = 0;
  int ret = rknn_init(&ctx, argv[1], 0, 0, NULL);
  if (ret < 0) {
    fprintf(stderr, "rknn_init error ret=%d\n", ret);
    return 1;
  }
  rknn_input_output_num io_num;
  if (rknn_query(ctx, RKNN_QUERY_IN_OUT_NUM, &io_num, sizeof(io_num)) < 0) return 1;
  if (io_num.n_input != 1 || io_num.n_output != 3) {
    fprintf(stderr, "a yolov5 model has 1 input and 3 outputs, this one %u and %u\n", io_num.n_input, io_num.n_output);
    return 1;
  }
  rknn_tensor_attr input_attr;
  memset(&input_attr, 0, sizeof(input_attr));
  if (rknn_query(ctx, RKNN_QUERY_INPUT_ATTR, &input_attr, sizeof(input_attr)) < 0) return 1;
  rknn_tensor_attr output_attrs[3];
  memset(output_attrs, 0, sizeof(output_attrs));
  for (uint32_t i = 0; i < 3; ++i) {
    output_attrs[i].index = i;
    if (rknn_query(ctx, RKNN_QUERY_OUTPUT_ATTR, &output_attrs[i], sizeof(rknn_tensor_attr)) < 0) return 1;
    if (output_attrs[i].n_dims != 4 || output_attrs[i].dims[1] % 3 != 0 || output_attrs[i].dims[1] < 18) {
      fprintf(stderr, "output %u is not a yolov5 head [1, 3*(5+classes), H, W]\n", i);
      return 1;
    }
  }
  const uint32_t model_h = input_attr.dims[1], model_w = input_attr.dims[2];
  int width = 0, height = 0;
  unsigned char* image = demo_read_ppm(argv[2], &width, &height);
  if (!image || (uint32_t)width != model_w || (uint32_t)height != model_h) {
    fprintf(stderr, "need a %ux%u binary PPM image (letterbox it first)\n", model_w, model_h);
    return 1;
  }
  rknn_input inputs[1];
  memset(inputs, 0, sizeof(inputs));
  inputs[0].index = 0;
  inputs[0].type = RKNN_TENSOR_UINT8;
  inputs[0].size = model_w * model_h * 3;
  inputs[0].fmt = RKNN_TENSOR_NHWC;
  inputs[0].buf = image;
  if ((ret = rknn_inputs_set(ctx, 1, inputs)) < 0 || (ret = rknn_run(ctx, NULL)) < 0) {
    fprintf(stderr, "inference failed, ret=%d\n", ret);
    return 1;
  }
  rknn_output outputs[3];
  memset(outputs, 0, sizeof(outputs));
  for (uint32_t i = 0; i < 3; ++i) outputs[i].index = i, outputs[i].want_float = 1;
  if ((ret = rknn_outputs_get(ctx, 3, outputs, NULL)) < 0) {
    fprintf(stderr, "rknn_outputs_get fail! ret=%d\n", ret);
    return 1;
  }

  box_t* candidates = (box_t*)malloc(MAX_CANDIDATES * sizeof(box_t));
  box_t kept[OBJ_NUMB_MAX_SIZE];
  int count = 0;
  for (uint32_t i = 0; i < 3; ++i) {
    const uint32_t grid_h = output_attrs[i].dims[2], grid_w = output_attrs[i].dims[3];
    const int num_classes = (int)(output_attrs[i].dims[1] / 3) - 5;
    count = decode_head((const float*)outputs[i].buf, grid_h, grid_w, (int)(model_h / grid_h), kAnchors[i],
                        num_classes, candidates, count);
  }
  int n = nms(candidates, count, kept);
  FILE* det = NULL;
  if (argc > 3) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/detections.txt", argv[3]);
    det = fopen(path, "w");
  }
  printf("%d candidates, %d detections after NMS\n", count, n);
  for (int k = 0; k < n; ++k) {
    const box_t* b = &kept[k];
    char line[160];
    snprintf(line, sizeof(line), "class %d @ (%d %d %d %d) %.3f\n", b->cls, (int)clampf(b->x1, (float)model_w),
             (int)clampf(b->y1, (float)model_h), (int)clampf(b->x2, (float)model_w), (int)clampf(b->y2, (float)model_h),
             b->score);
    fputs(line, stdout);
    if (det) fputs(line, det);
  }
  if (det) fclose(det);
  for (uint32_t i = 0; argc > 3 && i < 3; ++i) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/output_%u.npy", argv[3], i);
    if (demo_write_npy(path, (const float*)outputs[i].buf, output_attrs[i].dims, 4) != 0) return 1;
  }
  rknn_outputs_release(ctx, 3, outputs);
  rknn_destroy(ctx);
  free(candidates);
  free(image);
  return 0;
}
