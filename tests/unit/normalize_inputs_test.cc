#include "compiler/passes/normalize_inputs.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "common/error.h"
#include "compiler/reference/float_executor.h"

namespace rknnsim::passes {
namespace {

// input (1,3,4,4) -> Conv 3x3, pad 1 (the case where folding mean/std into the Conv is inexact) -> out.
ir::Graph PaddedConvGraph() {
  ir::Graph g;
  ir::Tensor in;
  in.name = "input";
  in.shape = {1, 3, 4, 4};
  ir::Tensor w;
  w.name = "w";
  w.shape = {2, 3, 3, 3};
  w.is_constant = true;
  for (int i = 0; i < 54; ++i) w.float_data.push_back(std::sin(0.7f * float(i)) * 0.5f);
  ir::Tensor b;
  b.name = "b";
  b.shape = {2};
  b.is_constant = true;
  b.float_data = {0.25f, -0.5f};
  ir::Tensor out;
  out.name = "out";
  out.shape = {1, 2, 4, 4};
  const int in_id = g.AddTensor(in), w_id = g.AddTensor(w), b_id = g.AddTensor(b), out_id = g.AddTensor(out);
  ir::Node conv;
  conv.op = ir::OpKind::kConv;
  conv.name = "conv";
  conv.inputs = {in_id, w_id, b_id};
  conv.outputs = {out_id};
  conv.attrs.kernel = {3, 3};
  conv.attrs.strides = {1, 1};
  conv.attrs.pads = {1, 1, 1, 1};
  conv.attrs.dilations = {1, 1};
  g.nodes().push_back(conv);
  g.inputs() = {in_id};
  g.outputs() = {out_id};
  return g;
}

std::string ErrorOf(const ir::Graph& g, const PerInputValues& mean, const PerInputValues& stdv) {
  try {
    ValidateMeanStd(g, mean, stdv);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(NormalizeInputs, LengthErrorsFollowTheToolkit) {
  const ir::Graph g = PaddedConvGraph();
  EXPECT_EQ(ErrorOf(g, {{1, 2, 3}}, {{4, 5, 6}}), "no error");
  EXPECT_EQ(ErrorOf(g, {}, {}), "no error");
  EXPECT_NE(ErrorOf(g, {{128, 128, 128, 128}}, {}).find(
                "The len of mean_values ([128, 128, 128, 128]) for input 0 ('input', shape (1,3,4,4)) is wrong, expect 3"),
            std::string::npos);
  EXPECT_NE(ErrorOf(g, {}, {{128}}).find("The len of std_values ([128]) for input 0"), std::string::npos);
  EXPECT_NE(ErrorOf(g, {}, {{128}}).find("manual §7.8"), std::string::npos);
  EXPECT_NE(ErrorOf(g, {{0, 0, 0}, {0, 0, 0}}, {}).find("mean_values has 2 list(s) but the model has 1 input(s)"),
            std::string::npos);
  EXPECT_NE(ErrorOf(g, {}, {{1, 0, 1}}).find("std_values for input 0 channel 1 is 0"), std::string::npos);
  EXPECT_NE(ErrorOf(g, {{0, NAN, 0}}, {}).find("mean_values for input 0 channel 1"), std::string::npos);
}

TEST(NormalizeInputs, IdentityValuesAddNothing) {
  ir::Graph g = PaddedConvGraph();
  EXPECT_EQ(NormalizeInputs(g, {{0, 0, 0}}, {{1, 1, 1}}), 0);
  EXPECT_EQ(NormalizeInputs(g, {}, {}), 0);
  EXPECT_EQ(g.nodes().size(), 1u);
}

// The compiled model on raw x must compute the original model on (x - mean) / std, borders included.
TEST(NormalizeInputs, RawInputGivesTheOriginalModelOnNormalizedInput) {
  const std::vector<float> mean = {123.675f, 116.28f, 103.53f}, stdv = {58.395f, 57.12f, 57.375f};
  const ir::Graph original = PaddedConvGraph();
  ir::Graph g = PaddedConvGraph();
  ASSERT_EQ(NormalizeInputs(g, {mean}, {stdv}), 1);
  ASSERT_EQ(g.nodes().size(), 2u);
  const ir::Node& norm = g.nodes()[0];
  EXPECT_EQ(norm.op, ir::OpKind::kConv);
  EXPECT_EQ(norm.attrs.group, 3);
  EXPECT_EQ(norm.inputs[0], g.inputs()[0]);
  EXPECT_EQ(g.nodes()[1].inputs[0], norm.outputs[0]);
  EXPECT_EQ(g.tensor(g.inputs()[0]).name, "input");  // callers still feed the input by its name

  std::vector<float> raw(48), normalized(48);
  for (size_t i = 0; i < raw.size(); ++i) {
    raw[i] = float((i * 37) % 256);
    normalized[i] = (raw[i] - mean[i / 16]) / stdv[i / 16];
  }
  const auto got = reference::RunFloat(g, {raw});
  const auto want = reference::RunFloat(original, {normalized});
  ASSERT_EQ(got[0].size(), want[0].size());
  for (size_t i = 0; i < want[0].size(); ++i) EXPECT_NEAR(got[0][i], want[0][i], 1e-5f) << i;
}

TEST(NormalizeInputs, MeanOnlyAndStdOnlyDefaultTheOther) {
  ir::Graph g = PaddedConvGraph();
  ASSERT_EQ(NormalizeInputs(g, {{1, 2, 3}}, {}), 1);
  const ir::Tensor& bias = g.tensor(g.nodes()[0].inputs[2]);
  EXPECT_EQ(bias.float_data, (std::vector<float>{-1, -2, -3}));
  ir::Graph h = PaddedConvGraph();
  ASSERT_EQ(NormalizeInputs(h, {}, {{2, 4, 8}}), 1);
  EXPECT_EQ(h.tensor(h.nodes()[0].inputs[1]).float_data, (std::vector<float>{0.5f, 0.25f, 0.125f}));
}

TEST(NormalizeInputs, OnlyFourDimensionalInputsAreNormalizedInTheModel) {
  ir::Graph g;
  ir::Tensor in;
  in.name = "tokens";
  in.shape = {1, 4};
  g.inputs() = {g.AddTensor(in)};
  try {
    NormalizeInputs(g, {{1, 2, 3, 4}}, {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("only 4-D NCHW inputs"), std::string::npos) << e.what();
  }
  EXPECT_EQ(NormalizeInputs(g, {{0, 0, 0, 0}}, {{1, 1, 1, 1}}), 0);  // identity values are fine on any rank
}

}  // namespace
}  // namespace rknnsim::passes
