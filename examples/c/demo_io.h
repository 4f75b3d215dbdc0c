/* Small file helpers shared by the C demos: read a whole file, read a binary PPM (P6) image as
 * uint8 HWC RGB, and write float32 arrays as .npy so tests can compare them with `rknn-sim run`.
 * Plain C99, header-only, no dependency beyond libc. */
#ifndef RKNN_SIM_EXAMPLES_DEMO_IO_H
#define RKNN_SIM_EXAMPLES_DEMO_IO_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole file in a malloc'd buffer (NULL on failure); *size receives its length. */
static inline unsigned char* demo_read_file(const char* path, uint32_t* size) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char* data = n > 0 ? (unsigned char*)malloc((size_t)n) : NULL;
  if (data && fread(data, 1, (size_t)n, f) != (size_t)n) {
    free(data);
    data = NULL;
  }
  fclose(f);
  *size = (uint32_t)n;
  return data;
}

/* Skips whitespace and '#' comments in a PPM header. */
static inline int demo_ppm_token(FILE* f) {
  int c = fgetc(f);
  while (c == '#' || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
    if (c == '#')
      while (c != '\n' && c != EOF) c = fgetc(f);
    c = fgetc(f);
  }
  int value = 0;
  while (c >= '0' && c <= '9') {
    value = value * 10 + (c - '0');
    c = fgetc(f);
  }
  return value;
}

/* A binary PPM (P6, maxval 255) as malloc'd RGB bytes in HWC order; NULL on failure. */
static inline unsigned char* demo_read_ppm(const char* path, int* width, int* height) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  unsigned char* data = NULL;
  if (fgetc(f) == 'P' && fgetc(f) == '6') {
    *width = demo_ppm_token(f);
    *height = demo_ppm_token(f);
    int maxval = demo_ppm_token(f); /* the single whitespace after maxval was consumed */
    size_t n = (size_t)(*width) * (size_t)(*height) * 3;
    if (maxval == 255 && n > 0) {
      data = (unsigned char*)malloc(n);
      if (data && fread(data, 1, n, f) != n) {
        free(data);
        data = NULL;
      }
    }
  }
  fclose(f);
  return data;
}

/* Writes a little-endian float32 .npy (format 1.0, C order) of the given shape. */
static inline int demo_write_npy(const char* path, const float* data, const uint32_t* dims, uint32_t n_dims) {
  char shape[256] = "(";
  size_t count = 1;
  for (uint32_t i = 0; i < n_dims; ++i) {
    char d[32];
    snprintf(d, sizeof(d), n_dims == 1 ? "%u," : (i + 1 < n_dims ? "%u, " : "%u"), dims[i]);
    strncat(shape, d, sizeof(shape) - strlen(shape) - 1);
    count *= dims[i];
  }
  strncat(shape, ")", sizeof(shape) - strlen(shape) - 1);
  char header[512];
  int len = snprintf(header, sizeof(header), "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }", shape);
  int total = 10 + len + 1;
  int pad = (64 - total % 64) % 64; /* header padded with spaces so the data starts 64-aligned */
  FILE* f = fopen(path, "wb");
  if (!f) return -1;
  uint16_t header_len = (uint16_t)(len + pad + 1);
  fwrite("\x93NUMPY\x01\x00", 1, 8, f);
  fputc(header_len & 0xff, f);
  fputc(header_len >> 8, f);
  fwrite(header, 1, (size_t)len, f);
  for (int i = 0; i < pad; ++i) fputc(' ', f);
  fputc('\n', f);
  size_t written = fwrite(data, sizeof(float), count, f);
  fclose(f);
  return written == count ? 0 : -1;
}

#endif
