// The C API against the bundled model (capi/tests/make_models.sh): queries, every error path
// (each returns its RKNPU2 code with exactly one `E RKNN:` line on stderr), and the input/output
// variants (types, formats, pass-through, prealloc, zero-copy, dup) against `rknn-sim run`.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "capi_test_support.h"
#include "common/fp16.h"
#include "common/npy.h"
#include "rknn_api.h"

extern "C" {
int c_query_with_cmd(rknn_context ctx, int cmd, void* info, uint32_t size);
int c_set_core_mask(rknn_context ctx, int mask);
}

namespace {

using capi_test::ExpectCode;
using capi_test::ReadBytes;
using capi_test::SetFloatInput;
using capi_test::Work;

std::string ModelPath(const std::string& name) { return Work() + "/" + name + ".rknnsim"; }

// Stores any int in an enum field, as a C caller can (a C++ cast to an out-of-range enum is not
// allowed, and loading one is undefined).
template <typename Enum>
void PokeEnum(Enum* field, int value) {
  std::memcpy(field, &value, sizeof(value));
}

std::vector<float> RunFloat(rknn_context ctx) {
  EXPECT_EQ(rknn_run(ctx, nullptr), RKNN_SUCC);
  rknn_output out{};
  out.want_float = 1;
  EXPECT_EQ(rknn_outputs_get(ctx, 1, &out, nullptr), RKNN_SUCC);
  std::vector<float> values(static_cast<const float*>(out.buf),
                            static_cast<const float*>(out.buf) + out.size / sizeof(float));
  EXPECT_EQ(rknn_outputs_release(ctx, 1, &out), RKNN_SUCC);
  return values;
}

// The last run's perf detail shows the split model's Concat (tests/e2e/gen_split_model.py) with
// work on a core other than the first (a WorkLoad share after the first that is not 0.0%).
bool ConcatSplitAcrossCores(rknn_context ctx, std::string* table) {
  rknn_perf_detail detail{};
  EXPECT_EQ(rknn_query(ctx, RKNN_QUERY_PERF_DETAIL, &detail, sizeof(detail)), RKNN_SUCC);
  *table = detail.perf_data ? detail.perf_data : "";
  std::istringstream rows(*table);
  for (std::string row; std::getline(rows, row);) {
    if (row.find("Concat") == std::string::npos) continue;
    const size_t first = row.find("%/");
    if (first == std::string::npos) continue;
    std::istringstream shares(row.substr(first + 2));
    std::string rest;
    shares >> rest;  // "50.0%" or "50.0%/0.0%"
    for (size_t at = 0; at < rest.size();) {
      const size_t end = rest.find('%', at);
      if (end == std::string::npos) break;
      if (std::stod(rest.substr(at, end - at)) > 0) return true;
      at = end + 2;  // past "%/"
    }
  }
  return false;
}

class RknnApi : public capi_test::ContextTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(rknn_init(&ctx_, const_cast<char*>(ModelPath("int8_rk3588").c_str()), 0, 0, nullptr), RKNN_SUCC);
    input_ = rknnsim::ReadNpy(Work() + "/input.npy");
    expected_ = rknnsim::ReadNpy(Work() + "/cli_int8/0_output.npy").data;
  }

  // The input as NHWC (dims [1,H,W,C]) from the NCHW test array.
  template <typename T>
  std::vector<T> ToNhwc(const std::vector<T>& nchw) const {
    const int64_t c = input_.shape[1], h = input_.shape[2], w = input_.shape[3];
    std::vector<T> out(nchw.size());
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) out[(y * w + x) * c + ch] = nchw[(ch * h + y) * w + x];
    return out;
  }

  // int8 codes d and the floats (d - zp) * scale they stand for, so that quantizing the floats
  // gives d back and pass-through and converted inputs must agree.
  void MakeQuantized(std::vector<int8_t>* codes, std::vector<float>* floats) {
    const rknn_tensor_attr a = Query(RKNN_QUERY_INPUT_ATTR, 0);
    for (float v : input_.data) {
      const int q = std::max(-128, std::min(127, static_cast<int>(std::lround(v / a.scale)) + a.zp));
      codes->push_back(static_cast<int8_t>(q));
      floats->push_back(static_cast<float>(q - a.zp) * a.scale);
    }
  }

  rknnsim::NpyArray input_;
  std::vector<float> expected_;
};

