#include "compiler/rknn/regcmd_program.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "isa/register_db.h"
#include "isa/register_file.h"

namespace rknnsim::rknn {
namespace {

constexpr uint64_t kConstantAlign = 64;
constexpr uint64_t kInternalAlign = 4096;
constexpr uint16_t kPcBlock = 0x0101;
constexpr uint16_t kPcBaseAddress = 0x0010;

uint64_t AlignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

std::string Hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%04x", v);
  return buf;
}

// Where each of the file's tensors lives in simulated DDR: constants packed from 0, then the
// internal region at the file's own offsets.
struct DdrLayout {
  std::vector<int64_t> addr;  // per tensor, -1 when the tensor has no memory
  std::vector<uint8_t> constants;
  uint64_t internal_base = 0;
};

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

// The native layout of a feature map: [N, C1, H, W, C2] int8 (graph inputs: C2 = channels).
struct Geometry {
  uint32_t height = 0, width = 0, c2 = 0;
  uint64_t line() const { return uint64_t{width} * c2; }
  uint64_t surface() const { return line() * height; }
};

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

// A graph input or output: its native NC1HWC2 surface.
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

// The decoding context of one task: its registers, node, and the tensors its address registers
// are relocated to.
class TaskDecoder {
 public:
  TaskDecoder(const RknnModel& model, const DdrLayout& ddr, const isa::RegisterFile& regs,
              const std::map<int64_t, const RRelocation*>& relocated, const std::map<std::string, size_t>& by_name,
              const isa::NpuTask& task, const isa::PlatformConfig& platform, const std::string& what)
      : model_(model), ddr_(ddr), regs_(regs), relocated_(relocated), by_name_(by_name), task_(task),
        platform_(platform), node_(model.nodes[task.record.op_idx]) {
    who_ = what + ": task " + std::to_string(task.index) + " (node '" + node_.name + "', " + node_.type + ")";
  }

  isa::Task Conv() const;
  isa::Task DpuOnly() const;

 private:
  int64_t F(const char* block, const char* reg, const char* field) const { return regs_.Field(block, reg, field, who_); }
  uint32_t Raw(const char* block, const char* reg) const { return regs_.Raw(block, reg, who_); }
  void Require(bool ok, const std::string& what) const {
    if (!ok) throw Error(who_ + ": " + what);
  }

  // The tensor an address register points into (from the file's relocation of the word that
  // last wrote it) and the register's value, the offset inside it.
  struct Target {
    size_t tensor = 0;
    uint64_t offset = 0;
  };
  Target Relocated(const char* block, const char* reg) const {
    const auto it = relocated_.find(regs_.WordOf(block, reg));
    Require(it != relocated_.end(), std::string(block) + "." + reg + " is not relocated to any tensor");
    const auto named = by_name_.find(it->second->tensor);
    Require(named != by_name_.end(), std::string(block) + "." + reg + " is relocated to '" + it->second->tensor +
                                         "', which is not a tensor of the file");
    const uint32_t offset = Raw(block, reg);
    Require(it->second->offset == offset, std::string(block) + "." + reg + " holds " + std::to_string(offset) +
                                              " but its relocation says " + std::to_string(it->second->offset));
    return {named->second, offset};
  }
  const RTensor& TensorOf(const Target& t) const { return model_.tensors[t.tensor]; }

  // The DDR address of `span` bytes from the target, checked against the tensor's bytes.
  uint64_t Address(const char* block, const char* reg, const Target& t, uint64_t span) const {
    const RTensor& tensor = TensorOf(t);
    const int64_t base = ddr_.addr[t.tensor];
    const uint64_t size = tensor.is_activation() ? static_cast<uint64_t>(tensor.size) : tensor.data.size();
    Require(base >= 0 && t.offset + span <= size,
            std::string(block) + "." + reg + " = " + std::to_string(t.offset) + " plus the " + std::to_string(span) +
                " bytes the task reads or writes lies outside tensor '" + tensor.name + "' (" + std::to_string(size) +
                " bytes)");
    return static_cast<uint64_t>(base) + t.offset;
  }

  // A cube of `channels` × `rows` × `width` at an address register, in the layout `strides`
  // gives (addr filled in here).
  isa::StridedCube Cube(const char* block, const char* reg, isa::StridedCube strides, uint32_t channels,
                        uint32_t rows, uint32_t width) const {
    const Target t = Relocated(block, reg);
    // Every element of a cube is its own byte of the tensor: this also bounds what a task
    // allocates, whatever strides a corrupted file gives.
    const uint64_t elements = uint64_t{channels} * rows * width;
    const RTensor& tensor = TensorOf(t);
    Require(elements <= static_cast<uint64_t>(std::max<int64_t>(tensor.size, 0)),
            std::string(block) + "." + reg + " addresses a " + std::to_string(channels) + "x" + std::to_string(rows) +
                "x" + std::to_string(width) + " cube, more elements than tensor '" + tensor.name + "' holds");
    strides.addr = Address(block, reg, t, strides.Span(channels, rows, width));
    return strides;
  }
  Geometry GeometryAt(const char* block, const char* reg) const { return GeometryOf(TensorOf(Relocated(block, reg)), who_); }

  void DecodeDpu(isa::Task& t, uint32_t channels, uint32_t rows, uint32_t width) const;
  isa::Task NewTask(isa::TaskOp op) const {
    isa::Task t;
    t.op = op;
    t.enable_mask = task_.record.enable_mask;
    t.regcmd.on = true;
    return t;
  }

