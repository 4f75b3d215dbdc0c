#include "common/npy.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <regex>

#include "common/error.h"
#include "common/file_io.h"
#include "common/fp16.h"

namespace rknnsim {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr int64_t kMaxElements = int64_t{1} << 31;

struct Header {
  char byte_order;  // '<', '>' or '|'
  char kind;        // 'f', 'i', 'u', 'b'
  int item_size;
  bool fortran_order;
  std::vector<int64_t> shape;
};

Header ParseHeaderDict(const std::string& dict, const std::string& what) {
  static const std::regex descr_re(R"('descr'\s*:\s*'([<>|=])([fiub])(\d+)')");
  static const std::regex order_re(R"('fortran_order'\s*:\s*(True|False))");
  static const std::regex shape_re(R"('shape'\s*:\s*\(([^)]*)\))");
  std::smatch m;
  Header h{};
  if (!std::regex_search(dict, m, descr_re))
    throw Error(what + ": unsupported or missing dtype in .npy header", "save plain numeric arrays with numpy.save");
  h.byte_order = m[1].str()[0] == '=' ? '<' : m[1].str()[0];
  h.kind = m[2].str()[0];
  h.item_size = std::stoi(m[3].str());
  if (!std::regex_search(dict, m, order_re)) throw Error(what + ": .npy header lacks 'fortran_order'");
  h.fortran_order = m[1] == "True";
  if (!std::regex_search(dict, m, shape_re)) throw Error(what + ": .npy header lacks 'shape'");
  std::string dims = m[1];
  static const std::regex dim_re(R"(\d+)");
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), dim_re); it != std::sregex_iterator(); ++it) {
    const std::string digits = it->str();
    if (digits.size() > 12) throw Error(what + ": .npy dimension too large");
    h.shape.push_back(std::stoll(digits));
  }
  const bool size_ok = (h.kind == 'f' && (h.item_size == 2 || h.item_size == 4 || h.item_size == 8)) ||
                       ((h.kind == 'i' || h.kind == 'u') &&
                        (h.item_size == 1 || h.item_size == 2 || h.item_size == 4 || h.item_size == 8)) ||
                       (h.kind == 'b' && h.item_size == 1);
  if (!size_ok) throw Error(what + ": unsupported .npy dtype " + std::string(1, h.kind) + std::to_string(h.item_size));
  return h;
}

// Reads one element at `p` as float, honouring byte order.
float LoadElement(const uint8_t* p, const Header& h) {
  uint8_t b[8];
  std::memcpy(b, p, static_cast<size_t>(h.item_size));
  if (h.byte_order == '>') std::reverse(b, b + h.item_size);
  auto as = [&](auto v) {
    std::memcpy(&v, b, sizeof(v));
    return static_cast<float>(v);
  };
  switch (h.kind) {
    case 'f':
      if (h.item_size == 2) return HalfBitsToFloat(static_cast<uint16_t>(b[0] | (b[1] << 8)));
      return h.item_size == 4 ? as(float{}) : as(double{});
    case 'i':
      return h.item_size == 1 ? as(int8_t{}) : h.item_size == 2 ? as(int16_t{}) : h.item_size == 4 ? as(int32_t{}) : as(int64_t{});
    case 'u':
      return h.item_size == 1 ? as(uint8_t{}) : h.item_size == 2 ? as(uint16_t{}) : h.item_size == 4 ? as(uint32_t{}) : as(uint64_t{});
    default:
      return b[0] ? 1.0f : 0.0f;
  }
}

}  // namespace

NpyArray ParseNpy(const std::vector<uint8_t>& bytes, const std::string& what) {
  if (bytes.size() < kMagicLen + 4 || std::memcmp(bytes.data(), kMagic, kMagicLen) != 0)
    throw Error(what + ": not a .npy file (bad magic)", "inputs must be saved with numpy.save");
  const int major = bytes[6];
  size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = bytes[8] | (bytes[9] << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw Error(what + ": truncated .npy header");
    header_len = bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (static_cast<size_t>(bytes[11]) << 24);
    offset = 12;
  } else {
    throw Error(what + ": unsupported .npy format version " + std::to_string(major));
  }
  if (header_len > bytes.size() - offset) throw Error(what + ": truncated .npy header");
  const Header h = ParseHeaderDict(std::string(bytes.begin() + offset, bytes.begin() + offset + header_len), what);
  offset += header_len;

  int64_t count = 1;
  for (int64_t d : h.shape) {
    if (d < 0 || (d > 0 && count > kMaxElements / d)) throw Error(what + ": .npy array too large");
    count *= d;
  }
  const size_t need = static_cast<size_t>(count) * static_cast<size_t>(h.item_size);
  if (bytes.size() - offset < need)
    throw Error(what + ": truncated .npy data (" + std::to_string(bytes.size() - offset) + " of " +
                std::to_string(need) + " bytes)");

  NpyArray out;
  out.shape = h.shape;
  out.data.resize(static_cast<size_t>(count));
  const uint8_t* base = bytes.data() + offset;
  if (!h.fortran_order || h.shape.size() < 2) {
    for (int64_t i = 0; i < count; ++i) out.data[i] = LoadElement(base + i * h.item_size, h);
    return out;
  }
  // Fortran order: the first index varies fastest in the file; write each element at its C index.
  const size_t rank = h.shape.size();
  std::vector<int64_t> idx(rank, 0), c_strides(rank, 1);
  for (size_t k = rank - 1; k-- > 0;) c_strides[k] = c_strides[k + 1] * h.shape[k + 1];
  for (int64_t i = 0; i < count; ++i) {
    int64_t c_index = 0;
    for (size_t k = 0; k < rank; ++k) c_index += idx[k] * c_strides[k];
    out.data[static_cast<size_t>(c_index)] = LoadElement(base + i * h.item_size, h);
    for (size_t k = 0; k < rank && ++idx[k] == h.shape[k]; ++k) idx[k] = 0;
  }
  return out;
}

NpyArray ReadNpy(const std::string& path) { return ParseNpy(ReadFileBytes(path), path); }

void WriteNpy(const std::string& path, const std::vector<int64_t>& shape, const std::vector<float>& data) {
  std::string dims;
  for (int64_t d : shape) dims += std::to_string(d) + ",";
  if (shape.size() > 1) dims.pop_back();
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Pad so that the data starts on a 64-byte boundary, as numpy does.
  const size_t unpadded = kMagicLen + 4 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::vector<uint8_t> bytes(kMagic, kMagic + kMagicLen);
  bytes.push_back(1);
  bytes.push_back(0);
  bytes.push_back(static_cast<uint8_t>(header.size() & 0xff));
  bytes.push_back(static_cast<uint8_t>(header.size() >> 8));
  bytes.insert(bytes.end(), header.begin(), header.end());
  const auto* raw = reinterpret_cast<const uint8_t*>(data.data());
  bytes.insert(bytes.end(), raw, raw + data.size() * sizeof(float));
  WriteFileBytes(path, bytes.data(), bytes.size());
}

}  // namespace rknnsim