TEST_F(RknnApi, QueriesDescribeTheModel) {
  rknn_input_output_num num{};
  ASSERT_EQ(rknn_query(ctx_, RKNN_QUERY_IN_OUT_NUM, &num, sizeof(num)), RKNN_SUCC);
  EXPECT_EQ(num.n_input, 1u);
  EXPECT_EQ(num.n_output, 1u);

  const rknn_tensor_attr in = Query(RKNN_QUERY_INPUT_ATTR, 0);
  EXPECT_STREQ(in.name, "input");
  EXPECT_EQ(in.fmt, RKNN_TENSOR_NHWC);
  ASSERT_EQ(in.n_dims, 4u);
  EXPECT_EQ(in.dims[1], 64u);
  EXPECT_EQ(in.dims[3], 3u);
  EXPECT_EQ(in.n_elems, 3u * 64 * 64);
  EXPECT_EQ(in.type, RKNN_TENSOR_INT8);
  EXPECT_EQ(in.qnt_type, RKNN_TENSOR_QNT_AFFINE_ASYMMETRIC);
  EXPECT_GT(in.scale, 0.0f);

  // A 3-channel first-layer input is pixel-packed, and the board reports it natively as NHWC
  // (rknn_model_zoo issue 156, RK3568 yolov5: "dims=[1, 640, 640, 3, 0], fmt=NHWC, type=INT8").
  const rknn_tensor_attr native = Query(RKNN_QUERY_NATIVE_INPUT_ATTR, 0);
  EXPECT_EQ(native.fmt, RKNN_TENSOR_NHWC);
  ASSERT_EQ(native.n_dims, 4u);
  EXPECT_EQ(native.dims[1], 64u);
  EXPECT_EQ(native.dims[3], 3u);
  EXPECT_EQ(native.size, 3u * 64 * 64);
  EXPECT_EQ(Query(RKNN_QUERY_NATIVE_NHWC_INPUT_ATTR, 0).fmt, RKNN_TENSOR_NHWC);

  const rknn_tensor_attr out = Query(RKNN_QUERY_OUTPUT_ATTR, 0);
  EXPECT_STREQ(out.name, "output");
  EXPECT_EQ(out.n_elems, 10u);
  EXPECT_EQ(Query(RKNN_QUERY_NATIVE_OUTPUT_ATTR, 0).n_elems, 10u);

  rknn_sdk_version version{};
  ASSERT_EQ(rknn_query(ctx_, RKNN_QUERY_SDK_VERSION, &version, sizeof(version)), RKNN_SUCC);
  EXPECT_NE(std::string(version.api_version).find("rknn-sim"), std::string::npos);

  rknn_mem_size mem{};
  ASSERT_EQ(rknn_query(ctx_, RKNN_QUERY_MEM_SIZE, &mem, sizeof(mem)), RKNN_SUCC);
  EXPECT_GT(mem.total_weight_size, 0u);
  EXPECT_GT(mem.total_internal_size, 0u);
}

TEST_F(RknnApi, PerfQueriesNeedARun) {
  rknn_perf_run run{};
  ExpectCode(RKNN_ERR_FAIL, [&] { return rknn_query(ctx_, RKNN_QUERY_PERF_RUN, &run, sizeof(run)); });
  std::vector<float> x = input_.data;
  ASSERT_EQ(SetFloatInput(ctx_, x), RKNN_SUCC);
  RunFloat(ctx_);
  ASSERT_EQ(rknn_query(ctx_, RKNN_QUERY_PERF_RUN, &run, sizeof(run)), RKNN_SUCC);
  EXPECT_GT(run.run_duration, 0);
  rknn_perf_detail detail{};
  ASSERT_EQ(rknn_query(ctx_, RKNN_QUERY_PERF_DETAIL, &detail, sizeof(detail)), RKNN_SUCC);
  const std::string text(detail.perf_data, detail.data_len);
  EXPECT_NE(text.find("Total Operator Elapsed Per Frame Time(us)"), std::string::npos) << text;
}