  const RknnModel& model_;
  const DdrLayout& ddr_;
  const isa::RegisterFile& regs_;
  const std::map<int64_t, const RRelocation*>& relocated_;
  const std::map<std::string, size_t>& by_name_;
  const isa::NpuTask& task_;
  const isa::PlatformConfig& platform_;
  const RNode& node_;
  std::string who_;
};

// The DPU stages and the write of a `channels` × `rows` × `width` cube (conv output or DPU-only
// input), common to both kinds of task: BS, BN, EW, output converter, WDMA strides.
void TaskDecoder::DecodeDpu(isa::Task& t, uint32_t channels, uint32_t rows, uint32_t width) const {
  isa::RegcmdTask& r = t.regcmd;
  Require(F("DPU", "OUT_CVT_SCALE", "FP32TOFP16_EN") == 0 && F("DPU", "DATA_FORMAT", "OUT_PRECISION") == 0 &&
              F("DPU", "DATA_FORMAT", "IN_PRECISION") == 0,
          "the DPU works on a type other than int8, which is not executed yet");
  t.out_rows = rows;
  t.kernels = channels;

  // BS, its operands from registers or from DPU_RDMA's BS stream.
  const bool bs = F("DPU", "BS_CFG", "BS_BYPASS") == 0;
  r.bs_alu = bs && F("DPU", "BS_CFG", "BS_ALU_BYPASS") == 0;
  r.bs_mul = bs && F("DPU", "BS_CFG", "BS_MUL_BYPASS") == 0;
  r.bs_relu = bs && F("DPU", "BS_CFG", "BS_RELU_BYPASS") == 0;
  Require(!bs || (F("DPU", "BS_CFG", "BS_RELUX_EN") == 0 && F("DPU", "BS_CFG", "BS_MUL_PRELU") == 0),
          "DPU.BS_CFG asks for ReLU-X or PReLU, which is not decoded");
  // ALU_ALGO 0 (RK356x files) and 2 (RK3588 files, Mesa) both add: reading them as anything else
  // moves the demo's outputs far off its source model (docs/rknn-format.md §8).
  const int64_t bs_algo = F("DPU", "BS_CFG", "BS_ALU_ALGO");
  Require(!r.bs_alu || bs_algo == 0 || bs_algo == 2,
          "DPU.BS_CFG BS_ALU_ALGO=" + std::to_string(bs_algo) + " is not an addition, which is not decoded");
  const bool alu_memory = r.bs_alu && F("DPU", "BS_CFG", "BS_ALU_SRC") == 1;
  const bool mul_memory = r.bs_mul && F("DPU", "BS_MUL_CFG", "BS_MUL_SRC") == 1;
  r.bs_alu_operand = static_cast<int32_t>(Raw("DPU", "BS_ALU_CFG"));
  r.bs_mul_operand = static_cast<uint32_t>(F("DPU", "BS_MUL_CFG", "BS_MUL_OPERAND"));
  r.bs_mul_shift = static_cast<uint32_t>(F("DPU", "BS_MUL_CFG", "BS_MUL_SHIFT_VALUE"));
  r.ow_from_blob = t.op == isa::TaskOp::kConv && F("DPU", "BS_OW_CFG", "OW_SRC") == 1;
  r.ow_value = t.op == isa::TaskOp::kConv ? static_cast<int32_t>(F("DPU", "BS_OW_OP", "OW_OP")) : 0;
  if (alu_memory || mul_memory || r.ow_from_blob) {
    const int64_t use = F("DPU_RDMA", "RDMA_BRDMA_CFG", "BRDMA_DATA_USE");
    Require(use == 1 || use == 7, "DPU_RDMA.RDMA_BRDMA_CFG BRDMA_DATA_USE=" + std::to_string(use) + " is not decoded");
    r.bs_operands = use == 7 ? isa::BsOperands::kGrouped : isa::BsOperands::kBias;
    Require(use == 7 || (!mul_memory && !r.ow_from_blob), "the BS stream holds biases only but the DPU wants more");
    r.bs_group = static_cast<uint32_t>(platform_.dpu_bs_operand_group);
    const Target blob = Relocated("DPU_RDMA", "RDMA_BS_BASE_ADDR");
    t.dpu_table_addr = Address("DPU_RDMA", "RDMA_BS_BASE_ADDR", blob, r.BsOperandBytes(t.kernels));
  }

  // BN, register operands only.
  const bool bn = F("DPU", "BN_CFG", "BN_BYPASS") == 0;
  r.bn_alu = bn && F("DPU", "BN_CFG", "BN_ALU_BYPASS") == 0;
  r.bn_mul = bn && F("DPU", "BN_CFG", "BN_MUL_BYPASS") == 0;
  r.bn_relu = bn && F("DPU", "BN_CFG", "BN_RELU_BYPASS") == 0;
  Require(!bn || (F("DPU", "BN_CFG", "BN_RELUX_EN") == 0 && F("DPU", "BN_CFG", "BN_MUL_PRELU") == 0 &&
                  (!r.bn_alu || F("DPU", "BN_CFG", "BN_ALU_SRC") == 0) &&
                  (!r.bn_mul || F("DPU", "BN_MUL_CFG", "BN_MUL_SRC") == 0)),
          "DPU.BN_CFG asks for ReLU-X, PReLU or operands from memory, which is not decoded");
  const int64_t bn_algo = bn ? F("DPU", "BN_CFG", "BN_ALU_ALGO") : 2;
  Require(!r.bn_alu || bn_algo == 0 || bn_algo == 2, "DPU.BN_CFG BN_ALU_ALGO=" + std::to_string(bn_algo) + " is not decoded");
  if (r.bn_alu) r.bn_alu_operand = static_cast<int32_t>(Raw("DPU", "BN_ALU_CFG"));
  if (r.bn_mul) {
    r.bn_mul_operand = static_cast<uint32_t>(F("DPU", "BN_MUL_CFG", "BN_MUL_OPERAND"));
    r.bn_mul_shift = static_cast<uint32_t>(F("DPU", "BN_MUL_CFG", "BN_MUL_SHIFT_VALUE"));
  }

  // EW: a converted second tensor added.
  r.ew = F("DPU", "EW_CFG", "EW_BYPASS") == 0;
  if (r.ew) {
    Require(F("DPU", "EW_CFG", "EW_OP_BYPASS") == 0 && F("DPU", "EW_CFG", "EW_OP_SRC") == 1 &&
                F("DPU", "EW_CFG", "EW_OP_TYPE") == 0 && F("DPU", "EW_CFG", "EW_LUT_BYPASS") == 1 &&
                F("DPU", "EW_CFG", "EW_OP_CVT_BYPASS") == 0 && F("DPU", "EW_CFG", "EW_RELUX_EN") == 0,
            "DPU.EW_CFG asks for an element-wise operation other than adding a converted tensor, not decoded");
    const int64_t ew_algo = F("DPU", "EW_CFG", "EW_ALU_ALGO");
    Require(ew_algo == 0 || ew_algo == 2, "DPU.EW_CFG EW_ALU_ALGO=" + std::to_string(ew_algo) + " is not decoded");
    r.ew_relu = F("DPU", "EW_CFG", "EW_RELU_BYPASS") == 0;
    r.ew_offset = static_cast<int32_t>(F("DPU", "EW_CVT_OFFSET_VALUE", "EW_OP_CVT_OFFSET"));
    r.ew_scale = static_cast<uint32_t>(F("DPU", "EW_CVT_SCALE_VALUE", "EW_OP_CVT_SCALE"));
    r.ew_shift = static_cast<uint32_t>(F("DPU", "EW_CVT_SCALE_VALUE", "EW_OP_CVT_SHIFT"));
    // The operand of a conv's EW stage comes through DPU_RDMA's source address in RK3588 files and
    // through its EW address in RK3566 files, whichever is relocated, in the operand's own
    // layout; a DPU-only task's through the EW address, surfaces RDMA_EW_SURF_STRIDE apart.
    const bool conv = t.op == isa::TaskOp::kConv;
    const char* reg = conv && relocated_.count(regs_.WordOf("DPU_RDMA", "RDMA_SRC_BASE_ADDR"))
                          ? "RDMA_SRC_BASE_ADDR" : "RDMA_EW_BASE_ADDR";
    const Geometry g = GeometryAt("DPU_RDMA", reg);
    isa::StridedCube strides{0, conv ? g.surface() : Raw("DPU_RDMA", "RDMA_EW_SURF_STRIDE"), g.line(), g.c2, g.c2};
    r.ew_source = Cube("DPU_RDMA", reg, strides, t.kernels, t.out_rows, width);
  }
  r.out_scale = static_cast<int32_t>(F("DPU", "OUT_CVT_SCALE", "OUT_CVT_SCALE"));
  r.out_shift = static_cast<uint32_t>(F("DPU", "OUT_CVT_SHIFT", "OUT_CVT_SHIFT"));
  r.out_offset = static_cast<int32_t>(F("DPU", "OUT_CVT_OFFSET", "OUT_CVT_OFFSET"));
  Require(r.out_shift <= 40 && r.bs_mul_shift <= 40 && r.bn_mul_shift <= 40 && r.ew_shift <= 40,
          "a DPU shift exceeds 40 bits");

  // WDMA: rows (W + NOTCH_ADDR_0)·C2 apart and surfaces DST_SURF_STRIDE apart; or, when the write
  // width is one pixel but the cube is wider (the phases of a resize), pixels (1 + NOTCH_ADDR_0)·C2
  // apart and rows SURFACE_ADD apart (docs/rknn-format.md §8).
  const Geometry g = GeometryAt("DPU", "DST_BASE_ADDR");
  const uint32_t write_width = regs_.Written("DPU", "WDMA_SIZE_1")
                                   ? static_cast<uint32_t>(F("DPU", "WDMA_SIZE_1", "WIDTH_WDMA")) + 1
                                   : static_cast<uint32_t>(F("DPU", "DATA_CUBE_WIDTH", "WIDTH")) + 1;
  const uint64_t notch = static_cast<uint64_t>(F("DPU", "DATA_CUBE_NOTCH_ADDR", "NOTCH_ADDR_0"));
  isa::StridedCube dst{0, Raw("DPU", "DST_SURF_STRIDE"), (width + notch) * g.c2, g.c2, g.c2};
  if (write_width == 1 && width > 1) {
    dst.pixel = (1 + notch) * g.c2;
    dst.line = Raw("DPU", "SURFACE_ADD");
  }
  Require(dst.surface > 0 || t.kernels <= g.c2, "DPU.DST_SURF_STRIDE is 0 for a cube of several surfaces");
  r.destination = Cube("DPU", "DST_BASE_ADDR", dst, t.kernels, t.out_rows, width);
  t.output = isa::Surface{r.destination.addr, t.kernels, t.out_rows, width, g.c2, isa::ElemType::kInt8};
}

isa::Task TaskDecoder::Conv() const {
  const int64_t mode = F("CNA", "CONV_CON1", "CONV_MODE");
  Require((mode == 0 || mode == 3) && F("CNA", "CONV_CON1", "DECONV") == 0,
          "CNA.CONV_CON1 asks for a convolution mode other than direct or depthwise, which is not executed yet");
  Require(F("CNA", "CONV_CON1", "IN_PRECISION") == 0 && F("CNA", "CONV_CON1", "PROC_PRECISION") == 0,
          "CNA.CONV_CON1 asks for a precision other than int8, which is not executed yet");
  // The input converter: bypassed, or the identity (scale 1, offset 0, no truncation in every
  // slot, as RK3566 files program it on some tasks); anything else is not decoded.
  bool identity = true;
  for (int slot = 0; slot < 4; ++slot) {
    const std::string con = "CVT_CON" + std::to_string(slot + 1), n = std::to_string(slot);
    identity = identity && regs_.Field("CNA", con, "CVT_SCALE" + n, who_) == 1 &&
               regs_.Field("CNA", con, "CVT_OFFSET" + n, who_) == 0 &&
               regs_.Field("CNA", "CVT_CON0", "CVT_TRUNCATE_" + n, who_) == 0;
  }
  Require(F("CNA", "CVT_CON0", "CVT_BYPASS") == 1 || identity,
          "CNA.CVT_CON0 enables the input converter with a scale or offset, which is not decoded");
  Require(F("CNA", "CONV_CON3", "ATROUS_X_DILATION") <= 1 && F("CNA", "CONV_CON3", "ATROUS_Y_DILATION") <= 1,
          "CNA.CONV_CON3 asks for a dilated convolution, which is not executed yet");
  Require(!regs_.Written("CORE", "CLIP_TRUNCATE") || F("CORE", "CLIP_TRUNCATE", "CLIP_TRUNCATE") == 0,
          "CORE.CLIP_TRUNCATE shifts the accumulators, which is not decoded");
  Require(F("DPU", "FEATURE_MODE_CFG", "FLYING_MODE") == 0, "DPU.FEATURE_MODE_CFG reads memory instead of the MAC array");

  isa::Task t = NewTask(isa::TaskOp::kConv);
  isa::RegcmdTask& r = t.regcmd;
  r.depthwise = mode == 3;
  t.conv_mode = r.depthwise ? isa::ConvMode::kDepthwise : isa::ConvMode::kDirect;

  // The tile as the registers give it: the rows CNA fetches from FEATURE_DATA_ADDR, its own
  // padding (top/left given, bottom/right implied by the sizes), the output cube.
  const uint32_t in_w = static_cast<uint32_t>(F("CNA", "DATA_SIZE0", "DATAIN_WIDTH"));
  const uint32_t in_rows = static_cast<uint32_t>(F("CNA", "DATA_SIZE0", "DATAIN_HEIGHT"));
  t.stride_w = static_cast<uint32_t>(F("CNA", "CONV_CON3", "CONV_X_STRIDE"));
  t.stride_h = static_cast<uint32_t>(F("CNA", "CONV_CON3", "CONV_Y_STRIDE"));
  t.kernel_w = static_cast<uint32_t>(F("CNA", "WEIGHT_SIZE2", "WEIGHT_WIDTH"));
  t.kernel_h = static_cast<uint32_t>(F("CNA", "WEIGHT_SIZE2", "WEIGHT_HEIGHT"));
  t.pad_top = static_cast<uint32_t>(F("CNA", "PAD_CON0", "PAD_TOP"));
  t.pad_left = static_cast<uint32_t>(F("CNA", "PAD_CON0", "PAD_LEFT"));
  const uint32_t out_w = static_cast<uint32_t>(F("CNA", "DATA_SIZE2", "DATAOUT_WIDTH"));
  Require(t.stride_w > 0 && t.stride_h > 0 && t.kernel_w > 0 && t.kernel_h > 0 && in_rows > 0 && in_w > 0 && out_w > 0,
          "CNA.CONV_CON3 / WEIGHT_SIZE2 / DATA_SIZE0 / DATA_SIZE2 describe an empty window");
  DecodeDpu(t, static_cast<uint32_t>(F("DPU", "DATA_CUBE_CHANNEL", "ORIG_CHANNEL")) + 1,
            static_cast<uint32_t>(F("DPU", "DATA_CUBE_HEIGHT", "HEIGHT")) + 1, out_w);
  t.pad_bottom = static_cast<uint32_t>(
      std::max<int64_t>(int64_t{t.out_rows - 1} * t.stride_h + t.kernel_h - t.pad_top - in_rows, 0));
  t.pad_right =
      static_cast<uint32_t>(std::max<int64_t>(int64_t{out_w - 1} * t.stride_w + t.kernel_w - t.pad_left - in_w, 0));
  // The pad value: RK3588 and RV110x write CNA.PAD_CON1; RK356x files carry it in the upper half of
  // PAD_CON0, which Mesa's map leaves reserved (docs/rknn-format.md §8).
  r.pad_value = regs_.Written("CNA", "PAD_CON1") ? static_cast<int32_t>(F("CNA", "PAD_CON1", "PAD_VALUE"))
                                                 : static_cast<int16_t>(Raw("CNA", "PAD_CON0") >> 16);

  // Input channels: DATAIN_CHANNEL_REAL holds (channels - 1) mod 64 only, so the count is the
  // input tensor's when that agrees; a depthwise task reads its output channels.
  const Target in = Relocated("CNA", "FEATURE_DATA_ADDR");
  const RTensor& input = TensorOf(in);
  const Geometry g = GeometryOf(input, who_);
  const uint32_t field = static_cast<uint32_t>(F("CNA", "DATA_SIZE1", "DATAIN_CHANNEL_REAL"));
  const uint32_t logical = input.shape.size() >= 2 ? static_cast<uint32_t>(input.shape[1]) : 0;
  uint32_t channels = field + 1;
  if (r.depthwise)
    channels = t.kernels;
  else if (logical > 0 && (logical - 1) % 64 == field)
    channels = logical;
  Require(channels <= uint64_t{static_cast<uint32_t>(input.native_shape[1])} * g.c2,
          "CNA.DATA_SIZE1 reads " + std::to_string(channels) + " channels of '" + input.name + "'");
  Require(uint64_t{channels} * in_rows * in_w <= static_cast<uint64_t>(std::max<int64_t>(input.size, 0)),
          "CNA.DATA_SIZE0/1 fetch more elements than input '" + input.name + "' holds");
  isa::StridedCube source{0, g.surface(), g.line(), g.c2, g.c2};
  r.source = source;
  r.source.addr = Address("CNA", "FEATURE_DATA_ADDR", in, source.Span(channels, in_rows, in_w));
  t.input = isa::Surface{r.source.addr, channels, in_rows, in_w, g.c2, isa::ElemType::kInt8};

  // Weights: WEIGHT_KERNELS kernels × DATAIN_CHANNEL (padded) channels in the weight tensor's
  // native blocks, from the offset DCOMP_ADDR0 gives (a task may cover a range of kernels).
  const Target w = Relocated("CNA", "DCOMP_ADDR0");
  const RTensor& weight = TensorOf(w);
  Require(weight.dtype == 3 && weight.is_constant(), "CNA.DCOMP_ADDR0 points at '" + weight.name + "', not int8 weights");
  const uint64_t kernel_taps = uint64_t{t.kernel_h} * t.kernel_w;
  r.weight_kernels = static_cast<uint32_t>(F("CNA", "WEIGHT_SIZE2", "WEIGHT_KERNELS"));
  r.weight_channels = static_cast<uint32_t>(F("CNA", "DATA_SIZE1", "DATAIN_CHANNEL"));
  if (r.depthwise) {
    Require(weight.data.size() % kernel_taps == 0 && weight.data.size() / kernel_taps >= t.kernels,
            "depthwise weight '" + weight.name + "' does not hold " + std::to_string(t.kernels) + " channels of " +
                std::to_string(t.kernel_h) + "x" + std::to_string(t.kernel_w));
    r.weight_channels = static_cast<uint32_t>(weight.data.size() / kernel_taps);
    r.weight_kernels = t.kernels;
  } else {
    // Native shape: one 6-D block shape [O1, I1, kh, kw, Ob, Ib], or 2 or 4 of them (12-D, 24-D) when
    // the last kernels or channels form smaller tail blocks; the first gives the block size.
    const std::vector<int32_t>& wn = weight.native_shape;
    Require(!wn.empty() && wn.size() % 6 == 0 && wn[2] == static_cast<int32_t>(t.kernel_h) &&
                wn[3] == static_cast<int32_t>(t.kernel_w) && wn[4] > 0 && wn[5] > 0,
            "weight '" + weight.name + "' is not native blocks of the task's kernel size");
    r.weight_ob = static_cast<uint32_t>(wn[4]), r.weight_ib = static_cast<uint32_t>(wn[5]);
    Require(r.weight_kernels > 0 && r.weight_channels >= channels,
            "CNA.WEIGHT_SIZE2 / DATA_SIZE1 give " + std::to_string(r.weight_kernels) + " kernels of " +
                std::to_string(r.weight_channels) + " channels for " + std::to_string(channels) + " input channels");
  }
  Require(r.depthwise || t.kernels <= r.weight_kernels,
          "the DPU writes " + std::to_string(t.kernels) + " channels of a " + std::to_string(r.weight_kernels) +
              "-kernel convolution");
  const uint64_t bytes = (r.depthwise ? 1 : uint64_t{r.weight_kernels}) * r.weight_channels * kernel_taps;
  Require(r.depthwise || F("CNA", "WEIGHT_SIZE0", "WEIGHT_BYTES") == static_cast<int64_t>(bytes),
          "CNA.WEIGHT_SIZE0 (" + std::to_string(F("CNA", "WEIGHT_SIZE0", "WEIGHT_BYTES")) + " bytes) is not " +
              std::to_string(r.weight_kernels) + " kernels of " + std::to_string(r.weight_channels) + " channels");
  t.weight_bytes = static_cast<uint32_t>(bytes);
  t.weight_addr = Address("CNA", "DCOMP_ADDR0", w, bytes);
  t.weight_kernel_atom = r.depthwise ? 1 : r.weight_ob;
  return t;
}

isa::Task TaskDecoder::DpuOnly() const {
  Require(F("DPU", "FEATURE_MODE_CFG", "FLYING_MODE") == 1, "a DPU task without flying mode has no input");
  isa::Task t = NewTask(isa::TaskOp::kRegcmdDpu);
  isa::RegcmdTask& r = t.regcmd;
  // The cube is the one DPU_RDMA reads (the DPU's own cube registers may hold another task's
  // values: pp_human_segv2's edge-row copies read one row under a 26-row DPU cube), at most the
  // DPU's real channels.
  const uint32_t width = static_cast<uint32_t>(F("DPU_RDMA", "RDMA_DATA_CUBE_WIDTH", "WIDTH")) + 1;
  const uint32_t rows = static_cast<uint32_t>(F("DPU_RDMA", "RDMA_DATA_CUBE_HEIGHT", "HEIGHT")) + 1;
  const uint32_t channels =
      std::min(static_cast<uint32_t>(F("DPU_RDMA", "RDMA_DATA_CUBE_CHANNEL", "CHANNEL")) + 1,
               static_cast<uint32_t>(F("DPU", "DATA_CUBE_CHANNEL", "ORIG_CHANNEL")) + 1);
  DecodeDpu(t, channels, rows, width);
  // The read: rows W·C2 apart plus the notch, surfaces H rows apart (RK3588); RK356x counts the
  // line notch in atoms and puts the surface notch after the last row (docs/rknn-format.md §8).
  const Geometry g = GeometryAt("DPU_RDMA", "RDMA_SRC_BASE_ADDR");
  const uint64_t surface_notch = Raw("DPU_RDMA", "RDMA_SURF_NOTCH");
  isa::StridedCube src{0, 0, uint64_t{width} * g.c2, g.c2, g.c2};
  if (platform_.dpu_rdma_line_notch_in_atoms) {
    const uint64_t line_notch = static_cast<uint64_t>(F("DPU_RDMA", "RDMA_SRC_DMA_CFG", "LINE_NOTCH_ADDR")) * g.c2;
    src.line += line_notch;
    src.surface = rows * src.line - line_notch + surface_notch;
  } else {
    src.line += surface_notch;
    src.surface = rows * src.line;
  }
  r.source = Cube("DPU_RDMA", "RDMA_SRC_BASE_ADDR", src, t.kernels, rows, width);
  t.input = isa::Surface{r.source.addr, t.kernels, rows, width, g.c2, isa::ElemType::kInt8};
  if (r.ew) t.input2 = isa::Surface{r.ew_source.addr, t.kernels, rows, width, r.ew_source.c2, isa::ElemType::kInt8};
  return t;
}

isa::Layer LayerOf(const RknnModel& model, const RNode& node) {
  isa::Layer l;
  l.name = node.name;
  l.op_type = node.type;
  l.data_type = "INT8";
  l.target = "NPU";
  auto shape = [&](int32_t id) {
    const std::vector<int32_t>& s = model.tensors[static_cast<size_t>(id)].shape;
    return std::vector<int64_t>(s.begin(), s.end());
  };
  for (int32_t id : node.inputs) l.input_shapes.push_back(shape(id));
  for (int32_t id : node.outputs) l.output_shapes.push_back(shape(id));
  return l;
}

isa::IoTensor IoOf(const RknnModel& model, const DdrLayout& ddr, int32_t id, const std::string& what) {
  const RTensor& t = model.tensors[static_cast<size_t>(id)];
  isa::IoTensor io;
  io.name = t.name;
  io.shape.assign(t.shape.begin(), t.shape.end());
  if (t.scale.size() != 1 || t.zero_point.size() != 1)
    throw Error(what + ": graph input/output '" + t.name + "' has no per-tensor int8 quantization");
  io.scale = t.scale[0];
  io.zero_point = t.zero_point[0];
  io.surface = SurfaceOf(t, ddr.addr[static_cast<size_t>(id)], what + ": graph input/output");
  return io;
}

bool IsIoOperator(const std::string& type) { return type == "InputOperator" || type == "OutputOperator"; }

}  // namespace

