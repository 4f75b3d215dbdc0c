// Matrix transpose in cache-sized tiles: a plain double loop writes one of the two matrices with a
// whole row's stride, a cache miss per element once the matrix outgrows L1 (NCHW <-> NHWC of a
// feature map is such a transpose per image).
#pragma once

#include <algorithm>
#include <cstddef>

namespace rknnsim {

// dst[c][r] = src[r][c] for a rows x cols matrix (both dense).
template <typename T>
void Transpose(const T* src, size_t rows, size_t cols, T* dst) {
  constexpr size_t kTile = 32;
  for (size_t r0 = 0; r0 < rows; r0 += kTile)
    for (size_t c0 = 0; c0 < cols; c0 += kTile) {
      const size_t r1 = std::min(rows, r0 + kTile), c1 = std::min(cols, c0 + kTile);
      for (size_t c = c0; c < c1; ++c)
        for (size_t r = r0; r < r1; ++r) dst[c * rows + r] = src[r * cols + c];
    }
}

}  // namespace rknnsim