TEST_F(RknnApi, QueryErrors) {
  rknn_tensor_attr attr{};
  attr.index = 1;
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_query(ctx_, RKNN_QUERY_INPUT_ATTR, &attr, sizeof(attr)); });
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_query(ctx_, RKNN_QUERY_OUTPUT_ATTR, &attr, sizeof(attr)); });
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_query(ctx_, RKNN_QUERY_INPUT_ATTR, nullptr, sizeof(attr)); });
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_query(ctx_, RKNN_QUERY_INPUT_ATTR, &attr, 8); });
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return c_query_with_cmd(ctx_, 99, &attr, sizeof(attr)); });
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return c_query_with_cmd(ctx_, -1, &attr, sizeof(attr)); });
  // A real command the simulator does not answer.
  ExpectCode(RKNN_ERR_PARAM_INVALID,
             [&] { return rknn_query(ctx_, RKNN_QUERY_DEVICE_MEM_INFO, &attr, sizeof(attr)); });
  ExpectCode(RKNN_ERR_CTX_INVALID, [&] { return rknn_query(12345, RKNN_QUERY_INPUT_ATTR, &attr, sizeof(attr)); });
}

TEST(RknnApiInit, BadModelsAndArguments) {
  rknn_context ctx = 0;
  const std::string path = ModelPath("int8_rk3588");
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_init(nullptr, const_cast<char*>(path.c_str()), 0, 0, nullptr); });
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_init(&ctx, nullptr, 0, 0, nullptr); });
  ExpectCode(RKNN_ERR_MODEL_INVALID,
             [&] { return rknn_init(&ctx, const_cast<char*>("/nonexistent/model.rknnsim"), 0, 0, nullptr); });
  std::vector<char> bytes = ReadBytes(path);
  ExpectCode(RKNN_ERR_MODEL_INVALID, [&] { return rknn_init(&ctx, bytes.data(), 16, 0, nullptr); });
  std::vector<char> garbage(bytes.size(), 'x');
  ExpectCode(RKNN_ERR_MODEL_INVALID,
             [&] { return rknn_init(&ctx, garbage.data(), static_cast<uint32_t>(garbage.size()), 0, nullptr); });
  // From memory, the whole file works, and the caller may free its buffer right after.
  ExpectCode(RKNN_SUCC, [&] { return rknn_init(&ctx, bytes.data(), static_cast<uint32_t>(bytes.size()), 0, nullptr); });
  bytes.clear();
  rknn_input_output_num num{};
  EXPECT_EQ(rknn_query(ctx, RKNN_QUERY_IN_OUT_NUM, &num, sizeof(num)), RKNN_SUCC);
  EXPECT_EQ(rknn_destroy(ctx), RKNN_SUCC);
  ExpectCode(RKNN_ERR_CTX_INVALID, [&] { return rknn_destroy(ctx); });
  ExpectCode(RKNN_ERR_CTX_INVALID, [&] { return rknn_run(ctx, nullptr); });
}

TEST_F(RknnApi, FloatInputsMatchTheCli) {
  std::vector<float> nchw = input_.data;
  ASSERT_EQ(SetFloatInput(ctx_, nchw), RKNN_SUCC);
  EXPECT_EQ(RunFloat(ctx_), expected_);
  std::vector<float> nhwc = ToNhwc(input_.data);
  ASSERT_EQ(SetFloatInput(ctx_, nhwc, RKNN_TENSOR_NHWC), RKNN_SUCC);
  EXPECT_EQ(RunFloat(ctx_), expected_);
}

TEST(RknnApiFp16, Float16InputsMatchTheCli) {
  rknn_context ctx = 0;
  ASSERT_EQ(rknn_init(&ctx, const_cast<char*>(ModelPath("fp16_rk3588").c_str()), 0, 0, nullptr), RKNN_SUCC);
  rknn_tensor_attr attr{};
  ASSERT_EQ(rknn_query(ctx, RKNN_QUERY_INPUT_ATTR, &attr, sizeof(attr)), RKNN_SUCC);
  EXPECT_EQ(attr.type, RKNN_TENSOR_FLOAT16);
  EXPECT_EQ(attr.qnt_type, RKNN_TENSOR_QNT_NONE);
  // The model rounds float inputs to fp16 itself, so fp16 data of the same values gives the same result.
  const rknnsim::NpyArray input = rknnsim::ReadNpy(Work() + "/input.npy");
  std::vector<uint16_t> half;
  for (float v : input.data) half.push_back(rknnsim::FloatToHalfBits(v));
  rknn_input in{};
  in.buf = half.data();
  in.size = static_cast<uint32_t>(half.size() * 2);
  in.type = RKNN_TENSOR_FLOAT16;
  in.fmt = RKNN_TENSOR_NCHW;
  ASSERT_EQ(rknn_inputs_set(ctx, 1, &in), RKNN_SUCC);
  ASSERT_EQ(rknn_run(ctx, nullptr), RKNN_SUCC);
  rknn_output out{};
  out.want_float = 1;
  ASSERT_EQ(rknn_outputs_get(ctx, 1, &out, nullptr), RKNN_SUCC);
  const std::vector<float> got(static_cast<float*>(out.buf), static_cast<float*>(out.buf) + out.size / 4);
  EXPECT_EQ(got, rknnsim::ReadNpy(Work() + "/cli_fp16/0_output.npy").data);
  rknn_outputs_release(ctx, 1, &out);
  rknn_destroy(ctx);
}

