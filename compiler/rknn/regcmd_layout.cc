#include "compiler/rknn/regcmd_layout.h"

#include <algorithm>

#include "common/error.h"
#include "isa/register_db.h"

namespace rknnsim::rknn {

DdrLayout LayOut(const RknnModel& model, uint32_t int8_c2, const std::string& what) {
  DdrLayout l;
  l.linear_c2 = int8_c2;
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

Relocations RelocationsOf(const RknnModel& model, const std::vector<isa::NpuTask>& tasks, const std::string& what) {
  Relocations out;
  for (const RRelocation& r : model.relocations) out.by_word[r.word] = &r;
  for (const isa::NpuTask& task : tasks) {
    int64_t word = static_cast<int64_t>(task.record.regcmd_addr / isa::kRegWordBytes);
    for (const isa::RegWrite& w : task.writes) {
      const auto it = out.by_word.find(word++);
      if (it == out.by_word.end()) continue;
      const RRelocation& r = *it->second;
      const std::string reg = isa::WriteName(isa::RegisterDb::Builtin(), w, model.target);
      // Every relocated word holds its entry's offset, except DPU.DST_BASE_ADDR in RK3576's
      // two-core tasks, which holds 16 times it (multiple_input_demo_rk3576, tasks 6 and 7, while
      // their input and EW words hold the offsets of the same rows). The entry agrees with the
      // rows those tasks compute, so it is taken as what the runtime writes.
      const bool rk3576_dst = model.target == "rk3576" && reg == "DPU.DST_BASE_ADDR" && r.offset > 0 &&
                              int64_t{w.value} == 16 * r.offset;
      const int64_t base = rk3576_dst ? 0 : int64_t{w.value} - r.offset;
      if (model.layout != Layout::kT && base != 0)
        throw Error(what + ": task " + std::to_string(task.index) + ": " + reg + " holds " + std::to_string(w.value) +
                    " but its relocation says '" + r.tensor + "' + " + std::to_string(r.offset));
      const auto [known, fresh] = out.base.emplace(r.tensor, base);
      if (base < 0 || known->second != base)
        throw Error(what + ": task " + std::to_string(task.index) + ": " + reg + " holds " + std::to_string(w.value) +
                    ", relocated to '" + r.tensor + "' + " + std::to_string(r.offset) +
                    (base < 0 ? ", below the tensor" : ", but another relocation places that tensor at " +
                                                           std::to_string(known->second)));
    }
  }
  return out;
}

Geometry GeometryOf(const RTensor& t, const std::string& who, uint32_t linear_c2) {
  if (linear_c2 > 0 && t.dtype == kInt8DType && t.native_shape.size() == 2 && t.native_shape[0] == 1 && t.native_shape[1] > 0)
    return {1, 1, linear_c2};
  // A native [1, C, H, W] tensor (a custom operator's NCHW outputs) is a map of C2 = 1; so is a
  // [1, C, W] one (retinaface's linear graph outputs), one row high.
  const std::vector<int32_t>& n = t.native_shape;
  if ((n.size() == 4 || n.size() == 3) && n == t.shape && n[0] == 1 && n[1] > 0 && n[2] > 0 &&
      (n.size() == 3 || n[3] > 0) && (t.dtype == kInt8DType || t.dtype == kFloat16DType))
    return {n.size() == 4 ? static_cast<uint32_t>(n[2]) : 1u, static_cast<uint32_t>(n.back()), 1,
            t.dtype == kFloat16DType ? 2u : 1u};
  if (t.native_shape.size() != 5 || t.native_shape[0] != 1 || t.native_shape[4] <= 0 || t.native_shape[2] <= 0 ||
      t.native_shape[3] <= 0)
    throw Error(who + ": tensor '" + t.name + "' is not a batch-1 NC1HWC2 feature map (native shape of " +
                std::to_string(t.native_shape.size()) + " dims)");
  if (t.dtype != kInt8DType && t.dtype != kFloat16DType)
    throw Error(who + ": tensor '" + t.name + "' is " + DTypeName(t.dtype) +
                "; only int8 and float16 feature maps are executed");
  return {static_cast<uint32_t>(t.native_shape[2]), static_cast<uint32_t>(t.native_shape[3]),
          static_cast<uint32_t>(t.native_shape[4]), t.dtype == kFloat16DType ? 2u : 1u};
}

isa::Surface SurfaceOf(const RTensor& t, int64_t addr, const std::string& who, uint32_t linear_c2) {
  const Geometry g = GeometryOf(t, who, linear_c2);
  isa::Surface s;
  s.addr = static_cast<uint64_t>(addr);
  s.c2 = g.c2;
  s.channels = t.shape.size() >= 2 ? static_cast<uint32_t>(t.shape[1]) : g.c2;
  s.height = g.height;
  s.width = g.width;
  s.type = g.type();
  const bool linear = t.native_shape.size() == 2;
  if (addr < 0 || (!linear && s.c1() > static_cast<uint32_t>(t.native_shape[1])) || s.bytes() > static_cast<uint64_t>(t.size))
    throw Error(who + ": tensor '" + t.name + "' has an inconsistent native shape for its " + std::to_string(t.size) +
                " bytes");
  return s;
}

}  // namespace rknnsim::rknn
