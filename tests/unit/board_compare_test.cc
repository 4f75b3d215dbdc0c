#include "runtime/board_compare.h"

#include <cmath>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "common/error.h"

namespace rknnsim::runtime {
namespace {

// An int8 output of shape (1, 4) with scale 0.5, zero point -2: q = -2, 0, 2, 4 are 0, 1, 2, 3.
SimTensor Int8Output() {
  SimTensor s;
  s.name = "logits";
  s.shape = {1, 4};
  s.scale = 0.5f;
  s.zero_point = -2;
  s.values = {0, 1, 2, 3};
  return s;
}

NpyArray Dump(std::vector<float> data, const std::string& dtype, ir::Shape shape = {1, 4}) {
  return NpyArray{std::move(shape), std::move(data), dtype};
}

std::string ErrorOf(const SimTensor& sim, const NpyArray& dump) {
  try {
    BoardValues(sim, dump, "board/output_0.npy");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(MismatchLimit, CountsAndPercentages) {
  EXPECT_EQ(ParseMismatchLimit("0").AllowedOf(1000), 0u);
  EXPECT_EQ(ParseMismatchLimit("10").AllowedOf(5), 10u);
  EXPECT_EQ(ParseMismatchLimit("0.5%").AllowedOf(1000), 5u);
  EXPECT_EQ(ParseMismatchLimit("10%").AllowedOf(19), 1u);  // rounded down: never more than asked
  EXPECT_EQ(ParseMismatchLimit("100%").AllowedOf(7), 7u);
  EXPECT_EQ(ParseMismatchLimit("57%").AllowedOf(100), 57u);  // 57 / 100 * 100 would round to 56.99...
  EXPECT_EQ(ParseMismatchLimit("0.5%").ToString(), "0.5%");
  EXPECT_EQ(ParseMismatchLimit("12").ToString(), "12");
  for (const char* bad : {"", "%", "-1", "1.5", "abc", "101%", "-1%", "3x", "1e3", "nan%", "inf%", "99999999999999999999"})
    EXPECT_THROW(ParseMismatchLimit(bad), Error) << bad;
}

TEST(BoardValues, FloatDumpsAreTakenAsTheyAre) {
  EXPECT_EQ(BoardValues(Int8Output(), Dump({0, 1, 2, 3.25f}, "float32"), "f"), (std::vector<float>{0, 1, 2, 3.25f}));
  EXPECT_EQ(BoardValues(Int8Output(), Dump({0, 1, 2, 3}, "float16"), "f"), (std::vector<float>{0, 1, 2, 3}));
}

TEST(BoardValues, RawInt8IsDequantizedWithTheModelsParams) {
  EXPECT_EQ(BoardValues(Int8Output(), Dump({-2, 0, 2, 4}, "int8"), "q"), (std::vector<float>{0, 1, 2, 3}));
  // uint8 dumps hold the same bytes: 254 is int8 -2, 255 is -1.
  EXPECT_EQ(BoardValues(Int8Output(), Dump({254, 255, 0, 127}, "uint8"), "q"),
            (std::vector<float>{0, 0.5f, 1, 64.5f}));
}

TEST(BoardValues, WrongDtypeOrShapeNamesFileExpectedAndFound) {
  const std::string f64 = ErrorOf(Int8Output(), Dump({0, 1, 2, 3}, "float64"));
  EXPECT_NE(f64.find("board/output_0.npy"), std::string::npos) << f64;
  EXPECT_NE(f64.find("'logits' has dtype float64, expected float32"), std::string::npos) << f64;
  const std::string i32 = ErrorOf(Int8Output(), Dump({0, 1}, "int32", {2}));
  EXPECT_NE(i32.find("has dtype int32"), std::string::npos) << i32;  // dtype is checked before the shape
  const std::string shape = ErrorOf(Int8Output(), Dump({0, 1, 2, 3, 4, 5, 6, 7}, "float32", {1, 8}));
  EXPECT_NE(shape.find("has shape (1, 8), expected (1, 4)"), std::string::npos) << shape;
  // Same element count, another shape: still refused (the layout would be guessed).
  EXPECT_NE(ErrorOf(Int8Output(), Dump({0, 1, 2, 3}, "float32", {4})).find("has shape (4,), expected (1, 4)"),
            std::string::npos);
  SimTensor fp16 = Int8Output();
  fp16.int8 = false;
  const std::string raw = ErrorOf(fp16, Dump({0, 1, 2, 3}, "int8"));
  EXPECT_NE(raw.find("has dtype int8, expected float32 or float16 (this tensor is fp16"), std::string::npos) << raw;
}

TEST(CompareWithBoard, MatchingDumpPasses) {
  const TensorComparison c = CompareWithBoard(Int8Output(), Dump({-2, 0, 2, 4}, "int8"), "q", {});
  EXPECT_TRUE(c.pass());
  EXPECT_DOUBLE_EQ(c.cosine, 1.0);
  EXPECT_EQ(c.max_abs_diff, 0.0);
  EXPECT_EQ(c.mismatches, 0u);
  EXPECT_EQ(c.elements, 4u);
  EXPECT_EQ(c.atol, 0.5);  // default: one quantization step
  EXPECT_EQ(c.rtol, 0.0);
  EXPECT_EQ(c.dump_dtype, "int8");
  EXPECT_EQ(c.model_dtype, "int8");
  EXPECT_EQ(c.first_mismatch, -1);
}

TEST(CompareWithBoard, OneLsbIsToleratedTwoAreNot) {
  const TensorComparison one = CompareWithBoard(Int8Output(), Dump({-1, 0, 2, 4}, "int8"), "q", {});
  EXPECT_EQ(one.mismatches, 0u);
  EXPECT_FLOAT_EQ(static_cast<float>(one.max_abs_diff), 0.5f);
  CompareThresholds loose;
  loose.min_cosine = 0.9;
  const TensorComparison two = CompareWithBoard(Int8Output(), Dump({-2, 0, 4, 4}, "int8"), "q", loose);
  EXPECT_EQ(two.mismatches, 1u);
  EXPECT_EQ(two.first_mismatch, 2);
  EXPECT_EQ(two.first_mismatch_sim, 2.0f);
  EXPECT_EQ(two.first_mismatch_board, 3.0f);
  EXPECT_EQ(two.failed, std::vector<std::string>{"mismatches"});
  loose.max_mismatch = ParseMismatchLimit("1");
  EXPECT_TRUE(CompareWithBoard(Int8Output(), Dump({-2, 0, 4, 4}, "int8"), "q", loose).pass());
}

TEST(CompareWithBoard, EachThresholdIsReported) {
  CompareThresholds t;
  t.max_abs_diff = 0.25;
  t.max_mismatch = ParseMismatchLimit("100%");
  const TensorComparison c = CompareWithBoard(Int8Output(), Dump({3, 2, 1, 0}, "float32"), "f", t);
  EXPECT_LT(c.cosine, 0.999);
  EXPECT_EQ(c.max_abs_diff, 3.0);
  EXPECT_EQ(c.mismatches, 4u);
  EXPECT_EQ(c.failed, (std::vector<std::string>{"cosine", "max_abs_diff"}));
  t.atol = 3.0;
  t.max_mismatch = {};
  EXPECT_EQ(CompareWithBoard(Int8Output(), Dump({3, 2, 1, 0}, "float32"), "f", t).mismatches, 0u);
}

TEST(CompareWithBoard, NonFiniteBoardValuesFail) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const TensorComparison c = CompareWithBoard(Int8Output(), Dump({0, nan, 2, 3}, "float32"), "f", {});
  EXPECT_TRUE(std::isnan(c.cosine));
  EXPECT_TRUE(std::isinf(c.max_abs_diff));
  EXPECT_EQ(c.mismatches, 1u);
  EXPECT_EQ(c.failed, (std::vector<std::string>{"cosine", "mismatches"}));
  CompareReport r;
  r.outputs.push_back(c);
  const nlohmann::json j = CompareToJson(r);
  EXPECT_TRUE(j["outputs"][0]["cosine"].is_null());
  EXPECT_TRUE(j["outputs"][0]["max_abs_diff"].is_null());
}

TEST(CompareWithBoard, Fp16TensorsAllowOneUlp) {
  SimTensor s = Int8Output();
  s.int8 = false;
  s.values = {1000, 1, 2, 3};
  const TensorComparison ulp = CompareWithBoard(s, Dump({1000.5f, 1, 2, 3}, "float16"), "h", {});
  EXPECT_EQ(ulp.mismatches, 0u);  // fp16 ULP at 1000 is 0.5
  EXPECT_EQ(ulp.model_dtype, "float16");
  EXPECT_EQ(CompareWithBoard(s, Dump({1001, 1, 2, 3}, "float32"), "h", {}).mismatches, 1u);
}

TEST(CompareReport, TableAndJsonNameTheFailingOutput) {
  CompareReport r;
  r.model = "m.rknnsim";
  r.target = "rk3588";
  r.board_dir = "board";
  CompareThresholds loose;
  loose.min_cosine = 0.5;
  r.thresholds = loose;
  r.outputs.push_back(CompareWithBoard(Int8Output(), Dump({0, 1, 2, 3}, "float32"), "board/output_0.npy", loose));
  r.outputs.back().index = 0;
  SimTensor other = Int8Output();
  other.name = "boxes";
  r.outputs.push_back(CompareWithBoard(other, Dump({0, 1, 2, 9}, "float32"), "board/output_1.npy", loose));
  r.outputs.back().index = 1;
  EXPECT_FALSE(r.pass());
  const std::string table = FormatCompareTable(r);
  EXPECT_NE(table.find("output  0 logits"), std::string::npos) << table;
  const size_t fail_row = table.find("output  1 boxes");
  ASSERT_NE(fail_row, std::string::npos) << table;
  EXPECT_NE(table.find("FAIL (mismatches)", fail_row), std::string::npos) << table;
  EXPECT_NE(table.find("1/4"), std::string::npos) << table;
  EXPECT_NE(table.find("FAIL: 1 of 2 tensor(s)"), std::string::npos) << table;

  const nlohmann::json j = CompareToJson(r);
  EXPECT_EQ(j["pass"], false);
  EXPECT_EQ(j["target"], "rk3588");
  EXPECT_EQ(j["thresholds"]["min_cosine"], 0.5);
  EXPECT_TRUE(j["thresholds"]["atol"].is_null());
  EXPECT_EQ(j["thresholds"]["max_mismatch"], "0");
  ASSERT_EQ(j["outputs"].size(), 2u);
  const nlohmann::json& boxes = j["outputs"][1];
  EXPECT_EQ(boxes["index"], 1);
  EXPECT_EQ(boxes["name"], "boxes");
  EXPECT_EQ(boxes["file"], "board/output_1.npy");
  EXPECT_EQ(boxes["shape"], (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(boxes["dump_dtype"], "float32");
  EXPECT_EQ(boxes["scale"], 0.5);
  EXPECT_EQ(boxes["zero_point"], -2);
  EXPECT_EQ(boxes["mismatches"], 1);
  EXPECT_EQ(boxes["elements"], 4);
  EXPECT_EQ(boxes["failed"], std::vector<std::string>{"mismatches"});
  EXPECT_EQ(boxes["first_mismatch"]["index"], 3);
  EXPECT_EQ(boxes["first_mismatch"]["board"], 9.0);
  EXPECT_TRUE(j["outputs"][0]["first_mismatch"].is_null());
  EXPECT_TRUE(j["layers"].empty());
}

}  // namespace
}  // namespace rknnsim::runtime
