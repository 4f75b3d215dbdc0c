// IEEE binary16 conversions used by the fp16 path. Both executors must round identically, so
// everything goes through these two functions (round-to-nearest-even, Eigen's implementation).
#pragma once

#include <cstdint>

#include <Eigen/Core>

namespace rknnsim {

inline uint16_t FloatToHalfBits(float x) { return Eigen::numext::bit_cast<uint16_t>(Eigen::half(x)); }
inline float HalfBitsToFloat(uint16_t bits) {
  return static_cast<float>(Eigen::numext::bit_cast<Eigen::half>(bits));
}
// Rounds a float to the nearest representable fp16 value, returned as float.
inline float RoundToHalf(float x) { return static_cast<float>(Eigen::half(x)); }

}  // namespace rknnsim
