#include "compiler/rknn/regcmd_program.h"

#include <algorithm>
#include <map>

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

int64_t Product(const std::vector<int32_t>& dims) {
  int64_t n = 1;
  for (int32_t d : dims) n *= d;
  return n;
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

// A feature map as the file lays it out: native [N, C1, H, W, C2] int8 (inputs: C2 = channels).
isa::Surface SurfaceOf(const RTensor& t, int64_t addr, const std::string& who) {
  if (t.native_shape.size() != 5 || t.native_shape[0] != 1 || addr < 0)
    throw Error(who + ": tensor '" + t.name + "' is not a batch-1 NC1HWC2 feature map in memory (native shape of " +
                std::to_string(t.native_shape.size()) + " dims)");
  if (t.dtype != 3)
    throw Error(who + ": tensor '" + t.name + "' is " + DTypeName(t.dtype) + "; only int8 feature maps are executed");
  isa::Surface s;
  s.addr = static_cast<uint64_t>(addr);
  s.c2 = static_cast<uint32_t>(t.native_shape[4]);
  s.channels = t.shape.size() >= 2 ? static_cast<uint32_t>(t.shape[1]) : s.c2;
  s.height = static_cast<uint32_t>(t.native_shape[2]);
  s.width = static_cast<uint32_t>(t.native_shape[3]);
  s.type = isa::ElemType::kInt8;
  if (s.c2 == 0 || s.c1() > static_cast<uint32_t>(t.native_shape[1]) || s.bytes() > static_cast<uint64_t>(t.size))
    throw Error(who + ": tensor '" + t.name + "' has an inconsistent native shape for its " + std::to_string(t.size) +
                " bytes");
  return s;
}

// The decoding context of one task: its registers, node, tensors and relocations.
class TaskDecoder {
 public:
  TaskDecoder(const RknnModel& model, const DdrLayout& ddr, const isa::RegisterFile& regs,
              const std::map<int64_t, const RRelocation*>& relocated, const isa::NpuTask& task,
              const isa::PlatformConfig& platform, const std::string& what)
      : model_(model), ddr_(ddr), regs_(regs), relocated_(relocated), task_(task), platform_(platform),
        node_(model.nodes[task.record.op_idx]) {
    who_ = what + ": task " + std::to_string(task.index) + " (node '" + node_.name + "', " + node_.type + ")";
  }

  isa::Task Conv() const;

 private:
  int64_t F(const char* block, const char* reg, const char* field) const { return regs_.Field(block, reg, field, who_); }
  uint32_t Raw(const char* block, const char* reg) const { return regs_.Raw(block, reg, who_); }

  const RTensor& Operand(size_t role, int32_t* index) const {
    const std::vector<int32_t>& ids = role == kOutput ? node_.outputs : node_.inputs;
    const size_t i = role == kOutput ? 0 : role;
    if (i >= ids.size())
      throw Error(who_ + ": the node has " + std::to_string(ids.size()) + (role == kOutput ? " outputs" : " inputs") +
                  ", its " + RoleName(role) + " is missing");
    *index = ids[i];
    return model_.tensors[static_cast<size_t>(ids[i])];
  }

  // The DDR address an address register points at: the node's tensor of that role plus the
  // register's value (the offset inside it). Where the file relocates the word, the relocation
  // must name the same tensor and offset.
  uint64_t Address(const char* block, const char* reg, size_t role, uint64_t span) const {
    int32_t index = 0;
    const RTensor& t = Operand(role, &index);
    const uint32_t offset = Raw(block, reg);
    const auto it = relocated_.find(regs_.WordOf(block, reg));
    if (it != relocated_.end() && (it->second->tensor != t.name || it->second->offset != offset))
      throw Error(who_ + ": " + block + "." + reg + " is relocated to '" + it->second->tensor + "' + " +
                  std::to_string(it->second->offset) + " but the node's " + RoleName(role) + " is '" + t.name + "' + " +
                  std::to_string(offset));
    const int64_t base = ddr_.addr[static_cast<size_t>(index)];
    const uint64_t size = t.is_activation() ? static_cast<uint64_t>(t.size) : t.data.size();
    if (base < 0 || uint64_t{offset} + span > size)
      throw Error(who_ + ": " + block + "." + reg + " = " + std::to_string(offset) + " plus the " + std::to_string(span) +
                  " bytes the task reads or writes lies outside tensor '" + t.name + "' (" + std::to_string(size) +
                  " bytes)");
    return static_cast<uint64_t>(base) + offset;
  }

  bool Relocated(const char* block, const char* reg) const {
    return relocated_.count(regs_.WordOf(block, reg)) != 0;
  }

  static const char* RoleName(size_t role) {
    switch (role) {
      case 0: return "data input";
      case 1: return "weight";
      case 2: return "bias";
      case 3: return "second addend";
      default: return "output";
    }
  }
  static constexpr size_t kData = 0, kWeight = 1, kBias = 2, kAddend = 3, kOutput = 4;

  void Require(bool ok, const std::string& what) const {
    if (!ok) throw Error(who_ + ": " + what);
  }

  const RknnModel& model_;
  const DdrLayout& ddr_;
  const isa::RegisterFile& regs_;
  const std::map<int64_t, const RRelocation*>& relocated_;
  const isa::NpuTask& task_;
  const isa::PlatformConfig& platform_;
  const RNode& node_;
  std::string who_;
};

isa::Task TaskDecoder::Conv() const {
  Require(F("CNA", "CONV_CON1", "CONV_MODE") == 0 && F("CNA", "CONV_CON1", "DECONV") == 0,
          "CNA.CONV_CON1 asks for a depthwise or transposed convolution, which is not executed yet");
  Require(F("CNA", "CONV_CON1", "IN_PRECISION") == 0 && F("CNA", "CONV_CON1", "PROC_PRECISION") == 0,
          "CNA.CONV_CON1 asks for a precision other than int8, which is not executed yet");
  Require(F("CNA", "CVT_CON0", "CVT_BYPASS") == 1, "CNA.CVT_CON0 enables the input converter, which is not decoded");
  Require(F("CNA", "CONV_CON3", "ATROUS_X_DILATION") <= 1 && F("CNA", "CONV_CON3", "ATROUS_Y_DILATION") <= 1,
          "CNA.CONV_CON3 asks for a dilated convolution, which is not executed yet");
  Require(!regs_.Written("CORE", "CLIP_TRUNCATE") || F("CORE", "CLIP_TRUNCATE", "CLIP_TRUNCATE") == 0,
          "CORE.CLIP_TRUNCATE shifts the accumulators, which is not decoded");
  Require(F("DPU", "BN_CFG", "BN_BYPASS") == 1, "DPU.BN_CFG enables the BN stage, which is not decoded");
  Require(F("DPU", "FEATURE_MODE_CFG", "FLYING_MODE") == 0, "DPU.FEATURE_MODE_CFG reads memory instead of the MAC array");
  Require(F("DPU", "OUT_CVT_SCALE", "FP32TOFP16_EN") == 0 && F("DPU", "DATA_FORMAT", "OUT_PRECISION") == 0,
          "the DPU writes a type other than int8, which is not executed yet");

  isa::Task t;
  t.op = isa::TaskOp::kConv;
  t.enable_mask = task_.record.enable_mask;
  t.conv_mode = isa::ConvMode::kDirect;
  isa::RegcmdConv& r = t.regcmd;
  r.on = true;

  // Window and tile geometry (CNA), output cube (DPU).
  const uint32_t in_w = static_cast<uint32_t>(F("CNA", "DATA_SIZE0", "DATAIN_WIDTH"));
  const uint32_t in_rows = static_cast<uint32_t>(F("CNA", "DATA_SIZE0", "DATAIN_HEIGHT"));
  const uint32_t real_channels = static_cast<uint32_t>(F("CNA", "DATA_SIZE1", "DATAIN_CHANNEL_REAL")) + 1;
  t.stride_w = static_cast<uint32_t>(F("CNA", "CONV_CON3", "CONV_X_STRIDE"));
  t.stride_h = static_cast<uint32_t>(F("CNA", "CONV_CON3", "CONV_Y_STRIDE"));
  t.kernel_w = static_cast<uint32_t>(F("CNA", "WEIGHT_SIZE2", "WEIGHT_WIDTH"));
  t.kernel_h = static_cast<uint32_t>(F("CNA", "WEIGHT_SIZE2", "WEIGHT_HEIGHT"));
  const uint32_t weight_kernels = static_cast<uint32_t>(F("CNA", "WEIGHT_SIZE2", "WEIGHT_KERNELS"));
  const uint32_t tile_pad_top = static_cast<uint32_t>(F("CNA", "PAD_CON0", "PAD_TOP"));
  t.pad_left = static_cast<uint32_t>(F("CNA", "PAD_CON0", "PAD_LEFT"));
  const uint32_t out_w = static_cast<uint32_t>(F("CNA", "DATA_SIZE2", "DATAOUT_WIDTH"));
  t.out_rows = static_cast<uint32_t>(F("DPU", "DATA_CUBE_HEIGHT", "HEIGHT")) + 1;
  t.kernels = static_cast<uint32_t>(F("DPU", "DATA_CUBE_CHANNEL", "CHANNEL")) + 1;
  Require(t.stride_w > 0 && t.stride_h > 0 && t.kernel_w > 0 && t.kernel_h > 0 && in_rows > 0,
          "CNA.CONV_CON3 / WEIGHT_SIZE2 / DATA_SIZE0 describe an empty window");
  // The pad value: RK3588 and RV110x write CNA.PAD_CON1; RK356x files carry it in the upper half of
  // PAD_CON0, which Mesa's map leaves reserved (docs/rknn-format.md §8).
  if (regs_.Written("CNA", "PAD_CON1"))
    r.pad_value = static_cast<int32_t>(F("CNA", "PAD_CON1", "PAD_VALUE"));
  else
    r.pad_value = static_cast<int16_t>(Raw("CNA", "PAD_CON0") >> 16);

  int32_t index = 0;
  const RTensor& input = Operand(kData, &index);
  t.input = SurfaceOf(input, ddr_.addr[static_cast<size_t>(index)], who_);
  const RTensor& output = Operand(kOutput, &index);
  t.output = SurfaceOf(output, ddr_.addr[static_cast<size_t>(index)], who_);
  Require(in_w == t.input.width && real_channels <= t.input.c1() * t.input.c2,
          "CNA.DATA_SIZE0/1 (" + std::to_string(in_w) + " wide, " + std::to_string(real_channels) +
              " channels) do not match input '" + input.name + "'");
  Require(out_w == t.output.width && weight_kernels <= t.kernels,
          "CNA.DATA_SIZE2 / DPU.DATA_CUBE_CHANNEL (" + std::to_string(out_w) + " wide, " + std::to_string(t.kernels) +
              " channels) do not match output '" + output.name + "'");
  t.input.channels = real_channels;

  // Row tile: the input and output rows the registers address, turned into the layer-level
  // window our tasks carry (padding of the whole layer, out_row_begin).
  // Spans: the DMA reads C1 surfaces of the tile's rows; the DPU writes the C1 surfaces of all
  // t.kernels channels, which may be more than the output's native C1 (its allocation covers them).
  auto span = [](const isa::Surface& s, uint32_t surfaces, uint32_t rows) {
    return uint64_t{surfaces - 1} * s.surface_stride() + uint64_t{rows} * s.line_stride();
  };
  const uint32_t out_surfaces = (t.kernels + t.output.c2 - 1) / t.output.c2;
  Require(!regs_.Written("DPU", "DST_SURF_STRIDE") || Raw("DPU", "DST_SURF_STRIDE") == t.output.surface_stride(),
          "DPU.DST_SURF_STRIDE (" + std::to_string(Raw("DPU", "DST_SURF_STRIDE")) + ") is not the output's surface size " +
              std::to_string(t.output.surface_stride()));
  const uint64_t in_offset =
      Address("CNA", "FEATURE_DATA_ADDR", kData, span(t.input, t.input.c1(), in_rows)) - t.input.addr;
  Require(in_offset % t.input.line_stride() == 0, "CNA.FEATURE_DATA_ADDR does not start an input row");
  const uint32_t in_row0 = static_cast<uint32_t>(in_offset / t.input.line_stride());
  const uint64_t out_offset =
      Address("DPU", "DST_BASE_ADDR", kOutput, span(t.output, out_surfaces, t.out_rows)) - t.output.addr;
  Require(out_offset % t.output.line_stride() == 0, "DPU.DST_BASE_ADDR does not start an output row");
  t.out_row_begin = static_cast<uint32_t>(out_offset / t.output.line_stride());
  Require(t.out_row_begin + t.out_rows <= t.output.height && in_row0 + in_rows <= t.input.height,
          "the tile's rows run past the feature maps");
  const int64_t pad_top = int64_t{t.out_row_begin} * t.stride_h + tile_pad_top - in_row0;
  Require(pad_top >= 0 && pad_top <= 15, "the tile's rows do not line up with its output rows");
  t.pad_top = static_cast<uint32_t>(pad_top);
  const int64_t pad_bottom = int64_t{t.output.height - 1} * t.stride_h + t.kernel_h - pad_top - t.input.height;
  const int64_t pad_right = int64_t{out_w - 1} * t.stride_w + t.kernel_w - t.pad_left - in_w;
  t.pad_bottom = static_cast<uint32_t>(std::max<int64_t>(pad_bottom, 0));
  t.pad_right = static_cast<uint32_t>(std::max<int64_t>(pad_right, 0));
  // The hardware sees only the fetched rows: every in-image tap of the tile must lie among them.
  const int64_t first_tap = int64_t{t.out_row_begin} * t.stride_h - pad_top;
  const int64_t last_tap = int64_t{t.out_row_begin + t.out_rows - 1} * t.stride_h - pad_top + t.kernel_h - 1;
  Require(std::max<int64_t>(first_tap, 0) >= in_row0 &&
              std::min<int64_t>(last_tap, int64_t{t.input.height} - 1) < int64_t{in_row0} + in_rows,
          "the tile's window reaches input rows CNA.DATA_SIZE0 does not fetch");

  // Weights: the node's weight tensor in native blocks [O1, I1, kh, kw, Ob, Ib].
  const RTensor& weight = Operand(kWeight, &index);
  const std::vector<int32_t>& wn = weight.native_shape;
  Require(wn.size() == 6 && wn[2] == static_cast<int32_t>(t.kernel_h) && wn[3] == static_cast<int32_t>(t.kernel_w) &&
              weight.dtype == 3 && static_cast<uint64_t>(Product(wn)) == weight.data.size(),
          "weight '" + weight.name + "' is not int8 native blocks of the task's kernel size");
  r.weight_o1 = static_cast<uint32_t>(wn[0]), r.weight_i1 = static_cast<uint32_t>(wn[1]);
  r.weight_ob = static_cast<uint32_t>(wn[4]), r.weight_ib = static_cast<uint32_t>(wn[5]);
  Require(r.weight_i1 * r.weight_ib >= real_channels, "weight '" + weight.name + "' has fewer input channels than the task reads");
  t.weight_bytes = static_cast<uint32_t>(weight.data.size());
  t.weight_addr = Address("CNA", "DCOMP_ADDR0", kWeight, t.weight_bytes);
  t.weight_kernel_atom = r.weight_ob;

  // DPU: BS stage from the bias blob, weight offset, EW stage, output converter.
  r.bs_group = static_cast<uint32_t>(platform_.dpu_bs_operand_group);
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
  Require(!r.bs_alu || F("DPU", "BS_CFG", "BS_ALU_SRC") == 1, "DPU.BS_CFG takes the bias from a register, not decoded");
  Require(!r.bs_mul || F("DPU", "BS_MUL_CFG", "BS_MUL_SRC") == 1,
          "DPU.BS_MUL_CFG takes the multiplier from a register, not decoded");
  r.bs_mul_shift = static_cast<uint32_t>(F("DPU", "BS_MUL_CFG", "BS_MUL_SHIFT_VALUE"));
  r.ow_from_blob = F("DPU", "BS_OW_CFG", "OW_SRC") == 1;
  r.ow_value = r.ow_from_blob ? 0 : static_cast<int32_t>(F("DPU", "BS_OW_OP", "OW_OP"));
  if (r.bs_alu || r.bs_mul || r.ow_from_blob)
    t.dpu_table_addr = Address("DPU_RDMA", "RDMA_BS_BASE_ADDR", kBias, r.BsBlobBytes(t.kernels));

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
    const RTensor& addend = Operand(kAddend, &index);
    t.input2 = SurfaceOf(addend, ddr_.addr[static_cast<size_t>(index)], who_);
    Require(t.input2.width == out_w && t.input2.height == t.output.height && t.input2.c2 == t.output.c2,
            "the second addend '" + addend.name + "' does not have the output's layout");
    // The addend's rows, at the output tile's row, come through DPU_RDMA's source address in RK3588
    // files and through its EW address in RK3566 files: whichever of the two the file relocates.
    const char* reg = Relocated("DPU_RDMA", "RDMA_SRC_BASE_ADDR") ? "RDMA_SRC_BASE_ADDR" : "RDMA_EW_BASE_ADDR";
    const uint64_t add_offset = Address("DPU_RDMA", reg, kAddend, span(t.input2, out_surfaces, t.out_rows)) - t.input2.addr;
    Require(add_offset == uint64_t{t.out_row_begin} * t.input2.line_stride(),
            std::string("DPU_RDMA.") + reg + " does not point at the output tile's rows of the second addend");
  }
  r.out_scale = static_cast<int32_t>(F("DPU", "OUT_CVT_SCALE", "OUT_CVT_SCALE"));
  r.out_shift = static_cast<uint32_t>(F("DPU", "OUT_CVT_SHIFT", "OUT_CVT_SHIFT"));
  r.out_offset = static_cast<int32_t>(F("DPU", "OUT_CVT_OFFSET", "OUT_CVT_OFFSET"));
  Require(r.out_shift <= 40 && r.bs_mul_shift <= 40 && r.ew_shift <= 40, "a DPU shift exceeds 40 bits");
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
    const bool cna = (task.record.enable_mask & isa::kUnitCna) != 0;
    if (!cna)
      throw Error(what + ": task " + std::to_string(index) + " (node '" + node.name + "', " + node.type +
                      ") runs units without the CNA (enable 0x" +
                      [&] { char b[16]; std::snprintf(b, sizeof(b), "%x", task.record.enable_mask); return std::string(b); }() +
                      "), which rknn-sim does not execute yet",
                  "`rknn-sim disasm` lists its registers; `perf` and `memory` work on the file");
    isa::Task t = TaskDecoder(model, ddr, regs, relocated, task, platform, what).Conv();
    const auto [it, fresh] = layer_of_node.emplace(task.record.op_idx, static_cast<uint32_t>(p.layers.size()));
    if (fresh) p.layers.push_back(LayerOf(model, node));
    t.layer = it->second;
    p.tasks.push_back(std::move(t));
    out.file_task.push_back(index);
  }
  for (int32_t id : model.inputs) p.inputs.push_back(IoOf(model, ddr, id, what));
  for (int32_t id : model.outputs) p.outputs.push_back(IoOf(model, ddr, id, what));
  return out;
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
