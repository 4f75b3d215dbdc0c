// ONNX backend conformance: runs ONNX's own node test cases (Debian package libonnx-testdata)
// through the ONNX importer and the float32 reference executor, and compares every output with
// the expected tensors shipped with the case. The cases to run are listed, one per line, in
// tests/conformance/*.txt (see tests/conformance/README.md).
//
// Environment overrides:
//   RKNN_SIM_ONNX_TESTDATA     data root (default /usr/include/onnx/backend/test/data)
//   RKNN_SIM_CONFORMANCE_LISTS colon-separated list files to use instead of tests/conformance/*.txt
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "common/error.h"
#include "common/fp16.h"
#include "compiler/frontend/onnx_importer.h"
#include "compiler/ops/op_def.h"
#include "compiler/ir/graph.h"
#include "compiler/reference/float_executor.h"

namespace rknnsim {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDefaultDataRoot = "/usr/include/onnx/backend/test/data";
// Searched in this order for a case directory.
constexpr const char* kCaseKinds[] = {"node", "pytorch-converted", "pytorch-operator"};

constexpr double kAtol = 1e-5;
constexpr double kRtol = 1e-4;
constexpr double kRtolTranscendental = 1e-3;

// One listed case: which list file, the case directory name, optional tolerance overrides.
struct Case {
  std::string list;                 // list file stem ("foundation")
  std::string name;                 // "test_conv_with_strides_padding"
  double atol = -1;                 // < 0: default
  double rtol = -1;                 // < 0: default by op type
  std::set<std::string> constants;  // graph inputs to freeze as initializers (const=a,b)
  std::string where;                // "foundation.txt:12"
};

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

fs::path DataRoot() { return EnvOr("RKNN_SIM_ONNX_TESTDATA", kDefaultDataRoot); }

std::vector<fs::path> ListFiles() {
  std::vector<fs::path> files;
  const std::string env = EnvOr("RKNN_SIM_CONFORMANCE_LISTS", "");
  if (!env.empty()) {
    std::stringstream ss(env);
    std::string item;
    while (std::getline(ss, item, ':'))
      if (!item.empty()) files.emplace_back(item);
    return files;
  }
  const fs::path dir = fs::path(RKNN_SIM_SOURCE_DIR) / "tests" / "conformance";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".txt") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

// Problems found while reading the lists (bad lines, duplicates); reported by ConformanceLists.Valid.
std::vector<std::string>& ListProblems() {
  static std::vector<std::string> problems;
  return problems;
}

// Each line: `case_name [atol=X] [rtol=Y] [const=in1,in2]`; '#' starts a comment, blank lines are
// ignored.
std::vector<Case> ReadCases() {
  std::vector<Case> cases;
  std::map<std::string, std::string> seen;  // case name → where first listed
  for (const fs::path& file : ListFiles()) {
    std::ifstream in(file);
    if (!in) {
      ListProblems().push_back("cannot read list file " + file.string());
      continue;
    }
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      const size_t hash = line.find('#');
      if (hash != std::string::npos) line.resize(hash);
      std::stringstream words(line);
      std::string word;
      Case c;
      c.list = file.stem().string();
      c.where = file.filename().string() + ":" + std::to_string(line_no);
      bool bad = false;
      while (words >> word) {
        if (c.name.empty()) {
          c.name = word;
          for (char ch : word)
            if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') bad = true;
        } else if (word.rfind("atol=", 0) == 0 || word.rfind("rtol=", 0) == 0) {
          char* end = nullptr;
          const double v = std::strtod(word.c_str() + 5, &end);
          if (*end != '\0' || !(v >= 0)) bad = true;
          (word[0] == 'a' ? c.atol : c.rtol) = v;
        } else if (word.rfind("const=", 0) == 0) {
          std::stringstream names(word.substr(6));
          std::string n;
          while (std::getline(names, n, ','))
            if (!n.empty()) c.constants.insert(n);
          if (c.constants.empty()) bad = true;
        } else {
          bad = true;
        }
      }
      if (c.name.empty()) continue;
      if (bad) {
        ListProblems().push_back(c.where + ": cannot parse '" + line +
                                 "' (expected: case_name [atol=X] [rtol=Y] [const=in1,in2])");
        continue;
      }
      auto [it, inserted] = seen.emplace(c.name, c.where);
      if (!inserted) {
        ListProblems().push_back(c.where + ": '" + c.name + "' is already listed at " + it->second);
        continue;
      }
      cases.push_back(c);
    }
  }
  return cases;
}

