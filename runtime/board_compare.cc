#include "runtime/board_compare.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <spdlog/fmt/fmt.h>

#include "common/error.h"
#include "compiler/quant/arithmetic.h"
#include "runtime/accuracy_analysis.h"

namespace rknnsim::runtime {
namespace {

// One fp16 ULP relative to the value: the board and the simulator round fp16 results alike, so
// more than that is a real difference.
constexpr double kFp16Rtol = 1.0 / 1024;

std::string ShapeText(const ir::Shape& shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

std::string Quoted(const std::string& name) { return "'" + name + "'"; }

std::string AcceptedDtypes(const SimTensor& sim) {
  return sim.int8 ? "float32/float16 (want_float=1) or int8/uint8 (raw, want_float=0)"
                  : "float32 or float16 (this tensor is fp16 in the model)";
}

// Values within a few float32 ULPs count as equal: the board dequantizes with its own float
// arithmetic, which may round (q - zp) * scale differently in the last bit.
bool WithinTolerance(double sim, double board, double atol, double rtol) {
  const double diff = std::fabs(sim - board);
  const double slack = 4 * FLT_EPSILON * std::max(std::fabs(sim), std::fabs(board));
  return diff <= atol + rtol * std::fabs(sim) + slack;  // false for NaN
}

nlohmann::json Number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json ComparisonToJson(const TensorComparison& c) {
  nlohmann::json j = {{"name", c.name},
                      {"file", c.file},
                      {"shape", c.shape},
                      {"dump_dtype", c.dump_dtype},
                      {"model_dtype", c.model_dtype},
                      {"cosine", Number(c.cosine)},
                      {"max_abs_diff", Number(c.max_abs_diff)},
                      {"mismatches", c.mismatches},
                      {"elements", c.elements},
                      {"allowed_mismatches", c.allowed_mismatches},
                      {"atol", c.atol},
                      {"rtol", c.rtol},
                      {"pass", c.pass()},
                      {"failed", c.failed}};
  if (c.index >= 0) j["index"] = c.index;
  if (c.model_dtype == "int8") j["scale"] = c.scale, j["zero_point"] = c.zero_point;
  j["first_mismatch"] = c.first_mismatch < 0 ? nlohmann::json(nullptr)
                                             : nlohmann::json{{"index", c.first_mismatch},
                                                              {"simulator", Number(c.first_mismatch_sim)},
                                                              {"board", Number(c.first_mismatch_board)}};
  return j;
}

std::string RowName(const TensorComparison& c) { return c.index >= 0 ? std::to_string(c.index) + " " + c.name : c.name; }

std::string Row(const TensorComparison& c, const char* kind, size_t name_width) {
  std::string verdict = c.pass() ? "PASS" : "FAIL";
  for (size_t i = 0; i < c.failed.size(); ++i) verdict += (i ? "," : " (") + c.failed[i];
  if (!c.pass()) verdict += ")";
  return fmt::format("{:<7} {:<{}} {:<16} {:<8} {:<9.6f} {:<12.6g} {:<18} {}\n", kind, RowName(c), name_width,
                     ShapeText(c.shape), c.dump_dtype, c.cosine, c.max_abs_diff,
                     std::to_string(c.mismatches) + "/" + std::to_string(c.elements), verdict);
}

std::string ToleranceText(const CompareThresholds& t) {
  if (!t.atol && !t.rtol) return "1 LSB of int8 tensors, 1 ULP of fp16 ones";
  auto value = [](const std::optional<double>& v) { return v ? fmt::format("{:g}", *v) : std::string("default"); };
  return fmt::format("atol {} + rtol {} * |sim|", value(t.atol), value(t.rtol));
}

}  // namespace

uint64_t MismatchLimit::AllowedOf(uint64_t elements) const {
  if (!percent) return static_cast<uint64_t>(value);
  // value * elements first: 57% of 100 is exactly 57, where 57 / 100 * 100 rounds to 56.99...
  return static_cast<uint64_t>(std::floor(value * static_cast<double>(elements) / 100.0));
}

std::string MismatchLimit::ToString() const {
  return percent ? fmt::format("{:g}%", value) : std::to_string(static_cast<uint64_t>(value));
}

MismatchLimit ParseMismatchLimit(const std::string& text) {
  const Error bad("--max-mismatch '" + text + "' is neither a count nor a percentage",
                  "give a number of elements (e.g. 10) or a share of each tensor's elements (e.g. 0.1%)");
  MismatchLimit limit;
  limit.percent = !text.empty() && text.back() == '%';
  const std::string number = limit.percent ? text.substr(0, text.size() - 1) : text;
  if (number.empty()) throw bad;
  size_t used = 0;
  try {
    limit.value = std::stod(number, &used);
  } catch (const std::exception&) {
    throw bad;
  }
  const bool integer = number.find_first_not_of("0123456789") == std::string::npos;
  if (used != number.size() || !(limit.value >= 0) || limit.value > 1e15 || (limit.percent ? limit.value > 100 : !integer)) throw bad;
  return limit;
}

bool CompareReport::pass() const {
  for (const auto* list : {&outputs, &layers})
    for (const TensorComparison& c : *list)
      if (!c.pass()) return false;
  return true;
}

std::vector<float> BoardValues(const SimTensor& sim, const NpyArray& dump, const std::string& dump_file) {
  const bool is_float = dump.dtype == "float32" || dump.dtype == "float16";
  const bool is_raw_int8 = sim.int8 && (dump.dtype == "int8" || dump.dtype == "uint8");
  if (!is_float && !is_raw_int8)
    throw Error("board dump '" + dump_file + "' for " + Quoted(sim.name) + " has dtype " + dump.dtype + ", expected " +
                    AcceptedDtypes(sim),
                "save the board's outputs as they come from rknn_outputs_get");
  if (dump.shape != sim.shape)
    throw Error("board dump '" + dump_file + "' for " + Quoted(sim.name) + " has shape " + ShapeText(dump.shape) +
                    ", expected " + ShapeText(sim.shape),
                "dump the whole tensor in NCHW order, batch included");
  if (is_float) return dump.data;
  std::vector<float> values(dump.data.size());
  for (size_t i = 0; i < values.size(); ++i) {
    // uint8 dumps hold the int8 bytes: 255 is -1.
    const int raw = static_cast<int>(dump.data[i]);
    const int8_t q = static_cast<int8_t>(dump.dtype == "uint8" && raw > 127 ? raw - 256 : raw);
    values[i] = quant::DequantizeValue(q, sim.scale, sim.zero_point);
  }
  return values;
}

TensorComparison CompareWithBoard(const SimTensor& sim, const NpyArray& dump, const std::string& dump_file,
                                  const CompareThresholds& t) {
  const std::vector<float> board = BoardValues(sim, dump, dump_file);
  if (sim.values.size() != board.size())
    throw std::logic_error("simulated '" + sim.name + "' has " + std::to_string(sim.values.size()) +
                           " values for shape " + ShapeText(sim.shape));
  TensorComparison c;
  c.name = sim.name;
  c.file = dump_file;
  c.shape = sim.shape;
  c.dump_dtype = dump.dtype;
  c.model_dtype = sim.int8 ? "int8" : "float16";
  c.scale = sim.scale;
  c.zero_point = sim.zero_point;
  c.elements = board.size();
  c.atol = t.atol.value_or(sim.int8 ? static_cast<double>(sim.scale) : 0.0);
  c.rtol = t.rtol.value_or(sim.int8 ? 0.0 : kFp16Rtol);
  c.allowed_mismatches = t.max_mismatch.AllowedOf(c.elements);
  bool finite = true;
  for (size_t i = 0; i < board.size(); ++i) {
    const double diff = std::fabs(static_cast<double>(sim.values[i]) - board[i]);
    finite = finite && std::isfinite(diff);
    c.max_abs_diff = std::isfinite(diff) ? std::max(c.max_abs_diff, diff) : std::numeric_limits<double>::infinity();
    if (WithinTolerance(sim.values[i], board[i], c.atol, c.rtol)) continue;
    if (c.mismatches++ == 0) {
      c.first_mismatch = static_cast<int64_t>(i);
      c.first_mismatch_sim = sim.values[i];
      c.first_mismatch_board = board[i];
    }
  }
  c.cosine = finite ? CompareTensors(sim.values, board).cosine : std::numeric_limits<double>::quiet_NaN();
  if (!(c.cosine >= t.min_cosine)) c.failed.push_back("cosine");
  if (t.max_abs_diff && !(c.max_abs_diff <= *t.max_abs_diff)) c.failed.push_back("max_abs_diff");
  if (c.mismatches > c.allowed_mismatches) c.failed.push_back("mismatches");
  return c;
}

std::string FormatCompareTable(const CompareReport& r) {
  const CompareThresholds& t = r.thresholds;
  std::string out = fmt::format("Compare: {} ({}) simulated vs board dumps in {}\n", r.model, r.target, r.board_dir);
  out += fmt::format("Thresholds: cosine >= {:g}, max abs diff {}, mismatches <= {} (|sim - board| > {})\n",
                     t.min_cosine, t.max_abs_diff ? fmt::format("<= {:g}", *t.max_abs_diff) : "not checked",
                     t.max_mismatch.ToString(), ToleranceText(t));
  size_t name_width = 24;
  for (const auto* list : {&r.outputs, &r.layers})
    for (const TensorComparison& c : *list) name_width = std::max(name_width, RowName(c).size());
  out += fmt::format("{:<7} {:<{}} {:<16} {:<8} {:<9} {:<12} {:<18} {}\n", "Kind", "Name", name_width, "Shape", "Dump",
                     "Cosine", "MaxAbsDiff", "Mismatch/Total", "Result");
  for (const TensorComparison& c : r.outputs) out += Row(c, "output", name_width);
  for (const TensorComparison& c : r.layers) out += Row(c, "layer", name_width);
  size_t failed = 0;
  for (const auto* list : {&r.outputs, &r.layers})
    for (const TensorComparison& c : *list) failed += !c.pass();
  out += r.pass() ? fmt::format("PASS: {} output(s), {} layer tensor(s) within thresholds\n", r.outputs.size(),
                                r.layers.size())
                  : fmt::format("FAIL: {} of {} tensor(s) crossed a threshold\n", failed,
                                r.outputs.size() + r.layers.size());
  return out;
}

nlohmann::json CompareToJson(const CompareReport& r) {
  const CompareThresholds& t = r.thresholds;
  nlohmann::json outputs = nlohmann::json::array(), layers = nlohmann::json::array();
  for (const TensorComparison& c : r.outputs) outputs.push_back(ComparisonToJson(c));
  for (const TensorComparison& c : r.layers) layers.push_back(ComparisonToJson(c));
  return {{"model", r.model},
          {"target", r.target},
          {"inputs_dir", r.inputs_dir},
          {"board_dir", r.board_dir},
          {"thresholds",
           {{"min_cosine", t.min_cosine},
            {"max_abs_diff", t.max_abs_diff ? nlohmann::json(*t.max_abs_diff) : nlohmann::json(nullptr)},
            {"atol", t.atol ? nlohmann::json(*t.atol) : nlohmann::json(nullptr)},
            {"rtol", t.rtol ? nlohmann::json(*t.rtol) : nlohmann::json(nullptr)},
            {"max_mismatch", t.max_mismatch.ToString()}}},
          {"outputs", outputs},
          {"layers", layers},
          {"ignored_files", r.ignored_files},
          {"pass", r.pass()}};
}

}  // namespace rknnsim::runtime
