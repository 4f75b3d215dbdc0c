#include "common/npy.h"

#include <algorithm>
#include <cctype>
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

// The header is a Python dict literal written by numpy, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 224, 224), }
// It is parsed strictly (exactly these three keys, each once) rather than searched with patterns,
// so a damaged or hand-edited header is reported instead of half-read.
class HeaderDictParser {
 public:
  HeaderDictParser(const std::string& text, const std::string& what) : s_(text), what_(what) {}

  Header Parse() {
    Header h{};
    bool has_descr = false, has_order = false, has_shape = false;
    Expect('{');
    while (!Peek('}')) {
      const std::string key = QuotedString();
      Expect(':');
      if (key == "descr") {
        Once(has_descr, key);
        ParseDescr(QuotedString(), h);
      } else if (key == "fortran_order") {
        Once(has_order, key);
        h.fortran_order = Boolean();
      } else if (key == "shape") {
        Once(has_shape, key);
        h.shape = Tuple();
      } else {
        Fail("unexpected key '" + key + "'");
      }
      if (!Peek('}')) Expect(',');
    }
    Expect('}');
    SkipSpace();
    if (pos_ != s_.size()) Fail("text after the closing '}'");
    if (!has_descr || !has_order || !has_shape)
      Fail(std::string("missing '") + (!has_descr ? "descr" : !has_order ? "fortran_order" : "shape") + "'");
    return h;
  }

 private:
  [[noreturn]] void Fail(const std::string& why) const {
    throw Error(what_ + ": bad .npy header (" + why + " at character " + std::to_string(pos_) + ")",
                "save the array with numpy.save");
  }
  void Once(bool& seen, const std::string& key) {
    if (seen) Fail("duplicate '" + key + "'");
    seen = true;
  }
  void SkipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool Peek(char c) {
    SkipSpace();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  void Expect(char c) {
    if (!Peek(c)) Fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string QuotedString() {
    SkipSpace();
    if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) Fail("expected a quoted string");
    const char quote = s_[pos_++];
    const size_t close = s_.find(quote, pos_);
    if (close == std::string::npos) Fail("unterminated string");
    std::string value = s_.substr(pos_, close - pos_);
    pos_ = close + 1;
    return value;
  }
  bool Boolean() {
    SkipSpace();
    for (const char* word : {"True", "False"})
      if (s_.compare(pos_, std::strlen(word), word) == 0) {
        pos_ += std::strlen(word);
        return word[0] == 'T';
      }
    Fail("'fortran_order' must be True or False");
  }
  std::vector<int64_t> Tuple() {
    std::vector<int64_t> dims;
    Expect('(');
    while (!Peek(')')) {
      SkipSpace();
      const size_t begin = pos_;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
      if (pos_ == begin) Fail("a dimension must be a non-negative integer");
      // Up to 12 digits: anything larger is refused here; the element count is checked later.
      if (pos_ - begin > 12) Fail("dimension too large");
      dims.push_back(std::stoll(s_.substr(begin, pos_ - begin)));
      if (Peek('L')) ++pos_;  // Python 2 numpy wrote longs as 3L
      if (!Peek(')')) Expect(',');
    }
    Expect(')');
    return dims;
  }
  // numpy's dtype.str: byte order ('<', '>', '|' or '='), kind, item size in bytes.
  void ParseDescr(const std::string& descr, Header& h) {
    static const std::regex re(R"(([<>|=])([a-zA-Z])(\d+))");
    std::smatch m;
    const std::string hint = "save a numeric array: numpy.save(path, a.astype(numpy.float32))";
    if (!std::regex_match(descr, m, re))
      throw Error(what_ + ": unsupported .npy dtype '" + descr + "' (strings, objects, dates and records are not arrays of numbers)", hint);
    h.byte_order = m[1].str()[0] == '=' ? '<' : m[1].str()[0];
    h.kind = m[2].str()[0];
    h.item_size = std::stoi(m[3].str().substr(0, 3));
    const bool ok = (h.kind == 'f' && (h.item_size == 2 || h.item_size == 4 || h.item_size == 8)) ||
                    ((h.kind == 'i' || h.kind == 'u') &&
                     (h.item_size == 1 || h.item_size == 2 || h.item_size == 4 || h.item_size == 8)) ||
                    (h.kind == 'b' && h.item_size == 1);
    if (!ok)
      throw Error(what_ + ": unsupported .npy dtype '" + descr + "'" +
                      (h.kind == 'c' ? " (complex)" : h.kind == 'f' ? " (float" + std::to_string(8 * h.item_size) + ")" : ""),
                  hint);
  }

  const std::string& s_;
  const std::string& what_;
  size_t pos_ = 0;
};

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

// numpy's name of a validated dtype, e.g. 'f' 4 -> "float32", 'u' 1 -> "uint8".
std::string DtypeName(const Header& h) {
  if (h.kind == 'b') return "bool";
  const std::string bits = std::to_string(8 * h.item_size);
  return (h.kind == 'f' ? "float" : h.kind == 'i' ? "int" : "uint") + bits;
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
  const std::string dict(bytes.begin() + offset, bytes.begin() + offset + header_len);
  const Header h = HeaderDictParser(dict, what).Parse();
  offset += header_len;

  int64_t count = 1;
  for (int64_t d : h.shape) {
    if (d < 0 || (d > 0 && count > kMaxElements / d)) throw Error(what + ": .npy array too large");
    count *= d;
  }
  const size_t need = static_cast<size_t>(count) * static_cast<size_t>(h.item_size);
  const size_t have = bytes.size() - offset;
  if (have < need)
    throw Error(what + ": truncated .npy data (" + std::to_string(have) + " of " + std::to_string(need) +
                " bytes for shape " + ShapeText(h.shape) + ")");
  // numpy.save writes exactly the data after the header: extra bytes mean the header's shape or
  // dtype does not describe the file (e.g. a hand-edited header or a concatenated file).
  if (have > need)
    throw Error(what + ": .npy shape " + ShapeText(h.shape) + " accounts for " + std::to_string(need) +
                    " data bytes but the file has " + std::to_string(have),
                "the header does not match the data; save the array again with numpy.save");

  NpyArray out;
  out.shape = h.shape;
  out.dtype = DtypeName(h);
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

namespace {

void WriteNpyBytes(const std::string& path, const std::vector<int64_t>& shape, const char* descr, const uint8_t* raw,
                   size_t raw_bytes) {
  std::string dims;
  for (int64_t d : shape) dims += std::to_string(d) + ",";
  if (shape.size() > 1) dims.pop_back();
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
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
  bytes.insert(bytes.end(), raw, raw + raw_bytes);
  WriteFileBytes(path, bytes.data(), bytes.size());
}

}  // namespace

void WriteNpy(const std::string& path, const std::vector<int64_t>& shape, const std::vector<float>& data) {
  WriteNpyBytes(path, shape, "<f4", reinterpret_cast<const uint8_t*>(data.data()), data.size() * sizeof(float));
}

void WriteNpyInt64(const std::string& path, const std::vector<int64_t>& shape, const std::vector<int64_t>& data) {
  WriteNpyBytes(path, shape, "<i8", reinterpret_cast<const uint8_t*>(data.data()), data.size() * sizeof(int64_t));
}

}  // namespace rknnsim