std::vector<uint32_t> FirstSchedule(const std::vector<isa::NpuTask>& tasks, const std::string& what) {
  std::vector<uint32_t> chain;
  std::map<uint64_t, uint32_t> by_address;
  for (const isa::NpuTask& t : tasks) by_address.emplace(t.record.regcmd_addr, t.index);
  for (uint32_t i = 0; !tasks.empty();) {
    chain.push_back(i);
    uint64_t next = 0;
    for (const isa::RegWrite& w : tasks[i].chain)
      if (w.block == kPcBlock && w.reg == kPcBaseAddress) next = w.value;
    if (next == 0) break;
    const auto it = by_address.find(next);
    if (it == by_address.end() || it->second <= i)
      throw Error(what + ": task " + std::to_string(i) + " chains to command address " + std::to_string(next) +
                  ", where no later task starts");
    i = it->second;
  }
  return chain;
}

RegcmdProgram LowerRegcmdProgram(const RknnModel& model, const std::vector<isa::NpuTask>& tasks,
                                 const isa::PlatformConfig& platform, const std::string& what) {
  if (tasks.empty())
    throw Error(what + " holds no task array: toolkits up to 1.5 store per-operation register blobs that rknn-sim "
                       "does not decode",
                "recompile the model with RKNN-Toolkit2 1.6 or later, or convert its source model with `rknn-sim convert`");
  const DdrLayout ddr = LayOut(model, what);
  std::map<int64_t, const RRelocation*> relocated;
  for (const RRelocation& r : model.relocations) relocated[r.word] = &r;

  RegcmdProgram out;
  isa::Program& p = out.program;
  p.target = model.target;
  p.platform = platform.platform;
  p.compute_type = isa::ElemType::kInt8;
  p.weights = ddr.constants;
  p.memory.weight_base = 0;
  p.memory.weight_bytes = ddr.constants.size();
  p.memory.internal_base = ddr.internal_base;
  p.memory.internal_bytes = model.internal_bytes;
  p.memory.other_bytes = model.regcmd_bytes + model.task_bytes;

  std::map<std::string, size_t> by_name;
  for (size_t i = 0; i < model.tensors.size(); ++i)
    if (!model.tensors[i].name.empty()) by_name.emplace(model.tensors[i].name, i);
  isa::RegisterFile regs(isa::RegisterDb::Builtin(), model.target);
  std::map<uint32_t, uint32_t> layer_of_node;
  for (uint32_t index : FirstSchedule(tasks, what)) {
    const isa::NpuTask& task = tasks[index];
    regs.Apply(task);
    if (task.record.op_idx >= model.nodes.size())
      throw Error(what + ": task " + std::to_string(index) + " belongs to node " + std::to_string(task.record.op_idx) +
                  " of " + std::to_string(model.nodes.size()));
    const RNode& node = model.nodes[task.record.op_idx];
    // The I/O operators' tasks convert layouts and types for the board's runtime API; rknn-sim's
    // runtime reads and writes the graph's int8 tensors itself (docs/rknn-format.md §8).
    if (IsIoOperator(node.type)) {
      out.skipped.push_back(index);
      continue;
    }
    // A write to a block the database has no map of for this target could change anything.
    for (const isa::RegWrite& w : task.writes)
      if (!isa::RegisterDb::Builtin().Block(w.block, model.target))
        throw Error(what + ": task " + std::to_string(index) + " (node '" + node.name + "', " + node.type +
                        ") writes register " + Hex(w.reg) + " of block " + Hex(w.block) +
                        ", which the register database does not know for " + model.target,
                    "`rknn-sim disasm` lists the task; isa/npu_registers.yaml holds what is known");
    const uint32_t enable = task.record.enable_mask;
    const TaskDecoder decoder(model, ddr, regs, relocated, by_name, task, platform, what);
    isa::Task t;
    if (enable & isa::kUnitCna) {
      t = decoder.Conv();
    } else if ((enable & (isa::kUnitDpu | isa::kUnitDpuRdma)) == (isa::kUnitDpu | isa::kUnitDpuRdma) &&
               !(enable & (isa::kUnitPpu | isa::kUnitPpuRdma))) {
      t = decoder.DpuOnly();
    } else {
      throw Error(what + ": task " + std::to_string(index) + " (node '" + node.name + "', " + node.type +
                      ") runs units (enable " + Hex(enable) + ") rknn-sim does not execute yet",
                  "`rknn-sim disasm` lists its registers; `perf` and `memory` work on the file");
    }
    const auto [it, fresh] = layer_of_node.emplace(task.record.op_idx, static_cast<uint32_t>(p.layers.size()));
    if (fresh) {
      p.layers.push_back(LayerOf(model, node));
      out.layer_node.push_back(static_cast<int32_t>(task.record.op_idx));
    }
    t.layer = it->second;
    p.tasks.push_back(std::move(t));
    out.file_task.push_back(index);
  }
  // Nodes without tasks other than the I/O operators run on the CPU, after the NPU program (what
  // the shared files need: pp_human_segv2's ArgMax and Reshape). Their results are int8 arrays in
  // NCHW order past the file's internal memory.
  uint32_t last_npu_node = 0;
  for (const auto& [node, layer] : layer_of_node) last_npu_node = std::max(last_npu_node, node);
  std::map<int32_t, isa::IoTensor> host_made;  // tensor -> its linear surface and quantization
  uint64_t scratch = AlignUp(ddr.internal_base + model.internal_bytes, kConstantAlign);
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    const RNode& node = model.nodes[i];
    if (IsIoOperator(node.type) || layer_of_node.count(i)) continue;
    const std::string who = what + ": node '" + node.name + "' (" + node.type + ")";
    if (i < last_npu_node)
      throw Error(who + " has no NPU task and runs before the NPU program ends; CPU nodes between NPU tasks are not "
                        "executed yet");
    if ((node.type != "ArgMax" && node.type != "Reshape") || node.inputs.empty() || node.outputs.size() != 1)
      throw Error(who + " runs on the CPU, which rknn-sim executes for ArgMax and Reshape only so far");
    HostOp op{node.type, node.inputs[0], node.outputs[0]};
    const auto made = host_made.find(op.input);
    isa::IoTensor in = made != host_made.end() ? made->second : IoOf(model, ddr, op.input, what);
    const RTensor& out_tensor = model.tensors[static_cast<size_t>(op.output)];
    isa::IoTensor result;
    result.name = out_tensor.name;
    result.shape.assign(out_tensor.shape.begin(), out_tensor.shape.end());
    uint64_t count = 1;
    for (int64_t d : result.shape) count *= static_cast<uint64_t>(std::max<int64_t>(d, 0));
    if (op.type == "ArgMax") {
      // Over the channels of an NCHW tensor, as the shared file's ArgMax; indices fit int8 codes.
      const int32_t axis = node.attrs.has_axis ? node.attrs.axis : 0;
      if (in.shape.size() != 4 || (axis != 1 && axis != -3) || in.shape[1] > 128)
        throw Error(who + ": ArgMax over axis " + std::to_string(axis) + " of a " + std::to_string(in.shape.size()) +
                    "-D tensor is not executed yet (the channel axis of NCHW, at most 128 channels, is)");
      result.scale = 1.0f, result.zero_point = 0;
      if (count != static_cast<uint64_t>(in.shape[0] * in.shape[2] * in.shape[3]))
        throw Error(who + ": its output holds " + std::to_string(count) + " elements, not one per pixel");
    } else {
      result.scale = in.scale, result.zero_point = in.zero_point;
      uint64_t in_count = 1;
      for (int64_t d : in.shape) in_count *= static_cast<uint64_t>(std::max<int64_t>(d, 0));
      if (count != in_count) throw Error(who + ": reshapes " + std::to_string(in_count) + " into " + std::to_string(count) + " elements");
    }
    result.surface = isa::Surface{scratch, static_cast<uint32_t>(count), 1, 1, 1, isa::ElemType::kInt8};
    scratch = AlignUp(scratch + count, kConstantAlign);

    isa::Task t;
    t.op = isa::TaskOp::kCpu;
    t.cpu_node = static_cast<uint32_t>(out.host_ops.size());
    t.cpu_inputs = {in.surface};
    t.cpu_outputs = {result.surface};
    t.input = in.surface;
    t.output = result.surface;
    t.layer = static_cast<uint32_t>(p.layers.size());
    isa::Layer layer = LayerOf(model, node);
    layer.target = "CPU";
    p.layers.push_back(std::move(layer));
    out.layer_node.push_back(static_cast<int32_t>(i));
    p.tasks.push_back(std::move(t));
    out.host_ops.push_back(op);
    host_made[op.output] = result;
  }
  p.memory.internal_bytes = scratch - ddr.internal_base;
  out.tensor_addr = ddr.addr;
  for (int32_t id : model.inputs) p.inputs.push_back(IoOf(model, ddr, id, what));
  for (int32_t id : model.outputs) {
    const auto made = host_made.find(id);
    p.outputs.push_back(made != host_made.end() ? made->second : IoOf(model, ddr, id, what));
    out.int64_outputs.push_back(model.tensors[static_cast<size_t>(id)].dtype == 7);
  }
  return out;
}

