// What the model file's writer (model_file_writer.cc), reader (model_file_reader.cc) and container
// (model_file.cc) share: the generated FlatBuffers schema, the header size, the hint every refusal
// carries, and the proof that the schema's enums carry the C++ enums' values.
#pragma once

#include <cstddef>
#include <string>

#include "common/hex.h"
#include "compiler/ir/graph.h"
#include "isa/program.h"
#include "isa/task_kinds.h"
#include "runtime/model_file_generated.h"

namespace rknnsim::runtime {

constexpr size_t kModelFileHeaderSize = 24;  // magic, version, CRC-32, payload size (model_file.cc)
constexpr const char* kRecompileHint = "recompile the model with `rknn-sim convert`";

// The schema's enums carry the C++ enums' values (a new C++ enumerator needs a schema entry).
static_assert(int(fb::DType::Float32) == int(ir::DType::kFloat32) && int(fb::DType::Float16) == int(ir::DType::kFloat16) &&
              int(fb::DType::Int8) == int(ir::DType::kInt8) && int(fb::DType::Int32) == int(ir::DType::kInt32));
static_assert(int(fb::OpKind::Conv) == int(ir::OpKind::kConv) && int(fb::OpKind::Reshape) == int(ir::OpKind::kReshape) &&
              int(fb::OpKind::Sub) == int(ir::OpKind::kSub) && int(fb::OpKind::ConvTranspose) == int(ir::OpKind::kConvTranspose) &&
              int(fb::OpKind::Concat) == int(ir::OpKind::kConcat) && int(fb::OpKind::Swish) == int(ir::OpKind::kSwish) &&
              int(fb::OpKind::ZeroInsert) == int(ir::OpKind::kZeroInsert) &&
              int(fb::OpKind::MAX) == int(ir::OpKind::kThresholdedRelu),
              "runtime/model_file.fbs OpKind must list ir::OpKind in order");
static_assert(int(fb::Activation::None) == int(ir::Activation::kNone) &&
              int(fb::Activation::Relu) == int(ir::Activation::kRelu) &&
              int(fb::Activation::Clip) == int(ir::Activation::kClip));
// The stored task kinds are isa/task_kinds.h's rows with a file name, a prefix of the table in
// TaskOp order (ModelFile.TaskKindsMatchTheSchema checks the names against the schema's enum).
constexpr size_t StoredTaskKinds() {
  size_t n = 0;
  while (n < isa::kTaskKindCount && isa::kTaskKinds[n].file_name) ++n;
  return n;
}
static_assert(size_t(fb::TaskOp::MAX) + 1 == StoredTaskKinds(),
              "runtime/model_file.fbs TaskOp must list the stored kinds of isa/task_kinds.h, in order");
static_assert(int(fb::ElemType::Int8) == int(isa::ElemType::kInt8) && int(fb::ElemType::Fp16) == int(isa::ElemType::kFp16));
static_assert(int(fb::ActKind::None) == int(isa::ActKind::kNone) && int(fb::ActKind::Relu) == int(isa::ActKind::kRelu) &&
              int(fb::ActKind::Clip) == int(isa::ActKind::kClip));

}  // namespace rknnsim::runtime
