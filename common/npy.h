// Reading and writing NumPy .npy files (format versions 1.0-3.0), validated before use.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rknnsim {

// An n-d array converted to float32 in C order, whatever dtype and order the file used.
struct NpyArray {
  std::vector<int64_t> shape;
  std::vector<float> data;
  std::string dtype;  // the file's element type by numpy's name ("float32", "int8", "bool", ...)
};

// Reads bool/int8/uint8/int16/uint16/int32/uint32/int64/uint64/float16/float32/float64 files,
// little- or big-endian, C or Fortran order. Throws Error naming the file and the defect.
NpyArray ReadNpy(const std::string& path);
NpyArray ParseNpy(const std::vector<uint8_t>& bytes, const std::string& what);

void WriteNpy(const std::string& path, const std::vector<int64_t>& shape, const std::vector<float>& data);
void WriteNpyInt64(const std::string& path, const std::vector<int64_t>& shape, const std::vector<int64_t>& data);

}  // namespace rknnsim
