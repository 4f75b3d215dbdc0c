// The C API on Rockchip .rknn files (made by RKNN-Toolkit2, docs/rknn-format.md): rknn_init accepts
// them from a path or a buffer, the queries describe them (I/O attrs, SDK version, the memory the
// file records, PERF_DETAIL from a timing-only simulation equal to `rknn-sim perf`); rknn_run
// executes a file whose program decodes (toolkit 1.6+) as the board demo feeds it, and refuses
// one that does not (toolkit 1.4) with RKNN_ERR_MODEL_INVALID and one line saying why. Skipped
// when the sample files are not on this machine.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "capi_test_support.h"
#include "common/npy.h"
#include "rknn_api.h"

namespace {

using capi_test::ExpectCode;
using capi_test::ReadBytes;
using capi_test::Work;

std::string DataDir() {
  const char* dir = std::getenv("RKNN_SIM_RKNN_DATA");
  return dir ? dir : RKNN_SIM_RKNN_DATA_DEFAULT;
}
std::string SamplePath(const std::string& name) { return DataDir() + "/" + name + ".rknn"; }

// multiple_input_demo for RK3588: two int8 inputs, one Conv and one ConvAdd, one output
// (`rknn-sim info` of the file: input.1 (1,1,128,128) zp -128 scale 1, input (1,3,128,128),
// output 8 (1,8,128,128) scale 4.14237452 zp 20).
constexpr const char* kDemo = "multiple_input_demo_rk3588";

// The demo's two NHWC inputs, as rknn_inputs_set takes them.
template <typename T>
void SetDemoInputs(rknn_context ctx, std::vector<T>& a, std::vector<T>& b, rknn_tensor_type type) {
  rknn_input inputs[2]{};
  std::vector<T>* buffers[2] = {&a, &b};
  for (uint32_t i = 0; i < 2; ++i) {
    inputs[i].index = i, inputs[i].buf = buffers[i]->data();
    inputs[i].size = static_cast<uint32_t>(buffers[i]->size());
    inputs[i].type = type, inputs[i].fmt = RKNN_TENSOR_NHWC;
  }
  ASSERT_EQ(rknn_inputs_set(ctx, 2, inputs), RKNN_SUCC);
}

class RockchipRknn : public capi_test::ContextTest {
 protected:
  void SetUp() override {
    path_ = SamplePath(kDemo);
    if (capi_test::DataAbsent(path_)) GTEST_SKIP() << "the directory of " << path_ << " is not on this machine";
    ASSERT_EQ(rknn_init(&ctx_, const_cast<char*>(path_.c_str()), 0, 0, nullptr), RKNN_SUCC);
  }

  std::string path_;
};

TEST_F(RockchipRknn, InOutNumAndAttrsDescribeTheFile) {
  rknn_input_output_num num{};
  ASSERT_EQ(rknn_query(ctx_, RKNN_QUERY_IN_OUT_NUM, &num, sizeof(num)), RKNN_SUCC);
  EXPECT_EQ(num.n_input, 2u);
  EXPECT_EQ(num.n_output, 1u);

  // Inputs are NHWC on the board.
  const rknn_tensor_attr in0 = Query(RKNN_QUERY_INPUT_ATTR, 0);
  EXPECT_STREQ(in0.name, "input.1");
  ASSERT_EQ(in0.n_dims, 4u);
  EXPECT_EQ(std::vector<uint32_t>(in0.dims, in0.dims + 4), (std::vector<uint32_t>{1, 128, 128, 1}));
  EXPECT_EQ(in0.fmt, RKNN_TENSOR_NHWC);
  EXPECT_EQ(in0.type, RKNN_TENSOR_INT8);
  EXPECT_EQ(in0.qnt_type, RKNN_TENSOR_QNT_AFFINE_ASYMMETRIC);
  EXPECT_EQ(in0.zp, -128);
  EXPECT_FLOAT_EQ(in0.scale, 1.0f);
  EXPECT_EQ(in0.n_elems, 128u * 128u);

  const rknn_tensor_attr in1 = Query(RKNN_QUERY_INPUT_ATTR, 1);
  EXPECT_STREQ(in1.name, "input");
  EXPECT_EQ(std::vector<uint32_t>(in1.dims, in1.dims + 4), (std::vector<uint32_t>{1, 128, 128, 3}));

  const rknn_tensor_attr out = Query(RKNN_QUERY_OUTPUT_ATTR, 0);
  EXPECT_STREQ(out.name, "8");
  EXPECT_EQ(std::vector<uint32_t>(out.dims, out.dims + 4), (std::vector<uint32_t>{1, 8, 128, 128}));
  EXPECT_EQ(out.fmt, RKNN_TENSOR_NCHW);
  EXPECT_EQ(out.type, RKNN_TENSOR_INT8);
  EXPECT_EQ(out.zp, 20);
  EXPECT_NEAR(out.scale, 4.14237452f, 1e-6f);

  rknn_tensor_attr bad;
  std::memset(&bad, 0, sizeof(bad));
  bad.index = 2;
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_query(ctx_, RKNN_QUERY_INPUT_ATTR, &bad, sizeof(bad)); });
}

