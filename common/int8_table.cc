#include "common/int8_table.h"

// Highway compiles the AVX3_DL target (Ice Lake and later, with VBMI's byte permutes) only when
// asked.
#ifndef HWY_WANT_AVX3_DL
#define HWY_WANT_AVX3_DL
#endif
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "common/int8_table.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace rknnsim {
namespace HWY_NAMESPACE {

// The leading whole vectors; returns how many bytes that is (none outside AVX3_DL).
size_t ApplyInt8TableSimd(const uint8_t* table, const uint8_t* in, uint8_t* out, size_t count) {
  size_t i = 0;
// Highway 1.0.3 (Debian's) knows no later x86 target; newer ones (AVX3_ZEN4, AVX3_SPR) have VBMI
// too and must be added here when the dependency moves.
#if HWY_TARGET == HWY_AVX3_DL
  const __m512i low0 = _mm512_loadu_si512(table), low1 = _mm512_loadu_si512(table + 64);
  const __m512i high0 = _mm512_loadu_si512(table + 128), high1 = _mm512_loadu_si512(table + 192);
  const __m512i top = _mm512_set1_epi8(static_cast<char>(0x80));
  for (; i + 64 <= count; i += 64) {
    // Entry code + 128 is the byte with its top bit flipped: its low 7 bits pick within a half,
    // its top bit the half.
    const __m512i index = _mm512_xor_si512(_mm512_loadu_si512(in + i), top);
    const __m512i low = _mm512_permutex2var_epi8(low0, index, low1);
    const __m512i high = _mm512_permutex2var_epi8(high0, index, high1);
    _mm512_storeu_si512(out + i, _mm512_mask_blend_epi8(_mm512_movepi8_mask(index), low, high));
  }
#else
  (void)table, (void)in, (void)out, (void)count;
#endif
  return i;
}

}  // namespace HWY_NAMESPACE
}  // namespace rknnsim
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace rknnsim {

HWY_EXPORT(ApplyInt8TableSimd);

void ApplyInt8Table(const uint8_t* table, const uint8_t* in, uint8_t* out, size_t count) {
  size_t i = HWY_DYNAMIC_DISPATCH(ApplyInt8TableSimd)(table, in, out, count);
  for (; i < count; ++i) out[i] = table[static_cast<uint8_t>(in[i] ^ 0x80)];
}

}  // namespace rknnsim
#endif  // HWY_ONCE