isa::Program ProgramUpTo(const RknnModel& model, const RegcmdProgram& regcmd, int32_t tensor, const std::string& what) {
  const RTensor& t = model.tensors.at(static_cast<size_t>(tensor));
  int64_t last = -1;
  for (size_t k = 0; k < regcmd.program.tasks.size(); ++k) {
    const isa::Task& task = regcmd.program.tasks[k];
    if (task.op == isa::TaskOp::kCpu) continue;
    const RNode& node = model.nodes.at(static_cast<size_t>(regcmd.layer_node.at(task.layer)));
    if (std::find(node.outputs.begin(), node.outputs.end(), tensor) != node.outputs.end()) last = static_cast<int64_t>(k);
  }
  if (last < 0) throw Error(what + ": no NPU task of the file's schedule writes tensor '" + t.name + "'");
  isa::Program p = regcmd.program;
  p.tasks.resize(static_cast<size_t>(last) + 1);
  isa::IoTensor io;
  io.name = t.name;
  io.shape.assign(t.shape.begin(), t.shape.end());
  if (t.scale.size() != 1 || t.zero_point.size() != 1)
    throw Error(what + ": tensor '" + t.name + "' has no per-tensor int8 quantization");
  io.scale = t.scale[0], io.zero_point = t.zero_point[0];
  io.surface = SurfaceOf(t, regcmd.tensor_addr.at(static_cast<size_t>(tensor)), what);
  p.outputs = {io};
  return p;
}

