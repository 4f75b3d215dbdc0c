#include "common/transpose_bytes.h"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "common/transpose_bytes.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace rknnsim {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The whole 16 x 16 tiles; returns how many rows and columns they cover (multiples of 16).
void TransposeTiles(const uint8_t* src, size_t rows, size_t cols, uint8_t* dst, size_t* tiled_rows,
                    size_t* tiled_cols) {
  *tiled_rows = 0, *tiled_cols = 0;
#if HWY_TARGET != HWY_SCALAR  // one lane per vector: the caller's loop does it all
  const hn::Full128<uint8_t> d;
  constexpr size_t kTile = 16;
  const size_t row_end = rows / kTile * kTile, col_end = cols / kTile * kTile;
  for (size_t r0 = 0; r0 < row_end; r0 += kTile)
    for (size_t c0 = 0; c0 < col_end; c0 += kTile) {
      hn::Vec128<uint8_t> v[kTile], t[kTile];
      for (size_t i = 0; i < kTile; ++i) v[i] = hn::LoadU(d, src + (r0 + i) * cols + c0);
      // A round: t[2k] = bytes 0..7 of v[k] and v[k+8] interleaved, t[2k+1] = bytes 8..15.
      for (int round = 0; round < 4; ++round) {
        for (size_t k = 0; k < kTile / 2; ++k) {
          t[2 * k] = hn::InterleaveLower(d, v[k], v[k + kTile / 2]);
          t[2 * k + 1] = hn::InterleaveUpper(d, v[k], v[k + kTile / 2]);
        }
        for (size_t i = 0; i < kTile; ++i) v[i] = t[i];
      }
      for (size_t j = 0; j < kTile; ++j) hn::StoreU(v[j], d, dst + (c0 + j) * rows + r0);
    }
  *tiled_rows = row_end, *tiled_cols = col_end;
#else
  (void)src, (void)rows, (void)cols, (void)dst;
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace rknnsim
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace rknnsim {

HWY_EXPORT(TransposeTiles);

void TransposeBytes(const uint8_t* src, size_t rows, size_t cols, uint8_t* dst) {
  size_t tiled_rows = 0, tiled_cols = 0;
  HWY_DYNAMIC_DISPATCH(TransposeTiles)(src, rows, cols, dst, &tiled_rows, &tiled_cols);
  // The rest: the columns right of the tiles in the tiled rows, then the rows below them.
  for (size_t r = 0; r < tiled_rows; ++r)
    for (size_t c = tiled_cols; c < cols; ++c) dst[c * rows + r] = src[r * cols + c];
  for (size_t c = 0; c < cols; ++c)
    for (size_t r = tiled_rows; r < rows; ++r) dst[c * rows + r] = src[r * cols + c];
}

}  // namespace rknnsim
#endif  // HWY_ONCE
