// A 256-entry lookup table applied to int8 codes: what a DPU's activation table and the
// int8 reference's table-driven operators do to every value. Whole vectors on AVX-512 VBMI (two
// 128-entry byte permutes per 64 codes), one byte at a time elsewhere.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rknnsim {

// out[i] = table[in[i] + 128] for each of the `count` bytes, read as int8 codes; `out` may be
// `in` (in place), not otherwise overlap it.
void ApplyInt8Table(const uint8_t* table, const uint8_t* in, uint8_t* out, size_t count);

}  // namespace rknnsim