const std::vector<Case>& AllCases() {
  static const std::vector<Case> cases = ReadCases();
  return cases;
}

// Ops whose float results legitimately differ in the last bits between libm implementations.
bool IsTranscendental(const std::string& case_name) {
  static const std::set<std::string> kOps = {
      "exp",  "log",   "pow",   "erf",   "tanh",    "sigmoid",     "softplus",   "softsign",
      "elu",  "selu",  "celu",  "gelu",  "softmax", "logsoftmax",  "softmin",    "hardswish",
      "mish", "sin",   "cos",   "tan",   "sinh",    "cosh",        "asin",       "acos",
      "atan", "asinh", "acosh", "atanh", "lrn",     "hardsigmoid", "reciprocal", "sqrt"};
  std::string lower;
  for (char ch : case_name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::stringstream ss(lower);
  std::string token;
  while (std::getline(ss, token, '_'))
    if (kOps.count(token)) return true;
  return false;
}

// The case directory under node/, pytorch-converted/ or pytorch-operator/; empty when absent.
fs::path FindCaseDir(const std::string& name) {
  for (const char* kind : kCaseKinds) {
    const fs::path dir = DataRoot() / kind / name;
    if (fs::is_regular_file(dir / "model.onnx")) return dir;
  }
  return {};
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// test_data_set_0, test_data_set_1, ... in numeric order.
std::vector<fs::path> DataSets(const fs::path& case_dir) {
  std::vector<std::pair<int, fs::path>> sets;
  for (const auto& entry : fs::directory_iterator(case_dir)) {
    const std::string n = entry.path().filename().string();
    const std::string prefix = "test_data_set_";
    if (entry.is_directory() && n.rfind(prefix, 0) == 0)
      sets.emplace_back(std::atoi(n.c_str() + prefix.size()), entry.path());
  }
  std::sort(sets.begin(), sets.end());
  std::vector<fs::path> out;
  for (auto& s : sets) out.push_back(s.second);
  return out;
}

// input_0.pb, input_1.pb, ... (or output_K.pb) until the first missing index.
std::vector<fs::path> NumberedFiles(const fs::path& dir, const std::string& stem) {
  std::vector<fs::path> out;
  for (int k = 0;; ++k) {
    const fs::path p = dir / (stem + "_" + std::to_string(k) + ".pb");
    if (!fs::is_regular_file(p)) break;
    out.push_back(p);
  }
  return out;
}

onnx::TensorProto ReadTensor(const fs::path& path) {
  onnx::TensorProto t;
  const std::string bytes = ReadFile(path);
  if (!t.ParseFromString(bytes)) throw Error(path.string() + ": not a serialized onnx::TensorProto");
  return t;
}

int64_t ElementCount(const onnx::TensorProto& t, const std::string& what) {
  int64_t n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || (d > 0 && n > (int64_t{1} << 32) / d)) throw Error(what + ": invalid dims");
    n *= d;
  }
  return n;
}

