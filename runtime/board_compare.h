// Board regression check (`rknn-sim compare`): the simulator's tensors against tensors dumped on
// a board, element by element, with thresholds a CI job can gate on.
//
// A board dump is a .npy of the tensor's NCHW shape (batch included), either float (float32 as
// rknn_outputs_get(want_float=1) returns it, or float16) compared as it is, or the raw int8
// elements (want_float=0), dequantized with the tensor's scale and zero point from the compiled
// model. A uint8 dump holds the same raw bytes (e.g. np.frombuffer(buf, np.uint8)): each byte is
// read as the int8 two's complement value. Raw dumps of fp16 tensors are float16.
//
// An element mismatches when |sim - board| > atol + rtol * |sim| (NaN and inf always mismatch;
// a few float32 ULPs of slack absorb the board's own rounding when it dequantizes). Defaults:
// int8 tensors atol = one quantization step (scale), rtol = 0; fp16 tensors atol = 0,
// rtol = 2^-10 (one fp16 ULP). Cosine is CompareTensors' (runtime/accuracy_analysis.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/npy.h"
#include "compiler/ir/tensor.h"

namespace rknnsim::runtime {

// One simulated tensor, as the board would hold it.
struct SimTensor {
  std::string name;
  ir::Shape shape;             // NCHW, batch included
  bool int8 = true;            // int8 (raw dumps are int8/uint8) or fp16 (raw dumps are float16)
  float scale = 1.0f;          // int8 quantization: real = scale * (q - zero_point)
  int32_t zero_point = 0;
  std::vector<float> values;   // the simulator's values, dequantized
};

// --max-mismatch: a count of elements ("10") or a share of the tensor's elements ("0.5%").
struct MismatchLimit {
  double value = 0;
  bool percent = false;
  uint64_t AllowedOf(uint64_t elements) const;
  std::string ToString() const;
};
// Throws Error for anything but a non-negative integer or a percentage in [0, 100].
MismatchLimit ParseMismatchLimit(const std::string& text);

struct CompareThresholds {
  double min_cosine = 0.999;
  std::optional<double> max_abs_diff;  // off unless given
  std::optional<double> atol, rtol;    // per-tensor defaults (above) unless given
  MismatchLimit max_mismatch;          // 0: every element within tolerance
};

struct TensorComparison {
  std::string name;
  int index = -1;  // output index; -1 for internal tensors
  std::string file;
  ir::Shape shape;
  std::string dump_dtype;   // the .npy's dtype ("float32", "int8", ...)
  std::string model_dtype;  // "int8" or "float16"
  float scale = 1.0f;
  int32_t zero_point = 0;
  double cosine = 1.0;      // NaN when the dump holds NaN or inf
  double max_abs_diff = 0;  // inf when the dump holds NaN or inf
  uint64_t mismatches = 0, elements = 0, allowed_mismatches = 0;
  double atol = 0, rtol = 0;
  int64_t first_mismatch = -1;  // flat NCHW index, -1 when none
  float first_mismatch_sim = 0, first_mismatch_board = 0;
  std::vector<std::string> failed;  // crossed thresholds: "cosine", "max_abs_diff", "mismatches"
  bool pass() const { return failed.empty(); }
};

struct CompareReport {
  std::string model, target, inputs_dir, board_dir;
  CompareThresholds thresholds;
  std::vector<TensorComparison> outputs;  // model output order
  std::vector<TensorComparison> layers;   // internal tensors the board dir has dumps of
  std::vector<std::string> ignored_files;  // .npy files of the board dir that name no tensor
  bool pass() const;
};

// The dump's values as floats comparable with `sim.values`. Throws Error naming `dump_file`, the
// expected and the found shape or dtype when the dump cannot be this tensor's.
std::vector<float> BoardValues(const SimTensor& sim, const NpyArray& dump, const std::string& dump_file);

TensorComparison CompareWithBoard(const SimTensor& sim, const NpyArray& dump, const std::string& dump_file,
                                  const CompareThresholds& thresholds);

// One row per tensor (name, shape, dump dtype, cosine, max abs diff, mismatches / total, PASS or
// FAIL with the crossed thresholds), then a verdict line.
std::string FormatCompareTable(const CompareReport& report);
nlohmann::json CompareToJson(const CompareReport& report);

}  // namespace rknnsim::runtime