TEST_F(RknnApi, PassThroughEqualsConvertedInput) {
  std::vector<int8_t> codes;
  std::vector<float> floats;
  MakeQuantized(&codes, &floats);
  ASSERT_EQ(SetFloatInput(ctx_, floats), RKNN_SUCC);
  const std::vector<float> reference = RunFloat(ctx_);

  rknn_input in{};
  in.pass_through = 1;
  in.buf = codes.data();
  in.size = static_cast<uint32_t>(codes.size());
  in.type = RKNN_TENSOR_INT8;
  in.fmt = RKNN_TENSOR_NCHW;
  ASSERT_EQ(rknn_inputs_set(ctx_, 1, &in), RKNN_SUCC);
  EXPECT_EQ(RunFloat(ctx_), reference);

  std::vector<int8_t> nhwc = ToNhwc(codes);
  in.buf = nhwc.data();
  in.fmt = RKNN_TENSOR_NHWC;
  ASSERT_EQ(rknn_inputs_set(ctx_, 1, &in), RKNN_SUCC);
  EXPECT_EQ(RunFloat(ctx_), reference);

  // The 3-channel input is pixel-packed (one C1 plane of 3-channel atoms), so its native form is
  // NHWC and the same bytes pass as NC1HWC2.
  const rknn_tensor_attr native = Query(RKNN_QUERY_NATIVE_INPUT_ATTR, 0);
  ASSERT_EQ(native.fmt, RKNN_TENSOR_NHWC);
  ASSERT_EQ(native.size, nhwc.size());
  in.buf = nhwc.data();
  in.size = native.size;
  in.fmt = RKNN_TENSOR_NC1HWC2;
  ASSERT_EQ(rknn_inputs_set(ctx_, 1, &in), RKNN_SUCC);
  EXPECT_EQ(RunFloat(ctx_), reference);
}

TEST_F(RknnApi, Uint8AndInt8InputsAreValues) {
  // UINT8 data are pixel values: the same as their float32 copies.
  std::vector<uint8_t> pixels(input_.data.size());
  std::vector<float> as_float(pixels.size());
  for (size_t i = 0; i < pixels.size(); ++i) as_float[i] = pixels[i] = static_cast<uint8_t>(i * 7 % 256);
  ASSERT_EQ(SetFloatInput(ctx_, as_float), RKNN_SUCC);
  const std::vector<float> reference = RunFloat(ctx_);
  rknn_input in{};
  in.buf = pixels.data();
  in.size = static_cast<uint32_t>(pixels.size());
  in.type = RKNN_TENSOR_UINT8;
  in.fmt = RKNN_TENSOR_NCHW;
  ASSERT_EQ(rknn_inputs_set(ctx_, 1, &in), RKNN_SUCC);
  EXPECT_EQ(RunFloat(ctx_), reference);
}

TEST_F(RknnApi, InputErrors) {
  std::vector<float> x = input_.data;
  rknn_input in{};
  in.buf = x.data();
  in.size = static_cast<uint32_t>(x.size() * 4);
  in.type = RKNN_TENSOR_FLOAT32;
  in.fmt = RKNN_TENSOR_NCHW;
  ExpectCode(RKNN_ERR_INPUT_INVALID, [&] { return rknn_run(ctx_, nullptr); });  // nothing set yet
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_inputs_set(ctx_, 1, nullptr); });
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_inputs_set(ctx_, 0, &in); });
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_inputs_set(ctx_, 2, &in); });
  rknn_input bad = in;
  bad.index = 3;
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_inputs_set(ctx_, 1, &bad); });
  bad = in;
  bad.buf = nullptr;
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_inputs_set(ctx_, 1, &bad); });
  bad = in;
  bad.size -= 4;
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_inputs_set(ctx_, 1, &bad); });
  bad = in;
  bad.type = RKNN_TENSOR_INT64;
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_inputs_set(ctx_, 1, &bad); });
  bad = in;
  bad.fmt = RKNN_TENSOR_NC1HWC2;
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_inputs_set(ctx_, 1, &bad); });
  bad = in;
  PokeEnum(&bad.fmt, 42);
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_inputs_set(ctx_, 1, &bad); });
  bad = in;
  PokeEnum(&bad.type, -3);
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_inputs_set(ctx_, 1, &bad); });
  bad = in;
  bad.pass_through = 1;
  bad.size = 10;
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_inputs_set(ctx_, 1, &bad); });
  ExpectCode(RKNN_ERR_CTX_INVALID, [&] { return rknn_inputs_set(777, 1, &in); });
}

