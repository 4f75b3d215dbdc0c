// Hexadecimal numbers in messages and listings: "0x" and lowercase digits, zero-padded to at least
// `digits` (register offsets 4, words 8; addresses and sizes unpadded).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace rknnsim {

inline std::string Hex(uint64_t v, int digits = 1) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%0*llx", digits, static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace rknnsim
