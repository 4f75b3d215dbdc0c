#include "common/npy.h"

#include <cstdio>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "common/error.h"
#include "common/file_io.h"

namespace rknnsim {
namespace {

std::vector<uint8_t> Npy(const std::string& dict, const std::vector<uint8_t>& payload) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::string bytes = "\x93NUMPY";
  bytes += '\x01';
  bytes += '\0';
  bytes += static_cast<char>(header.size());
  bytes += '\0';
  bytes += header;
  bytes.append(payload.begin(), payload.end());
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

std::string ErrorOf(const std::vector<uint8_t>& bytes) {
  try {
    ParseNpy(bytes, "x.npy");
  } catch (const Error& e) {
    return std::string(e.what());
  }
  return "no error";
}

template <typename T>
std::vector<uint8_t> Bytes(const std::vector<T>& values) {
  std::vector<uint8_t> out(values.size() * sizeof(T));
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

std::string Dict(const std::string& descr, bool fortran, const std::string& shape) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
}

// Every numeric dtype numpy.save writes, little-endian, C order: values come out as float32.
TEST(Npy, ReadsEveryCommonDtype) {
  const std::vector<float> want = {0, 1, 100, 2};
  auto check = [&](const std::string& descr, const std::vector<uint8_t>& payload, const std::string& dtype) {
    const NpyArray a = ParseNpy(Npy(Dict(descr, false, "(2, 2)"), payload), descr);
    EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 2})) << descr;
    EXPECT_EQ(a.data, want) << descr;
    EXPECT_EQ(a.dtype, dtype) << descr;  // the file's own type survives the conversion to float
  };
  check("<f4", Bytes<float>({0, 1, 100, 2}), "float32");
  check("<f8", Bytes<double>({0, 1, 100, 2}), "float64");
  check("<f2", Bytes<uint16_t>({0x0000, 0x3c00, 0x5640, 0x4000}), "float16");  // fp16 bits of 0, 1, 100, 2
  check("|i1", Bytes<int8_t>({0, 1, 100, 2}), "int8");
  check("|u1", Bytes<uint8_t>({0, 1, 100, 2}), "uint8");
  check("<i2", Bytes<int16_t>({0, 1, 100, 2}), "int16");
  check("<u2", Bytes<uint16_t>({0, 1, 100, 2}), "uint16");
  check("<i4", Bytes<int32_t>({0, 1, 100, 2}), "int32");
  check("<i8", Bytes<int64_t>({0, 1, 100, 2}), "int64");
  const NpyArray b = ParseNpy(Npy(Dict("|b1", false, "(3,)"), {0, 1, 0}), "bool");
  EXPECT_EQ(b.data, (std::vector<float>{0, 1, 0}));
  EXPECT_EQ(b.dtype, "bool");
  const NpyArray neg = ParseNpy(Npy(Dict("|i1", false, "(2,)"), Bytes<int8_t>({-128, -1})), "neg");
  EXPECT_EQ(neg.data, (std::vector<float>{-128, -1}));
  const NpyArray scalar = ParseNpy(Npy(Dict("<f4", false, "()"), Bytes<float>({7})), "scalar");
  EXPECT_TRUE(scalar.shape.empty());
  EXPECT_EQ(scalar.data, (std::vector<float>{7}));
}