template <typename T, typename Repeated>
std::vector<float> Convert(const onnx::TensorProto& t, const Repeated& typed, int64_t count, const std::string& what) {
  std::vector<float> out(static_cast<size_t>(count));
  if (t.has_raw_data()) {
    const std::string& raw = t.raw_data();
    if (raw.size() != static_cast<size_t>(count) * sizeof(T))
      throw Error(what + ": raw_data holds " + std::to_string(raw.size()) + " bytes, shape needs " +
                  std::to_string(count * static_cast<int64_t>(sizeof(T))));
    for (int64_t i = 0; i < count; ++i) {
      T v;
      std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
      out[static_cast<size_t>(i)] = static_cast<float>(v);
    }
    return out;
  }
  if (typed.size() != count)
    throw Error(what + ": holds " + std::to_string(typed.size()) + " values, shape needs " + std::to_string(count));
  for (int64_t i = 0; i < count; ++i) out[static_cast<size_t>(i)] = static_cast<float>(typed.Get(static_cast<int>(i)));
  return out;
}

// Any numeric element type as float32 values (integers and bools are exact up to 2^24).
std::vector<float> ToFloat(const onnx::TensorProto& t, const std::string& what) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL) throw Error(what + ": external data is not supported");
  const int64_t n = ElementCount(t, what);
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT: return Convert<float>(t, t.float_data(), n, what);
    case onnx::TensorProto::DOUBLE: return Convert<double>(t, t.double_data(), n, what);
    case onnx::TensorProto::INT32: return Convert<int32_t>(t, t.int32_data(), n, what);
    case onnx::TensorProto::INT64: return Convert<int64_t>(t, t.int64_data(), n, what);
    case onnx::TensorProto::INT8: return Convert<int8_t>(t, t.int32_data(), n, what);
    case onnx::TensorProto::UINT8: return Convert<uint8_t>(t, t.int32_data(), n, what);
    case onnx::TensorProto::BOOL: return Convert<uint8_t>(t, t.int32_data(), n, what);
    case onnx::TensorProto::INT16: return Convert<int16_t>(t, t.int32_data(), n, what);
    case onnx::TensorProto::UINT16: return Convert<uint16_t>(t, t.int32_data(), n, what);
    case onnx::TensorProto::UINT32: return Convert<uint32_t>(t, t.uint64_data(), n, what);
    case onnx::TensorProto::UINT64: return Convert<uint64_t>(t, t.uint64_data(), n, what);
    case onnx::TensorProto::BFLOAT16: {  // the upper half of a float32
      std::vector<float> bits = Convert<uint16_t>(t, t.int32_data(), n, what);
      for (float& v : bits) {
        const uint32_t u = static_cast<uint32_t>(v) << 16;
        std::memcpy(&v, &u, sizeof(v));
      }
      return bits;
    }
    case onnx::TensorProto::FLOAT16: {  // typed form: the bits in int32_data
      std::vector<float> bits = Convert<uint16_t>(t, t.int32_data(), n, what);
      for (float& v : bits) v = HalfBitsToFloat(static_cast<uint16_t>(v));
      return bits;
    }
    default:
      throw Error(what + ": element type " +
                  onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(t.data_type())) +
                  " is not supported by the harness");
  }
}

std::string DimsToString(const std::vector<int64_t>& dims) {
  std::string s = "(";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "," : "") + std::to_string(dims[i]);
  return s + ")";
}

// Non-initializer graph inputs of the model, in order (they pair with input_K.pb).
std::vector<const onnx::ValueInfoProto*> RuntimeInputs(const onnx::GraphProto& g) {
  std::set<std::string> inits;
  for (const auto& t : g.initializer()) inits.insert(t.name());
  std::vector<const onnx::ValueInfoProto*> out;
  for (const auto& in : g.input())
    if (!inits.count(in.name())) out.push_back(&in);
  return out;
}

bool IsIntegerIndexType(const onnx::ValueInfoProto& v) {
  if (!v.type().has_tensor_type()) return false;
  const int e = v.type().tensor_type().elem_type();
  return e == onnx::TensorProto::INT64 || e == onnx::TensorProto::INT32;
}

