// Whole-file reads and writes with errors that name the path.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rknnsim {

std::vector<uint8_t> ReadFileBytes(const std::string& path);
void WriteFileBytes(const std::string& path, const void* data, size_t size);

}  // namespace rknnsim