void RunHostOp(const RegcmdProgram& program, const isa::Task& task, const std::vector<std::vector<uint8_t>>& inputs,
               std::vector<std::vector<uint8_t>>& outputs) {
  const HostOp& op = program.host_ops.at(task.cpu_node);
  const isa::Surface& in = task.cpu_inputs.at(0);
  const isa::Surface& out = task.cpu_outputs.at(0);
  const std::vector<uint8_t>& image = inputs.at(0);
  outputs.assign(1, std::vector<uint8_t>(out.bytes(), 0));
  if (op.type == "Reshape") {
    // The elements in NCHW order (linear surfaces are that order already).
    uint64_t i = 0;
    for (uint32_t c = 0; c < in.channels; ++c)
      for (uint32_t y = 0; y < in.height; ++y)
        for (uint32_t x = 0; x < in.width; ++x) outputs[0][i++] = image[in.Offset(c, y, x)];
    return;
  }
  // ArgMax over the channels of the int8 codes (scale > 0 keeps the order of the values): the
  // first maximum, as numpy and the board's CPU op pick it.
  for (uint32_t y = 0; y < in.height; ++y)
    for (uint32_t x = 0; x < in.width; ++x) {
      uint32_t best = 0;
      for (uint32_t c = 1; c < in.channels; ++c)
        if (static_cast<int8_t>(image[in.Offset(c, y, x)]) > static_cast<int8_t>(image[in.Offset(best, y, x)])) best = c;
      outputs[0][uint64_t{y} * in.width + x] = static_cast<uint8_t>(best);
    }
}

