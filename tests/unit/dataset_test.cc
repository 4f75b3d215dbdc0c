#include "compiler/quant/dataset.h"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "common/error.h"
#include "common/npy.h"

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

namespace rknnsim::quant {
namespace {

// A graph with an image input (1,3,2,2) and a vector input (1,4); no nodes are needed to load data.
ir::Graph TwoInputGraph() {
  ir::Graph g;
  ir::Tensor image;
  image.name = "image";
  image.shape = {1, 3, 2, 2};
  ir::Tensor vec;
  vec.name = "vec";
  vec.shape = {1, 4};
  g.inputs() = {g.AddTensor(image), g.AddTensor(vec)};
  return g;
}

class DatasetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/dataset_test_" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ + "/data");
    WriteNpy(dir_ + "/data/vec.npy", {1, 4}, {1, 2, 3, 4});
    WriteNpy(dir_ + "/data/img.npy", {1, 3, 2, 2}, {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2});
    // Red 10, green 20, blue 30 everywhere.
    std::vector<uint8_t> px;
    for (int i = 0; i < 4; ++i) px.insert(px.end(), {10, 20, 30});
    ASSERT_TRUE(stbi_write_png((dir_ + "/data/img.png").c_str(), 2, 2, 3, px.data(), 6));
  }
  std::string Write(const std::string& text) {
    const std::string path = dir_ + "/dataset.txt";
    std::ofstream(path) << text;
    return path;
  }
  std::string ErrorOf(const std::string& text) {
    try {
      LoadDataset(Write(text), graph_);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  }
  std::string dir_;
  ir::Graph graph_ = TwoInputGraph();
};

TEST_F(DatasetTest, ResolvesRelativePathsAgainstTheDatasetDirectory) {
  // Absolute paths stay as they are; blank lines are skipped.
  const auto samples = LoadDataset(Write("data/img.npy data/vec.npy\n\n" + dir_ + "/data/img.png   data/vec.npy\n"), graph_);
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0][1], (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(samples[1][0], (std::vector<float>{10, 10, 10, 10, 20, 20, 20, 20, 30, 30, 30, 30}));
}

TEST_F(DatasetTest, Rgb2BgrSwapsImagesOnly) {
  const auto samples = LoadDataset(Write("data/img.png data/vec.npy\ndata/img.npy data/vec.npy\n"), graph_, true);
  EXPECT_EQ(samples[0][0], (std::vector<float>{30, 30, 30, 30, 20, 20, 20, 20, 10, 10, 10, 10}));
  EXPECT_EQ(samples[1][0], (std::vector<float>{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}));
  EXPECT_EQ(samples[1][1], (std::vector<float>{1, 2, 3, 4}));
}

TEST_F(DatasetTest, LinesWithTheWrongNumberOfFilesNameTheLine) {
  EXPECT_NE(ErrorOf("data/img.npy data/vec.npy\ndata/img.npy\n").find("dataset.txt:2: line lists 1 file(s) but the model has 2 input(s)"),
            std::string::npos);
  EXPECT_NE(ErrorOf("data/img.npy data/vec.npy data/vec.npy\n").find("dataset.txt:1: line lists 3 file(s)"), std::string::npos);
  EXPECT_NE(ErrorOf("\n\n").find("lists no samples"), std::string::npos);
  EXPECT_NE(ErrorOf("data/missing.npy data/vec.npy\n").find("cannot open"), std::string::npos);
}

TEST_F(DatasetTest, ShapeAndChannelMismatchesAreClear) {
  EXPECT_NE(ErrorOf("data/vec.npy data/vec.npy\n").find("has shape (1,4) but input 'image' needs (1,3,2,2)"),
            std::string::npos);
  EXPECT_NE(ErrorOf("data/img.png data/img.png\n").find("is an image (3 channels) but input 'vec' has shape (1,4)"),
            std::string::npos);
}

TEST_F(DatasetTest, InferenceInputsTakeImagesInRgbOrder) {
  const Sample s = LoadInputs({dir_ + "/data/img.png", dir_ + "/data/vec.npy"}, graph_);
  EXPECT_EQ(s[0], (std::vector<float>{10, 10, 10, 10, 20, 20, 20, 20, 30, 30, 30, 30}));
  EXPECT_THROW(LoadInputs({dir_ + "/data/img.png"}, graph_), Error);
}

}  // namespace
}  // namespace rknnsim::quant