// Runs one test_data_set; returns "" on success, otherwise a description of the first problem.
std::string RunDataSet(const Case& c, const fs::path& case_dir, const fs::path& set_dir) {
  const std::string tag = c.name + "/" + set_dir.filename().string();
  onnx::ModelProto model;
  if (!model.ParseFromString(ReadFile(case_dir / "model.onnx"))) return tag + ": cannot parse model.onnx";

  const std::vector<fs::path> input_files = NumberedFiles(set_dir, "input");
  const std::vector<fs::path> output_files = NumberedFiles(set_dir, "output");
  const std::vector<const onnx::ValueInfoProto*> runtime_inputs = RuntimeInputs(model.graph());
  if (input_files.size() != runtime_inputs.size())
    return tag + ": " + std::to_string(input_files.size()) + " input_K.pb file(s) for " +
           std::to_string(runtime_inputs.size()) + " graph input(s)";

  // int32/int64 graph inputs (shapes, axes, indices, pads, ...) and the inputs the list names with
  // const= (e.g. Gemm's B, Clip's min/max) become initializers holding this data set's values: the
  // compiler only takes static graphs, as the RKNN toolkit does.
  // When every input is an integer, the first one (the data, by ONNX convention) stays an input.
  const bool all_integer = std::all_of(runtime_inputs.begin(), runtime_inputs.end(),
                                       [](const onnx::ValueInfoProto* v) { return IsIntegerIndexType(*v); });
  std::map<std::string, std::pair<std::vector<int64_t>, std::vector<float>>> feeds;  // name → dims, values
  std::vector<onnx::TensorProto> baked;
  for (const std::string& name : c.constants)
    if (std::none_of(runtime_inputs.begin(), runtime_inputs.end(),
                     [&](const onnx::ValueInfoProto* v) { return v->name() == name; }))
      return tag + ": const=" + name + " names no graph input";
  for (size_t k = 0; k < input_files.size(); ++k) {
    const onnx::ValueInfoProto& vi = *runtime_inputs[k];
    if (!vi.type().has_tensor_type())
      return tag + ": graph input '" + vi.name() + "' is not a tensor (sequence/optional/map inputs are not supported)";
    onnx::TensorProto t = ReadTensor(input_files[k]);
    if ((IsIntegerIndexType(vi) && !(all_integer && k == 0)) || c.constants.count(vi.name())) {
      t.set_name(vi.name());
      baked.push_back(t);
    } else {
      feeds[vi.name()] = {std::vector<int64_t>(t.dims().begin(), t.dims().end()),
                          ToFloat(t, tag + "/" + input_files[k].filename().string())};
    }
  }
  for (auto& t : baked) *model.mutable_graph()->add_initializer() = std::move(t);

  std::string bytes;
  if (!model.SerializeToString(&bytes)) return tag + ": cannot re-serialize the model";
  const ir::Graph graph = frontend::ImportOnnxBytes(bytes, (case_dir / "model.onnx").string());

  std::vector<std::vector<float>> inputs;
  for (int id : graph.inputs()) {
    const ir::Tensor& t = graph.tensor(id);
    auto it = feeds.find(t.name);
    if (it == feeds.end()) return tag + ": no input data for graph input '" + t.name + "'";
    if (it->second.first != t.shape)
      return tag + ": input '" + t.name + "' has dims " + DimsToString(it->second.first) + ", the graph input " +
             DimsToString(t.shape);
    inputs.push_back(it->second.second);
  }
  const std::vector<std::vector<float>> actual = reference::RunFloat(graph, inputs);

  if (output_files.size() != graph.outputs().size())
    return tag + ": " + std::to_string(output_files.size()) + " output_K.pb file(s) for " +
           std::to_string(graph.outputs().size()) + " graph output(s)";
  const double rtol = c.rtol >= 0 ? c.rtol : (IsTranscendental(c.name) ? kRtolTranscendental : kRtol);
  const double atol = c.atol >= 0 ? c.atol : kAtol;
  for (size_t k = 0; k < output_files.size(); ++k) {
    const std::string what = tag + " output " + std::to_string(k);
    onnx::TensorProto et = ReadTensor(output_files[k]);
    // ONNX 1.12's test data stores expected bfloat16 outputs as their uint16 bit patterns.
    const auto& declared = model.graph().output(static_cast<int>(k)).type();
    if (et.data_type() == onnx::TensorProto::UINT16 && declared.has_tensor_type() &&
        declared.tensor_type().elem_type() == onnx::TensorProto::BFLOAT16)
      et.set_data_type(onnx::TensorProto::BFLOAT16);
    const std::vector<float> expected = ToFloat(et, what);
    const std::vector<int64_t> edims(et.dims().begin(), et.dims().end());
    const ir::Tensor& ot = graph.tensor(graph.outputs()[k]);
    if (edims != ot.shape)
      return what + " ('" + ot.name + "'): IR shape " + DimsToString(ot.shape) + ", expected " + DimsToString(edims);
    if (actual[k].size() != expected.size())
      return what + " ('" + ot.name + "'): executor produced " + std::to_string(actual[k].size()) +
             " values, expected " + std::to_string(expected.size());
    size_t mismatches = 0, first = 0;
    double max_err = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
      const double e = expected[i], a = actual[k][i];
      bool ok;
      if (std::isnan(e) || std::isnan(a))
        ok = std::isnan(e) && std::isnan(a);
      else if (e == a)
        ok = true;  // also equal infinities
      else
        ok = std::isfinite(e) && std::isfinite(a) && std::fabs(a - e) <= atol + rtol * std::fabs(e);
      if (!ok) {
        if (mismatches++ == 0) first = i;
        if (std::isfinite(e) && std::isfinite(a)) max_err = std::max(max_err, std::fabs(a - e));
      }
    }
    if (mismatches) {
      std::ostringstream msg;
      msg.precision(9);
      msg << what << " ('" << ot.name << "' " << DimsToString(ot.shape) << "): " << mismatches << " of "
          << expected.size() << " values differ (atol " << atol << ", rtol " << rtol << "); first at index " << first
          << ": expected " << expected[first] << ", actual " << actual[k][first] << "; max abs error " << max_err;
      return msg.str();
    }
  }
  return "";
}