std::vector<InputNorm> InputNorms(const RknnModel& model, const std::string& what) {
  // Model attrs are a Python literal ({'attrs': {name: {'mean': [...], ...}}}); its strings hold
  // no quotes, so quote and keyword substitution turns it into JSON.
  std::string text = model.attrs_text;
  for (char& c : text)
    if (c == '\'') c = '"';
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"True", "true"}, {"False", "false"}, {"None", "null"}}) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  }
  const nlohmann::json attrs = nlohmann::json::parse(text, nullptr, false);
  std::vector<InputNorm> out;
  for (int32_t id : model.inputs) {
    const RTensor& t = model.tensors[static_cast<size_t>(id)];
    InputNorm n;
    const size_t channels = t.shape.size() >= 2 ? static_cast<size_t>(std::max(t.shape[1], 1)) : 1;
    n.mean.assign(channels, 0.0f);
    n.std.assign(channels, 1.0f);
    if (!attrs.is_discarded() && attrs.contains("attrs") && attrs["attrs"].contains(t.name)) {
      const nlohmann::json& a = attrs["attrs"][t.name];
      auto fill = [&](const char* key, std::vector<float>& v) {
        if (!a.contains(key) || !a[key].is_array() || a[key].empty()) return;
        for (size_t c = 0; c < channels; ++c) {
          const nlohmann::json& x = a[key][std::min(c, a[key].size() - 1)];
          if (!x.is_number()) throw Error(what + ": the '" + key + "' of input '" + t.name + "' is not a list of numbers");
          v[c] = x.get<float>();
        }
      };
      fill("mean", n.mean);
      fill("std", n.std);
      n.rgb2bgr = a.contains("rgb2bgr") && a["rgb2bgr"].is_boolean() && a["rgb2bgr"].get<bool>();
    }
    for (float s : n.std)
      if (s == 0.0f) throw Error(what + ": input '" + t.name + "' records a std of 0");
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace rknnsim::rknn