TEST_F(RknnApi, OutputVariantsAndErrors) {
  rknn_output out{};
  out.want_float = 1;
  ExpectCode(RKNN_ERR_OUTPUT_INVALID, [&] { return rknn_outputs_get(ctx_, 1, &out, nullptr); });  // no run yet
  std::vector<float> x = input_.data;
  ASSERT_EQ(SetFloatInput(ctx_, x), RKNN_SUCC);
  ASSERT_EQ(rknn_run(ctx_, nullptr), RKNN_SUCC);
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_outputs_get(ctx_, 1, nullptr, nullptr); });
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_outputs_get(ctx_, 2, &out, nullptr); });
  rknn_output bad = out;
  bad.index = 5;
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_outputs_get(ctx_, 1, &bad, nullptr); });

  std::vector<float> prealloc(10);
  bad = out;
  bad.is_prealloc = 1;
  bad.buf = prealloc.data();
  bad.size = 39;  // one byte short
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_outputs_get(ctx_, 1, &bad, nullptr); });
  bad.buf = nullptr;
  bad.size = 40;
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_outputs_get(ctx_, 1, &bad, nullptr); });

  rknn_output pre = out;
  pre.is_prealloc = 1;
  pre.buf = prealloc.data();
  pre.size = 40;
  ASSERT_EQ(rknn_outputs_get(ctx_, 1, &pre, nullptr), RKNN_SUCC);
  EXPECT_EQ(prealloc, expected_);
  EXPECT_EQ(rknn_outputs_release(ctx_, 1, &pre), RKNN_SUCC);

  // want_float = 0: the int8 codes, which dequantize to the float output.
  const rknn_tensor_attr attr = Query(RKNN_QUERY_OUTPUT_ATTR, 0);
  rknn_output raw{};
  ASSERT_EQ(rknn_outputs_get(ctx_, 1, &raw, nullptr), RKNN_SUCC);
  ASSERT_EQ(raw.size, 10u);
  for (int i = 0; i < 10; ++i)
    EXPECT_FLOAT_EQ((static_cast<int8_t*>(raw.buf)[i] - attr.zp) * attr.scale, expected_[i]) << i;
  EXPECT_EQ(rknn_outputs_release(ctx_, 1, &raw), RKNN_SUCC);
  EXPECT_EQ(rknn_outputs_release(ctx_, 1, &raw), RKNN_SUCC);  // twice: nothing left to free
}

