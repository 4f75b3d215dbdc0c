// A .rknn model decoded into plain structs, the same for both FlatBuffer layouts: what `info`
// prints and what graph_import maps onto the IR. docs/rknn-format.md documents each field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/rknn/container.h"

namespace rknnsim::rknn {

// Tensor kinds (the byte at Tensor id 2).
enum class TensorKind : uint8_t {
  kPlaceholder = 0, kInput = 1, kOutput = 2, kIntermediate = 3, kModelConstant = 4, kCompilerConstant = 5,
  kHelperBlob = 6, kRegisterBlob = 7, kDerivedConstant = 8, kRegcmd = 9, kTask = 10,
};

const char* DTypeName(uint8_t dtype);  // "int8", "int32", ... (netron's numbering)
// The dtype codes the executed programs use (DTypeName's numbering).
constexpr uint8_t kInt8DType = 3, kInt64DType = 7, kFloat16DType = 10;
size_t DTypeBytes(uint8_t dtype);      // 0 when unknown
const char* KindName(uint8_t kind);

struct RTensor {
  uint8_t dtype = 0, native_flag = 0, kind = 0;
  std::vector<int32_t> native_shape, shape;
  std::string name;
  std::vector<float> scale;
  std::vector<int32_t> zero_point;
  int64_t size = 0;    // bytes as recorded (0 for register/task blobs)
  int64_t offset = 0;  // internal memory offset (activations)
  bool compressed = false;
  std::vector<uint8_t> data;  // constant bytes (empty for activations)

  bool is_activation() const { return kind >= 1 && kind <= 3; }
  bool is_constant() const { return kind >= 4; }
};

// Attributes the files record (layout L) or that graph_import derives (layout T).
struct RAttrs {
  uint8_t tag = 0;  // union tag, 0 = none
  std::string auto_pad, mode, coordinate_mode, nearest_mode;
  std::vector<int32_t> dilations, kernel, pads, strides, perm, split;
  int32_t group = 1, axis = 0, keepdims = 1;
  bool has_axis = false;
};

// RNode::executor of the nodes the file runs on the NPU.
constexpr uint8_t kNpuExecutor = 2;

struct RNode {
  std::string type;  // after fusion: ConvAddRelu, Resize, InputOperator, ...
  std::string name;  // "<source op>:<source node name>"
  uint8_t executor = 0;  // kNpuExecutor, or the CPU
  std::vector<int32_t> inputs, outputs;
  RAttrs attrs;
  // A custom operator's attributes as a JSON object of name -> number, string or list (the ONNX
  // node's, as the toolkit stores them: a BSON document of {dtype, value} per name, Node field 9
  // of compiler/rknn/rknn_model.fbs); empty when the node has none.
  std::string custom_attrs;
};

// One address the runtime patches into the register commands: the DDR address of tensor
// `tensor` plus `offset` goes into command word `word` (docs/rknn-format.md §7).
struct RRelocation {
  std::string tensor;
  int64_t offset = 0;
  int64_t word = 0;  // validated against the regcmd stream by NpuTasksOf
};

struct RknnModel {
  uint64_t container_version = 0;
  Layout layout = Layout::kL;
  std::string format;             // RKNPU v2 / RKNPU lite / RKNPU t3
  std::string target;             // rk3588, rk3566, rv1103, ...
  std::string compiler;           // toolkit and compiler version text
  int32_t compiler_version = 0;   // M*10000 + m*100 + p
  std::string toolkit_version;    // trailing JSON "version"
  std::string framework;          // source framework
  std::string attrs_text;         // Model id 3 (Python-literal dict)
  std::vector<RTensor> tensors;
  std::vector<RNode> nodes;
  std::vector<int32_t> inputs, outputs;  // tensor indices
  uint64_t internal_bytes = 0;    // internal (activation) memory the runtime allocates
  uint64_t regcmd_bytes = 0, task_bytes = 0;
  uint32_t task_count = 0;
  std::vector<RRelocation> relocations;        // task records in use (layout T's sub-header; L: all whole records)
  uint64_t file_bytes = 0;

  uint64_t ConstantBytes() const;  // model weights and compiler-made constants (not regcmd/task)
};

// Parses, verifies (FlatBuffers verifier before any read) and decodes a whole .rknn file. Throws
// rknnsim::Error with one line for any malformed input.
RknnModel ReadRknn(const std::vector<uint8_t>& bytes, const std::string& what);
RknnModel ReadRknnFile(const std::string& path);

// True when the first bytes are one of the RKNN family signatures (RKNN, CYPTRKNN, RKNX, VPMN).
bool LooksLikeRknn(const std::string& path);
bool LooksLikeRknn(const uint8_t* head, size_t n);  // the first n (up to 8) bytes of a file or buffer

}  // namespace rknnsim::rknn