// Fortran order of a 2x3x2 array: the first index varies fastest in the file. numpy.asfortranarray
// of a C array holding 0..11 writes 0,6,2,8,4,10,1,7,3,9,5,11.
TEST(Npy, TransposesFortranOrderOfEveryRank) {
  const NpyArray f = ParseNpy(Npy(Dict("<i2", true, "(2, 3, 2)"), Bytes<int16_t>({0, 6, 2, 8, 4, 10, 1, 7, 3, 9, 5, 11})), "f3");
  EXPECT_EQ(f.shape, (std::vector<int64_t>{2, 3, 2}));
  EXPECT_EQ(f.data, (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  const NpyArray f1 = ParseNpy(Npy(Dict("<f8", true, "(3,)"), Bytes<double>({1, 2, 3})), "f1");
  EXPECT_EQ(f1.data, (std::vector<float>{1, 2, 3}));
  const NpyArray be = ParseNpy(Npy(Dict(">f4", true, "(2, 2)"), {0x3f, 0x80, 0, 0, 0x40, 0x40, 0, 0, 0x40, 0, 0, 0, 0x40, 0x80, 0, 0}), "be");
  EXPECT_EQ(be.data, (std::vector<float>{1, 2, 3, 4}));  // file holds 1,3,2,4 big-endian
}

TEST(Npy, RejectsUnsupportedDtypes) {
  for (const std::string descr : {"<c8", "<c16", "<f16", "|O", "<U3", "|S4", "<M8[ns]", "<i3", "|b2", "f4", "<f4x"}) {
    const std::string e = ErrorOf(Npy(Dict(descr, false, "(1,)"), std::vector<uint8_t>(16, 0)));
    EXPECT_NE(e.find("unsupported .npy dtype '" + descr + "'"), std::string::npos) << descr << ": " << e;
  }
}

TEST(Npy, RejectsMalformedHeaderDicts) {
  const std::vector<uint8_t> four(16, 0);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{'descr': '<f4', 'shape': (4,), }", "missing 'fortran_order'"},
      {"{'fortran_order': False, 'shape': (4,), }", "missing 'descr'"},
      {"{'descr': '<f4', 'fortran_order': False, }", "missing 'shape'"},
      {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", "duplicate 'descr'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'extra': 1}", "unexpected key 'extra'"},
      {"{'descr': '<f4', 'fortran_order': maybe, 'shape': (4,), }", "True or False"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (-4,), }", "non-negative integer"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,), }", "expected ','"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': [4], }", "expected '('"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (4,) ", "expected ','"},
      {"{'descr': '<f4 , 'fortran_order': False, 'shape': (4,), }", "dtype '<f4 , '"},
      {"'descr': '<f4', 'fortran_order': False, 'shape': (4,)", "expected '{'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (4,), } junk", "after the closing"},
  };
  for (const auto& [dict, want] : cases) {
    const std::string e = ErrorOf(Npy(dict, four));
    EXPECT_NE(e.find(want), std::string::npos) << dict << " -> " << e;
  }
}

TEST(Npy, ChecksTheShapeAgainstTheFileSize) {
  EXPECT_NE(ErrorOf(Npy(Dict("<f4", false, "(2, 3)"), std::vector<uint8_t>(20, 0))).find("truncated .npy data (20 of 24"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Npy(Dict("<f4", false, "(2, 3)"), std::vector<uint8_t>(28, 0))).find("accounts for 24 data bytes but the file has 28"),
            std::string::npos);
  // Products that overflow 64 bits, and dimensions with absurd digit counts, are refused before any allocation.
  EXPECT_NE(ErrorOf(Npy(Dict("<f4", false, "(4294967296, 4294967296, 4294967296)"), {})).find("too large"), std::string::npos);
  EXPECT_NE(ErrorOf(Npy(Dict("<f4", false, "(99999999999999999999,)"), {})).find("too large"), std::string::npos);
  EXPECT_EQ(ErrorOf(Npy(Dict("<f4", false, "(0, 3)"), {})), "no error");  // an empty array is well-formed
  EXPECT_EQ(ParseNpy(Npy(Dict("<f4", false, "(0, 3)"), {}), "e").data.size(), 0u);
}

TEST(Npy, RejectsUnknownVersionsAndTruncatedVersion2Headers) {
  std::vector<uint8_t> v4 = Npy(Dict("<f4", false, "(1,)"), Bytes<float>({1}));
  v4[6] = 4;
  EXPECT_NE(ErrorOf(v4).find("format version 4"), std::string::npos);
  std::vector<uint8_t> v2 = {0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0xff, 0xff, 0, 0};
  EXPECT_NE(ErrorOf(v2).find("truncated .npy header"), std::string::npos);
}

TEST(Npy, RoundTripsFloat32) {
  const std::string path = ::testing::TempDir() + "/rt.npy";
  WriteNpy(path, {2, 3}, {1, 2, 3, 4, 5, 6});
  const NpyArray a = ReadNpy(path);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a.data, (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(Npy, ReadsFortranOrderAndOtherDtypes) {
  const NpyArray f = ParseNpy(Npy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", {1, 4, 2, 5, 3, 6}), "f");
  EXPECT_EQ(f.data, (std::vector<float>{1, 2, 3, 4, 5, 6}));
  const NpyArray be = ParseNpy(Npy("{'descr': '>i2', 'fortran_order': False, 'shape': (1,), }", {0x01, 0x02}), "be");
  EXPECT_EQ(be.data[0], 258.0f);
}

TEST(Npy, RejectsBadFilesWithClearErrors) {
  auto message = [](const std::vector<uint8_t>& bytes) {
    try {
      ParseNpy(bytes, "x");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({1, 2, 3}).find("bad magic"), std::string::npos);
  const auto good = Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", std::vector<uint8_t>(16, 0));
  for (size_t cut = 0; cut < good.size(); ++cut)
    EXPECT_NE(message(std::vector<uint8_t>(good.begin(), good.begin() + cut)), "no error") << cut;
  EXPECT_NE(message(Npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", {})).find("dtype"),
            std::string::npos);
  EXPECT_NE(message(Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }", {}))
                .find("too large"),
            std::string::npos);
}

}  // namespace
}  // namespace rknnsim