// The names, zero points and scales of the attrs agree with what tests/rknn/rknn_reader.py, a raw
// FlatBuffer walker sharing no code with rknn-sim, reads from the same bytes (make_models.sh).
TEST_F(RockchipRknn, AttrsAgreeWithTheIndependentReader) {
  const std::vector<char> text = ReadBytes(Work() + "/" + kDemo + ".reader.json");
  ASSERT_FALSE(text.empty()) << "make_models.sh did not write " << kDemo << ".reader.json";
  const nlohmann::json reader = nlohmann::json::parse(text.begin(), text.end());
  for (const auto& [key, cmd] : {std::pair<const char*, int>{"inputs", RKNN_QUERY_INPUT_ATTR},
                                 std::pair<const char*, int>{"outputs", RKNN_QUERY_OUTPUT_ATTR}}) {
    const nlohmann::json& list = reader.at("io").at(key);
    ASSERT_FALSE(list.empty());
    for (size_t i = 0; i < list.size(); ++i) {
      const rknn_tensor_attr attr = Query(static_cast<rknn_query_cmd>(cmd), static_cast<uint32_t>(i));
      EXPECT_EQ(std::string(attr.name), list[i].at("name").get<std::string>()) << key << " " << i;
      ASSERT_EQ(list[i].at("zero_point").size(), 1u) << key << " " << i;
      EXPECT_EQ(attr.zp, list[i].at("zero_point")[0].get<int32_t>()) << key << " " << i;
      EXPECT_FLOAT_EQ(attr.scale, list[i].at("scale")[0].get<float>()) << key << " " << i;
    }
  }
}

TEST_F(RockchipRknn, SdkVersionAndTheFilesMemory) {
  rknn_sdk_version version{};
  ASSERT_EQ(rknn_query(ctx_, RKNN_QUERY_SDK_VERSION, &version, sizeof(version)), RKNN_SUCC);
  EXPECT_NE(std::string(version.api_version).find("rknn-sim"), std::string::npos) << version.api_version;
  EXPECT_NE(std::string(version.drv_version).find("rk3588"), std::string::npos) << version.drv_version;

  // What the file records (`rknn-sim memory`): 5248 B weights + 12944 B compiler-made constants,
  // 1114112 B internal memory, no regcmd or task buffers.
  rknn_mem_size mem{};
  ASSERT_EQ(rknn_query(ctx_, RKNN_QUERY_MEM_SIZE, &mem, sizeof(mem)), RKNN_SUCC);
  EXPECT_EQ(mem.total_weight_size, 18192u);
  EXPECT_EQ(mem.total_internal_size, 1114112u);
  EXPECT_EQ(mem.total_dma_allocated_size, 18192u + 1114112u);
}