TEST_F(RknnApi, ZeroCopyMemories) {
  std::vector<int8_t> codes;
  std::vector<float> floats;
  MakeQuantized(&codes, &floats);
  ASSERT_EQ(SetFloatInput(ctx_, floats), RKNN_SUCC);
  const std::vector<float> reference = RunFloat(ctx_);

  rknn_tensor_attr in_attr = Query(RKNN_QUERY_INPUT_ATTR, 0);  // int8 NHWC: data given as is
  rknn_tensor_attr out_attr = Query(RKNN_QUERY_OUTPUT_ATTR, 0);
  out_attr.type = RKNN_TENSOR_FLOAT32;
  rknn_tensor_mem* in_mem = rknn_create_mem(ctx_, in_attr.size);
  rknn_tensor_mem* out_mem = rknn_create_mem(ctx_, out_attr.n_elems * 4);
  ASSERT_NE(in_mem, nullptr);
  ASSERT_NE(out_mem, nullptr);
  const std::vector<int8_t> nhwc = ToNhwc(codes);
  std::memcpy(in_mem->virt_addr, nhwc.data(), nhwc.size());
  ASSERT_EQ(rknn_set_io_mem(ctx_, in_mem, &in_attr), RKNN_SUCC);
  ASSERT_EQ(rknn_set_io_mem(ctx_, out_mem, &out_attr), RKNN_SUCC);
  ASSERT_EQ(rknn_run(ctx_, nullptr), RKNN_SUCC);
  const auto* got = static_cast<const float*>(out_mem->virt_addr);
  EXPECT_EQ(std::vector<float>(got, got + 10), reference);

  // The caller may change the struct after binding: checked again at run time.
  out_mem->offset = 8;
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_run(ctx_, nullptr); });
  out_mem->offset = 0;
  in_mem->offset = -1;
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_run(ctx_, nullptr); });
  in_mem->offset = 0;

  rknn_tensor_mem* small = rknn_create_mem(ctx_, 8);
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_set_io_mem(ctx_, small, &in_attr); });
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_set_io_mem(ctx_, small, &out_attr); });
  rknn_tensor_attr unknown = in_attr;
  std::strcpy(unknown.name, "nope");
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_set_io_mem(ctx_, in_mem, &unknown); });
  unknown = in_attr;
  PokeEnum(&unknown.fmt, 1000);
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_set_io_mem(ctx_, in_mem, &unknown); });
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_set_io_mem(ctx_, nullptr, &in_attr); });
  testing::internal::CaptureStderr();
  EXPECT_EQ(rknn_create_mem(ctx_, 0), nullptr);
  EXPECT_EQ(testing::internal::GetCapturedStderr().rfind("E RKNN: ", 0), 0u);
  EXPECT_EQ(rknn_destroy_mem(ctx_, small), RKNN_SUCC);
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_destroy_mem(ctx_, small); });
  EXPECT_EQ(rknn_destroy_mem(ctx_, in_mem), RKNN_SUCC);
  // The input binding went with its memory.
  ExpectCode(RKNN_ERR_INPUT_INVALID, [&] { return rknn_run(ctx_, nullptr); });
  EXPECT_EQ(rknn_destroy_mem(ctx_, out_mem), RKNN_SUCC);
}

TEST_F(RknnApi, DupContextSharesTheModel) {
  rknn_context dup = 0;
  ASSERT_EQ(rknn_dup_context(&ctx_, &dup), RKNN_SUCC);
  EXPECT_NE(dup, ctx_);
  std::vector<float> x = input_.data;
  ASSERT_EQ(SetFloatInput(dup, x), RKNN_SUCC);
  EXPECT_EQ(RunFloat(dup), expected_);
  ExpectCode(RKNN_ERR_INPUT_INVALID, [&] { return rknn_run(ctx_, nullptr); });  // inputs are per context
  EXPECT_EQ(rknn_destroy(dup), RKNN_SUCC);
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_dup_context(&ctx_, nullptr); });
  rknn_context stale = dup;
  ExpectCode(RKNN_ERR_CTX_INVALID, [&] { return rknn_dup_context(&stale, &dup); });
}