// Every test_data_set of a case in turn: "" when all pass, else the first problem; *threw tells
// whether it was an exception (a refusal) rather than wrong values.
std::string RunCase(const Case& c, const fs::path& dir, bool* threw) {
  *threw = false;
  for (const fs::path& set : DataSets(dir)) {
    std::string problem;
    try {
      problem = RunDataSet(c, dir, set);
    } catch (const std::exception& e) {
      problem = c.name + "/" + set.filename().string() + ": " + e.what();
      *threw = true;
    }
    if (!problem.empty()) return problem;
  }
  return "";
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.where << " " << c.name; }

class Conformance : public ::testing::TestWithParam<Case> {};

TEST_P(Conformance, Case) {
  const Case& c = GetParam();
  if (!fs::is_directory(DataRoot()))
    GTEST_SKIP() << "ONNX backend test data not found at " << DataRoot().string()
                 << " (install the Debian package libonnx-testdata, or set RKNN_SIM_ONNX_TESTDATA)";
  const fs::path dir = FindCaseDir(c.name);
  ASSERT_FALSE(dir.empty()) << c.where << ": case '" << c.name << "' not found under " << DataRoot().string()
                            << "/{node,pytorch-converted,pytorch-operator}";
  ASSERT_FALSE(DataSets(dir).empty()) << c.name << ": no test_data_set_N directory in " << dir.string();
  bool threw = false;
  const std::string problem = RunCase(c, dir, &threw);
  if (!problem.empty()) ADD_FAILURE() << "[" << c.where << "] " << problem;
}

std::string CaseTestName(const ::testing::TestParamInfo<Case>& info) {
  std::string name = info.param.list + "_" + info.param.name;
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Onnx, Conformance, ::testing::ValuesIn(AllCases()), CaseTestName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Conformance);

