// Models below the importer's first opset (opsets 1-8, as ONNX's pytorch-converted cases and old
// exporters write them) are upgraded by ONNX's own version converter. The converter trusts its
// input: it dereferences dangling names and indexes shapes it never checked, so everything it
// assumes is checked here first and a model that breaks an assumption gets a one-line error.
#pragma once

#include <cstdint>
#include <string>

#include <onnx/onnx_pb.h>

namespace rknnsim::frontend {

// Upgrades `model` (default-domain opset `from_opset`) in place to `to_opset`; throws
// rknnsim::Error naming the model `what` when ONNX's checker, the converter's preconditions or the
// converter itself refuse it.
void UpgradeOpset(onnx::ModelProto& model, int64_t from_opset, int64_t to_opset, const std::string& what);

}  // namespace rknnsim::frontend
