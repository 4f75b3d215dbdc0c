// A 256-entry lookup table applied to int8 codes, in place: what a DPU's activation table and the
// int8 reference's table-driven operators do to every value. Whole vectors on AVX-512 VBMI (two
// 128-entry byte permutes per 64 codes), one byte at a time elsewhere.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rknnsim {

// data[i] = table[code + 128] for each of the `count` bytes, read as int8 codes.
void ApplyInt8Table(const uint8_t* table, uint8_t* data, size_t count);

}  // namespace rknnsim
