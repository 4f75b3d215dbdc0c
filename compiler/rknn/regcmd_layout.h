// Where a .rknn program's tensors live in simulated DDR and how a feature map is laid out there:
// shared by the task decoder and the program lowering (compiler/rknn/regcmd_program.h).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "compiler/rknn/model.h"
#include "isa/program.h"
#include "isa/regcmd.h"

namespace rknnsim::rknn {

constexpr uint64_t kConstantAlign = 64;
constexpr uint64_t kInternalAlign = 4096;

inline uint64_t AlignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

// Where each of the file's tensors lives in simulated DDR: constants packed from 0, then the
// internal region at the file's own offsets.
struct DdrLayout {
  std::vector<int64_t> addr;  // per tensor, -1 when the tensor has no memory
  std::vector<uint8_t> constants;
  uint64_t internal_base = 0;
  uint32_t linear_c2 = 0;  // int8 C2 of the platform: how a linear [1, N] vector lies (GeometryOf)
};
DdrLayout LayOut(const RknnModel& model, uint32_t int8_c2, const std::string& what);

// The file's relocation list by command word, and what a relocated register holds besides the
// offset into its tensor: nothing in layout-L files (RK356x, RK3588); in layout-T files (RV110x) the tensor's address in
// the memory plan the toolkit made (e.g. the input at 0x35DF00 past the weights). Each relocated
// register thus holds base[tensor] + offset; every relocation of one tensor must agree on the base.
struct Relocations {
  std::map<int64_t, const RRelocation*> by_word;
  std::map<std::string, int64_t> base;  // per tensor name
};
Relocations RelocationsOf(const RknnModel& model, const std::vector<isa::NpuTask>& tasks, const std::string& what);

// The native layout of a feature map: [N, C1, H, W, C2] of int8 or float16 elements (graph
// inputs: C2 = channels; a native NCHW tensor: C2 = 1). Strides in bytes.
struct Geometry {
  uint32_t height = 0, width = 0, c2 = 0;
  uint32_t elem_bytes = 1;  // 2 for float16 tensors
  uint64_t pixel() const { return uint64_t{c2} * elem_bytes; }
  uint64_t line() const { return uint64_t{width} * pixel(); }
  uint64_t surface() const { return line() * height; }
  isa::ElemType type() const { return elem_bytes == 2 ? isa::ElemType::kFp16 : isa::ElemType::kInt8; }
  // The cube at this layout (addr filled in by the caller).
  isa::StridedCube Cube() const { return {0, surface(), line(), pixel(), c2, elem_bytes}; }
};
// A linear int8 vector (native [1, N], e.g. mobilefacenet's embedding) lies as a one-pixel map
// of `linear_c2`-byte atoms, which is how the DPU writes it; 0 refuses such tensors.
Geometry GeometryOf(const RTensor& t, const std::string& who, uint32_t linear_c2 = 0);

// A graph input or output: its native NC1HWC2 surface at `addr`.
isa::Surface SurfaceOf(const RTensor& t, int64_t addr, const std::string& who, uint32_t linear_c2 = 0);

}  // namespace rknnsim::rknn
