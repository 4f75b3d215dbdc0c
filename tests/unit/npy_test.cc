#include "common/npy.h"

#include <cstdio>
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