// A model built with dynamic_input (make_models.sh: 64x64 and 96x96): RKNN_QUERY_INPUT_DYNAMIC_RANGE
// lists both sets, runs use the first set until rknn_set_input_shapes picks another, and each set's
// outputs are the CLI's on an input of that shape.
TEST(RknnApiDynamic, SetInputShapesPicksTheShapeSet) {
  rknn_context ctx = 0;
  ASSERT_EQ(rknn_init(&ctx, const_cast<char*>(ModelPath("dynamic_rk3588").c_str()), 0, 0, nullptr), RKNN_SUCC);
  rknn_input_range range{};
  range.index = 0;
  ASSERT_EQ(rknn_query(ctx, RKNN_QUERY_INPUT_DYNAMIC_RANGE, &range, sizeof(range)), RKNN_SUCC);
  ASSERT_EQ(range.shape_number, 2u);
  rknn_tensor_attr attr{};
  attr.index = 0;
  ASSERT_EQ(rknn_query(ctx, RKNN_QUERY_CURRENT_INPUT_ATTR, &attr, sizeof(attr)), RKNN_SUCC);
  ASSERT_EQ(range.n_dims, attr.n_dims);
  EXPECT_TRUE(std::equal(attr.dims, attr.dims + attr.n_dims, range.dyn_range[0]));  // the first set is current
  EXPECT_EQ(range.fmt, attr.fmt);

  std::vector<float> x64 = rknnsim::ReadNpy(Work() + "/input.npy").data;
  ASSERT_EQ(SetFloatInput(ctx, x64), RKNN_SUCC);
  EXPECT_EQ(RunFloat(ctx), rknnsim::ReadNpy(Work() + "/cli_dynamic_64/0_output.npy").data);

  rknn_tensor_attr shape{};
  shape.index = 0;
  shape.n_dims = 4;
  shape.fmt = RKNN_TENSOR_NCHW;
  const uint32_t dims96[4] = {1, 3, 96, 96};
  std::copy(dims96, dims96 + 4, shape.dims);
  ExpectCode(RKNN_SUCC, [&] { return rknn_set_input_shapes(ctx, 1, &shape); });
  ASSERT_EQ(rknn_query(ctx, RKNN_QUERY_CURRENT_INPUT_ATTR, &attr, sizeof(attr)), RKNN_SUCC);
  EXPECT_TRUE(std::equal(attr.dims, attr.dims + attr.n_dims, range.dyn_range[1]));
  ExpectCode(RKNN_ERR_INPUT_INVALID, [&] { return rknn_run(ctx, nullptr); });  // the 64x64 input belonged to the old set
  std::vector<float> x96 = rknnsim::ReadNpy(Work() + "/input_96.npy").data;
  ASSERT_EQ(SetFloatInput(ctx, x96), RKNN_SUCC);
  EXPECT_EQ(RunFloat(ctx), rknnsim::ReadNpy(Work() + "/cli_dynamic_96/0_output.npy").data);

  // The same set in NHWC dims; a shape no set has; a wrong input count.
  shape.fmt = RKNN_TENSOR_NHWC;
  const uint32_t nhwc96[4] = {1, 96, 96, 3};
  std::copy(nhwc96, nhwc96 + 4, shape.dims);
  ExpectCode(RKNN_SUCC, [&] { return rknn_set_input_shapes(ctx, 1, &shape); });
  shape.dims[1] = shape.dims[2] = 80;
  const std::string err = ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_set_input_shapes(ctx, 1, &shape); });
  EXPECT_NE(err.find("[1,3,64,64], [1,3,96,96]"), std::string::npos) << err;
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_set_input_shapes(ctx, 2, &shape); });
  EXPECT_EQ(rknn_destroy(ctx), RKNN_SUCC);
}

// A model of one shape takes its own shapes and refuses others.
TEST_F(RknnApi, SetInputShapesOnAModelOfOneShape) {
  rknn_tensor_attr shape = Query(RKNN_QUERY_INPUT_ATTR, 0);
  ExpectCode(RKNN_SUCC, [&] { return rknn_set_input_shapes(ctx_, 1, &shape); });
  shape.dims[1] += 1;
  const std::string err = ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_set_input_shapes(ctx_, 1, &shape); });
  EXPECT_NE(err.find("not built with dynamic_input"), std::string::npos) << err;
  rknn_input_range range{};
  ASSERT_EQ(rknn_query(ctx_, RKNN_QUERY_INPUT_DYNAMIC_RANGE, &range, sizeof(range)), RKNN_SUCC);
  EXPECT_EQ(range.shape_number, 1u);
}

TEST_F(RknnApi, CoreMask) {
  ExpectCode(RKNN_SUCC, [&] { return rknn_set_core_mask(ctx_, RKNN_NPU_CORE_0_1_2); });
  ExpectCode(RKNN_SUCC, [&] { return rknn_set_core_mask(ctx_, RKNN_NPU_CORE_AUTO); });
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_set_core_mask(ctx_, static_cast<rknn_core_mask>(8)); });
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return c_set_core_mask(ctx_, 0x7fffffff); });
  ExpectCode(RKNN_ERR_CTX_INVALID, [&] { return rknn_set_core_mask(99, RKNN_NPU_CORE_0); });
}

// On three cores the split model's Concat is divided (WorkLoad shares on cores 1 and 2); the
// outputs stay the CLI's bytes.
TEST(RknnApiRk3588, CoreMaskSplitsWorkWithoutChangingOutputs) {
  rknn_context ctx = 0;
  ASSERT_EQ(rknn_init(&ctx, const_cast<char*>(ModelPath("split_rk3588").c_str()), 0, 0, nullptr), RKNN_SUCC);
  rknnsim::NpyArray input = rknnsim::ReadNpy(Work() + "/split/input.npy");
  ASSERT_EQ(rknn_set_core_mask(ctx, RKNN_NPU_CORE_0_1_2), RKNN_SUCC);
  ASSERT_EQ(SetFloatInput(ctx, input.data), RKNN_SUCC);
  EXPECT_EQ(RunFloat(ctx), rknnsim::ReadNpy(Work() + "/cli_split_rk3588/0_y.npy").data);
  std::string table;
  EXPECT_TRUE(ConcatSplitAcrossCores(ctx, &table)) << table;
  EXPECT_EQ(rknn_destroy(ctx), RKNN_SUCC);
}