// Every case of the three folders, listed or not, in three classes: pass, mismatch (runs, wrong
// values or shapes) and refused (a clear rknnsim::Error or another exception). The table goes to
// the test log by class and operator. In scope: every operator in the op table (docs/operators.md)
// and every graph input float32 of at most 4 dimensions. Fails when the in-scope passes fall below
// the count measured when the floor was last raised (raise it, never lower it).
constexpr int kMinInScopePasses = 342;

struct SweepRow {
  int pass = 0, mismatch = 0, refused = 0;
};

bool InScope(const onnx::ModelProto& model) {
  for (const onnx::NodeProto& n : model.graph().node())
    if ((!n.domain().empty() && n.domain() != "ai.onnx") || !ops::FindOnnxOp(n.op_type())) return false;
  for (const onnx::ValueInfoProto* v : RuntimeInputs(model.graph())) {
    if (!v->type().has_tensor_type() || v->type().tensor_type().elem_type() != onnx::TensorProto::FLOAT) return false;
    if (v->type().tensor_type().shape().dim_size() > 4) return false;
  }
  return true;
}

TEST(ConformanceSweep, EveryCaseOfTheThreeFolders) {
  if (!fs::is_directory(DataRoot())) GTEST_SKIP() << "ONNX backend test data not found at " << DataRoot().string();
  std::map<std::string, SweepRow> by_op;  // the case's first operator (or "mixed")
  SweepRow all, scope;
  std::map<std::string, std::string> mismatches, refusals;  // in scope: case -> why
  for (const char* kind : kCaseKinds) {
    const fs::path folder = DataRoot() / kind;
    if (!fs::is_directory(folder)) continue;
    std::vector<fs::path> cases;
    for (const auto& e : fs::directory_iterator(folder))
      if (e.is_directory()) cases.push_back(e.path());
    std::sort(cases.begin(), cases.end());
    for (const fs::path& dir : cases) {
      onnx::ModelProto model;
      if (!model.ParseFromString(ReadFile(dir / "model.onnx"))) continue;
      std::set<std::string> types;
      for (const onnx::NodeProto& n : model.graph().node()) types.insert(n.op_type());
      const std::string op = types.size() == 1 ? *types.begin() : "mixed";
      Case c;
      c.name = dir.filename().string();
      bool refused = false;
      const std::string problem = RunCase(c, dir, &refused);
      const bool in_scope = InScope(model);
      for (SweepRow* row : {&all, &by_op[op], in_scope ? &scope : nullptr}) {
        if (!row) continue;
        if (problem.empty()) ++row->pass;
        else if (refused) ++row->refused;
        else ++row->mismatch;
      }
      if (!problem.empty() && in_scope) (refused ? refusals : mismatches)[std::string(kind) + "/" + c.name] = problem;
    }
  }
  std::ostringstream table;
  table << "class     pass mismatch refused\n";
  table << "all       " << all.pass << " " << all.mismatch << " " << all.refused << "\n";
  table << "in scope  " << scope.pass << " " << scope.mismatch << " " << scope.refused << " ("
        << (scope.pass + scope.mismatch + scope.refused ? 100.0 * scope.pass / (scope.pass + scope.mismatch + scope.refused) : 0)
        << "% pass)\n";
  for (const auto& [op, row] : by_op) table << "  " << op << " " << row.pass << " " << row.mismatch << " " << row.refused << "\n";
  for (const auto& [name, why] : mismatches) table << "mismatch " << name << ": " << why << "\n";
  for (const auto& [name, why] : refusals) table << "refused " << name << ": " << why << "\n";
  std::cout << table.str();
  EXPECT_GE(scope.pass, kMinInScopePasses) << table.str();
}

// The list files parse and name every case once.
TEST(ConformanceLists, Valid) {
  (void)AllCases();
  for (const std::string& p : ListProblems()) ADD_FAILURE() << p;
}

}  // namespace
}  // namespace rknnsim