TEST_F(RockchipRknn, PerfDetailIsTheTimingOnlySimulationOfRknnSimPerf) {
  rknn_perf_detail detail{};
  ASSERT_EQ(rknn_query(ctx_, RKNN_QUERY_PERF_DETAIL, &detail, sizeof(detail)), RKNN_SUCC);  // no rknn_run
  ASSERT_NE(detail.perf_data, nullptr);
  const std::string table(detail.perf_data, detail.data_len);
  EXPECT_NE(table.find("Conv:Conv_1"), std::string::npos) << table;
  EXPECT_NE(table.find("ConvAdd"), std::string::npos) << table;
  // capi/tests/make_models.sh saved `rknn-sim perf FILE` without its first (title) line.
  const std::vector<char> cli = ReadBytes(Work() + "/" + kDemo + ".perf.txt");
  ASSERT_FALSE(cli.empty()) << "make_models.sh did not write " << kDemo << ".perf.txt";
  EXPECT_EQ(table, std::string(cli.begin(), cli.end()));

  rknn_perf_run run{};
  ASSERT_EQ(rknn_query(ctx_, RKNN_QUERY_PERF_RUN, &run, sizeof(run)), RKNN_SUCC);
  EXPECT_GT(run.run_duration, 0);
  // The run's duration is a normal run's (perf_debug=False), the table's last total line.
  EXPECT_NE(table.find("Total Time(us) of one rknn_run (perf_debug=False): " + std::to_string(run.run_duration)),
            std::string::npos)
      << run.run_duration << "\n" << table;
}

TEST_F(RockchipRknn, RunIsRefusedWithModelInvalidAndOneLineSayingWhy) {
  // Inputs can be set as on the board; the run itself is what cannot happen.
  std::vector<int8_t> a(128 * 128), b(128 * 128 * 3);
  SetDemoInputs(ctx_, a, b, RKNN_TENSOR_INT8);
  const std::string line = ExpectCode(RKNN_ERR_MODEL_INVALID, [&] { return rknn_run(ctx_, nullptr); });
  EXPECT_NE(line.find(path_), std::string::npos) << line;
  EXPECT_NE(line.find("Rockchip .rknn"), std::string::npos) << line;
  EXPECT_NE(line.find("cannot decode"), std::string::npos) << line;
  EXPECT_NE(line.find("docs/rknn-format.md"), std::string::npos) << line;
  rknn_output out{};
  out.want_float = 1;
  ExpectCode(RKNN_ERR_OUTPUT_INVALID, [&] { return rknn_outputs_get(ctx_, 1, &out, nullptr); });

  // A copy of the context behaves the same.
  rknn_context copy = 0;
  ASSERT_EQ(rknn_dup_context(&ctx_, &copy), RKNN_SUCC);
  ExpectCode(RKNN_ERR_MODEL_INVALID, [&] { return rknn_run(copy, nullptr); });
  EXPECT_EQ(rknn_destroy(copy), RKNN_SUCC);
}