// RK3576 has two cores: 0_1 splits work across both (WorkLoad shares on core 1) and keeps the
// CLI's bytes; a third core is refused with the platform's core count.
TEST(RknnApiRk3576, TwoCoreMaskSplitsWorkWithoutChangingOutputs) {
  rknn_context ctx = 0;
  ASSERT_EQ(rknn_init(&ctx, const_cast<char*>(ModelPath("split_rk3576").c_str()), 0, 0, nullptr), RKNN_SUCC);
  rknnsim::NpyArray input = rknnsim::ReadNpy(Work() + "/split/input.npy");
  const std::vector<float> expected = rknnsim::ReadNpy(Work() + "/cli_split_rk3576/0_y.npy").data;
  auto run = [&] {
    EXPECT_EQ(SetFloatInput(ctx, input.data), RKNN_SUCC);
    return RunFloat(ctx);
  };
  EXPECT_EQ(run(), expected);
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_set_core_mask(ctx, RKNN_NPU_CORE_0_1_2); });
  ExpectCode(RKNN_ERR_PARAM_INVALID, [&] { return rknn_set_core_mask(ctx, RKNN_NPU_CORE_2); });
  ASSERT_EQ(rknn_set_core_mask(ctx, RKNN_NPU_CORE_0_1), RKNN_SUCC);
  EXPECT_EQ(run(), expected);
  std::string table;
  EXPECT_TRUE(ConcatSplitAcrossCores(ctx, &table)) << table;
  ASSERT_EQ(rknn_set_core_mask(ctx, RKNN_NPU_CORE_1), RKNN_SUCC);
  EXPECT_EQ(run(), expected);
  EXPECT_EQ(rknn_destroy(ctx), RKNN_SUCC);
}

TEST_F(RknnApi, OnePlatformPerProcess) {
  std::vector<float> x = input_.data;
  ASSERT_EQ(SetFloatInput(ctx_, x), RKNN_SUCC);
  RunFloat(ctx_);  // rk3588 is now elaborated
  rknn_context other = 0;
  const std::string path = ModelPath("int8_rk3566");
  ExpectCode(RKNN_ERR_DEVICE_UNAVAILABLE, [&] { return rknn_init(&other, const_cast<char*>(path.c_str()), 0, 0, nullptr); });
  ASSERT_EQ(rknn_destroy(ctx_), RKNN_SUCC);
  ctx_ = 0;
  ExpectCode(RKNN_ERR_DEVICE_UNAVAILABLE, [&] { return rknn_init(&other, const_cast<char*>(path.c_str()), 0, 0, nullptr); });
}

// The platform a process simulates is fixed by its first run, so this test runs in a fresh copy
// of the test binary (a "threadsafe" death test re-executes it), whatever ran before it here.
void SecondPlatformWhileFirstIsLive() {
  rknn_context a = 0, b = 0;
  if (rknn_init(&a, const_cast<char*>(ModelPath("int8_rk3566").c_str()), 0, 0, nullptr) != RKNN_SUCC) std::exit(1);
  const std::string path = ModelPath("int8_rk3588");
  if (rknn_init(&b, const_cast<char*>(path.c_str()), 0, 0, nullptr) != RKNN_ERR_DEVICE_UNAVAILABLE) std::exit(2);
  rknn_destroy(a);
  // Nothing was simulated yet: with the rk3566 context gone, rk3588 may take the process.
  if (rknn_init(&b, const_cast<char*>(path.c_str()), 0, 0, nullptr) != RKNN_SUCC) std::exit(3);
  rknn_destroy(b);
  std::exit(0);
}

TEST(RknnApiPlatform, SecondPlatformWhileFirstIsLive) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(SecondPlatformWhileFirstIsLive(), testing::ExitedWithCode(0),
              "E RKNN: this process already simulates platform 'rk356x'; SystemC allows one platform per process");
}

}  // namespace
