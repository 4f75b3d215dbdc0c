// What the model file's writer (model_file_writer.cc), reader (model_file_reader.cc) and container
// (model_file.cc) share: the generated FlatBuffers schema, the header size, the hint every refusal
// carries, and the proof that the schema's enums carry the C++ enums' values.
#pragma once

#include <cstddef>
#include <string>

#include "common/hex.h"
#include "compiler/ir/graph.h"
#include "isa/program.h"
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
static_assert(int(fb::TaskOp::Conv) == int(isa::TaskOp::kConv) &&
              int(fb::TaskOp::EltwiseAdd) == int(isa::TaskOp::kEltwiseAdd) &&
              int(fb::TaskOp::MaxPool) == int(isa::TaskOp::kMaxPool) &&
              int(fb::TaskOp::GlobalAvgPool) == int(isa::TaskOp::kGlobalAvgPool) &&
              int(fb::TaskOp::Cpu) == int(isa::TaskOp::kCpu) && int(fb::TaskOp::Lut) == int(isa::TaskOp::kLut) &&
              int(fb::TaskOp::Copy) == int(isa::TaskOp::kCopy) && int(fb::TaskOp::Convert) == int(isa::TaskOp::kConvert) &&
              int(fb::TaskOp::Upsample) == int(isa::TaskOp::kUpsample) &&
              int(fb::TaskOp::EltwiseMul) == int(isa::TaskOp::kEltwiseMul) &&
              int(fb::TaskOp::AvgPool) == int(isa::TaskOp::kAvgPool) &&
              int(fb::TaskOp::ZeroInsert) == int(isa::TaskOp::kZeroInsert));
static_assert(int(fb::ElemType::Int8) == int(isa::ElemType::kInt8) && int(fb::ElemType::Fp16) == int(isa::ElemType::kFp16));
static_assert(int(fb::ActKind::None) == int(isa::ActKind::kNone) && int(fb::ActKind::Relu) == int(isa::ActKind::kRelu) &&
              int(fb::ActKind::Clip) == int(isa::ActKind::kClip));

}  // namespace rknnsim::runtime
