// Byte matrix transpose on SIMD lanes (Highway): 16 x 16 tiles, each transposed in registers by
// four rounds of byte interleaves (each round rotates the 8-bit index row:column by one bit).
#pragma once

#include <cstddef>
#include <cstdint>

namespace rknnsim {

// dst[c][r] = src[r][c] for a rows x cols matrix of bytes (both dense).
void TransposeBytes(const uint8_t* src, size_t rows, size_t cols, uint8_t* dst);

}  // namespace rknnsim
