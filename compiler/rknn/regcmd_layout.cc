#include "compiler/rknn/regcmd_layout.h"

#include <algorithm>

#include "common/error.h"

namespace rknnsim::rknn {

DdrLayout LayOut(const RknnModel& model, const std::string& what) {
  DdrLayout l;
  l.addr.assign(model.tensors.size(), -1);
  for (size_t i = 0; i < model.tensors.size(); ++i) {
    const RTensor& t = model.tensors[i];
    const bool program_blob = t.kind == static_cast<uint8_t>(TensorKind::kRegcmd) ||
                              t.kind == static_cast<uint8_t>(TensorKind::kTask);
    if (!t.is_constant() || program_blob || t.data.empty()) continue;
    const uint64_t at = AlignUp(l.constants.size(), kConstantAlign);
    l.constants.resize(at + t.data.size());
    std::copy(t.data.begin(), t.data.end(), l.constants.begin() + static_cast<std::ptrdiff_t>(at));
    l.addr[i] = static_cast<int64_t>(at);
  }
  l.internal_base = AlignUp(std::max<uint64_t>(l.constants.size(), 1), kInternalAlign);
  for (size_t i = 0; i < model.tensors.size(); ++i) {
    const RTensor& t = model.tensors[i];
    if (!t.is_activation()) continue;
    if (t.offset < 0 || t.size < 0 || static_cast<uint64_t>(t.offset) + static_cast<uint64_t>(t.size) > model.internal_bytes)
      throw Error(what + ": tensor '" + t.name + "' (" + std::to_string(t.size) + " bytes at " + std::to_string(t.offset) +
                  ") lies outside the " + std::to_string(model.internal_bytes) + "-byte internal memory");
    l.addr[i] = static_cast<int64_t>(l.internal_base) + t.offset;
  }
  return l;
}

Geometry GeometryOf(const RTensor& t, const std::string& who) {
  if (t.native_shape.size() != 5 || t.native_shape[0] != 1 || t.native_shape[4] <= 0 || t.native_shape[2] <= 0 ||
      t.native_shape[3] <= 0)
    throw Error(who + ": tensor '" + t.name + "' is not a batch-1 NC1HWC2 feature map (native shape of " +
                std::to_string(t.native_shape.size()) + " dims)");
  if (t.dtype != 3)
    throw Error(who + ": tensor '" + t.name + "' is " + DTypeName(t.dtype) + "; only int8 feature maps are executed");
  return {static_cast<uint32_t>(t.native_shape[2]), static_cast<uint32_t>(t.native_shape[3]),
          static_cast<uint32_t>(t.native_shape[4])};
}

isa::Surface SurfaceOf(const RTensor& t, int64_t addr, const std::string& who) {
  const Geometry g = GeometryOf(t, who);
  isa::Surface s;
  s.addr = static_cast<uint64_t>(addr);
  s.c2 = g.c2;
  s.channels = t.shape.size() >= 2 ? static_cast<uint32_t>(t.shape[1]) : g.c2;
  s.height = g.height;
  s.width = g.width;
  s.type = isa::ElemType::kInt8;
  if (addr < 0 || s.c1() > static_cast<uint32_t>(t.native_shape[1]) || s.bytes() > static_cast<uint64_t>(t.size))
    throw Error(who + ": tensor '" + t.name + "' has an inconsistent native shape for its " + std::to_string(t.size) +
                " bytes");
  return s;
}

}  // namespace rknnsim::rknn
