#include "common/file_io.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

#include "common/error.h"

namespace rknnsim {

std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) throw Error("cannot open '" + path + "': " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw Error("'" + path + "' is a directory, expected a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open '" + path + "': " + std::strerror(errno));
  std::vector<uint8_t> bytes(static_cast<size_t>(st.st_size));
  if (!bytes.empty() && !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size())))
    throw Error("cannot read '" + path + "'");
  return bytes;
}

void WriteFileBytes(const std::string& path, const void* data, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error("cannot write '" + path + "': " + std::strerror(errno));
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) throw Error("cannot write '" + path + "'");
}

}  // namespace rknnsim