TEST_F(RockchipRknn, InitFromABufferAndDamagedFiles) {
  std::vector<char> bytes = ReadBytes(path_);
  ASSERT_FALSE(bytes.empty());
  rknn_context from_buffer = 0;
  ASSERT_EQ(rknn_init(&from_buffer, bytes.data(), static_cast<uint32_t>(bytes.size()), 0, nullptr), RKNN_SUCC);
  rknn_input_output_num num{};
  ASSERT_EQ(rknn_query(from_buffer, RKNN_QUERY_IN_OUT_NUM, &num, sizeof(num)), RKNN_SUCC);
  EXPECT_EQ(num.n_input, 2u);
  const std::string line = ExpectCode(RKNN_ERR_MODEL_INVALID, [&] { return rknn_run(from_buffer, nullptr); });
  EXPECT_NE(line.find("model buffer"), std::string::npos) << line;
  EXPECT_EQ(rknn_destroy(from_buffer), RKNN_SUCC);

  // A truncated file is an invalid model, with one line, from a buffer and from a path.
  rknn_context bad = 0;
  ExpectCode(RKNN_ERR_MODEL_INVALID, [&] { return rknn_init(&bad, bytes.data(), 64, 0, nullptr); });
  const std::string truncated = Work() + "/truncated.rknn";
  std::ofstream(truncated, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  ExpectCode(RKNN_ERR_MODEL_INVALID, [&] { return rknn_init(&bad, const_cast<char*>(truncated.c_str()), 0, 0, nullptr); });
}

// RV1106 users get no per-layer perf on the board (RKNN_API.md): the simulator gives it; and the
// file runs, its Transposes included, into its three linear outputs. The process simulates one
// platform, so this runs in a fresh copy of the test binary.
void Rv1106PerfDetailAndRun(const std::string& path) {
  rknn_context ctx = 0;
  if (rknn_init(&ctx, const_cast<char*>(path.c_str()), 0, 0, nullptr) != RKNN_SUCC) std::exit(1);
  rknn_perf_detail detail{};
  if (rknn_query(ctx, RKNN_QUERY_PERF_DETAIL, &detail, sizeof(detail)) != RKNN_SUCC) std::exit(2);
  const std::string table(detail.perf_data, detail.data_len);
  if (table.find("Total Operator Elapsed Per Frame Time(us): ") == std::string::npos) std::exit(3);
  std::vector<uint8_t> gray(640 * 640 * 3, 128);
  rknn_input in{};
  in.index = 0, in.buf = gray.data(), in.size = static_cast<uint32_t>(gray.size());
  in.type = RKNN_TENSOR_UINT8, in.fmt = RKNN_TENSOR_NHWC;
  if (rknn_inputs_set(ctx, 1, &in) != RKNN_SUCC || rknn_run(ctx, nullptr) != RKNN_SUCC) std::exit(4);
  rknn_output out[3]{};
  for (uint32_t k = 0; k < 3; ++k) out[k].index = k, out[k].want_float = 1;
  if (rknn_outputs_get(ctx, 3, out, nullptr) != RKNN_SUCC) std::exit(5);
  const uint32_t values[3] = {16800 * 4, 16800 * 2, 16800 * 10};  // boxes, class scores, landmarks
  for (int k = 0; k < 3; ++k)
    if (out[k].size != values[k] * sizeof(float)) std::exit(6 + k);
  rknn_outputs_release(ctx, 3, out);
  rknn_destroy(ctx);
  std::fputs("ran", stderr);
  std::exit(0);
}

TEST(RockchipRknnRv1106, PerfDetailWithoutABoardAndARun) {
  const std::string path = SamplePath("retinaface_rv1106");
  if (capi_test::DataAbsent(path)) GTEST_SKIP() << "the directory of " << path << " is not on this machine";
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(Rv1106PerfDetailAndRun(path), testing::ExitedWithCode(0), "ran");
}

}  // namespace

namespace {

// The board demo's way (rknpu2/examples/rknn_multiple_input_demo): uint8 NHWC buffers read from
// its .bin files, float outputs. They are the same images as the .npy inputs `rknn-sim run` took
// in make_models.sh, so the outputs must be the same bytes. Each build runs in its own process
// (one platform per process).
class RockchipRknnRun : public testing::TestWithParam<const char*> {};

TEST_P(RockchipRknnRun, TheDemoRunsAsTheBoardDemoFeedsIt) {
  const std::string build = GetParam();
  const std::string path = SamplePath("multiple_input_demo_" + build);
  if (capi_test::DataAbsent(path)) GTEST_SKIP() << "the directory of " << path << " is not on this machine";
  rknn_context ctx = 0;
  ASSERT_EQ(rknn_init(&ctx, const_cast<char*>(path.c_str()), 0, 0, nullptr), RKNN_SUCC);
  std::vector<char> a = ReadBytes(DataDir() + "/multiple_input_demo_input1.bin");
  std::vector<char> b = ReadBytes(DataDir() + "/multiple_input_demo_input2.bin");
  ASSERT_EQ(a.size(), 128u * 128u);
  ASSERT_EQ(b.size(), 128u * 128u * 3u);
  SetDemoInputs(ctx, a, b, RKNN_TENSOR_UINT8);
  ASSERT_EQ(rknn_run(ctx, nullptr), RKNN_SUCC);
  rknn_output out{};
  out.want_float = 1;
  ASSERT_EQ(rknn_outputs_get(ctx, 1, &out, nullptr), RKNN_SUCC);
  const rknnsim::NpyArray expected = rknnsim::ReadNpy(Work() + "/cli_rockchip_" + build + "/0_8.npy");
  ASSERT_EQ(out.size, expected.data.size() * sizeof(float));
  EXPECT_EQ(std::memcmp(out.buf, expected.data.data(), out.size), 0);
  EXPECT_EQ(rknn_outputs_release(ctx, 1, &out), RKNN_SUCC);
  EXPECT_EQ(rknn_destroy(ctx), RKNN_SUCC);
}

INSTANTIATE_TEST_SUITE_P(Builds, RockchipRknnRun, testing::Values("rk3588_tk162", "rk3576", "rk3562", "rv1126b"));

}  // namespace
