#include "compiler/rknn/regcmd_decoder.h"

#include <algorithm>

#include "common/error.h"

namespace rknnsim::rknn {

// The DPU stages and the write of a `channels` × `rows` × `width` cube (conv output or DPU-only
// input), common to both kinds of task: BS, BN, EW, output converter, WDMA strides.
void TaskDecoder::DecodeDpu(isa::Task& t, uint32_t channels, uint32_t rows, uint32_t width) const {
  isa::RegcmdTask& r = t.regcmd;
  // RV110x files set FP32TOFP16_EN (and DPU_RDMA's FP16TOFP32) on int8 reshapes; with int8 in and
  // out these conversions of floating-point data are taken to change nothing. A float16
  // convolution's DPU works in precision 2 throughout.
  const Fp16Codes codes = Fp16CodesOfMap();
  Require(F("DPU", "DATA_FORMAT", "OUT_PRECISION") == (r.fp16 ? 2 : 0) &&
              F("DPU", "DATA_FORMAT", "IN_PRECISION") == (r.fp16 ? codes.dpu_in : 0) &&
              (!r.fp16 || F("DPU", "DATA_FORMAT", "PROC_PRECISION") == 2),
          r.fp16 ? "DPU.DATA_FORMAT does not work in float16 throughout a float16 convolution, which is not decoded"
                 : "the DPU works on a type other than int8, which is not executed yet");
  t.out_rows = rows;
  t.kernels = channels;

  // BS, its operands from registers or from DPU_RDMA's BS stream.
  const bool bs = F("DPU", "BS_CFG", "BS_BYPASS") == 0;
  r.bs_alu = bs && F("DPU", "BS_CFG", "BS_ALU_BYPASS") == 0;
  r.bs_mul = bs && F("DPU", "BS_CFG", "BS_MUL_BYPASS") == 0;
  r.bs_relu = bs && F("DPU", "BS_CFG", "BS_RELU_BYPASS") == 0;
  Require(!bs || F("DPU", "BS_CFG", "BS_MUL_PRELU") == 0, "DPU.BS_CFG asks for PReLU, which is not decoded");
  if (r.bs_relu) ReluBounds("BS", r.bs_relu_min, r.bs_relu_max);
  // ALU_ALGO 0 (RK356x files) and 2 (RK3588 files, Mesa) both add: reading them as anything else
  // moves the demo's outputs far off its source model (docs/rknn-format.md §8).
  const int64_t bs_algo = F("DPU", "BS_CFG", "BS_ALU_ALGO");
  Require(!r.bs_alu || bs_algo == 0 || bs_algo == 2,
          "DPU.BS_CFG BS_ALU_ALGO=" + std::to_string(bs_algo) + " is not an addition, which is not decoded");
  // RV110x's BS_CFG adds a shift after the multiplier (bits 9..13, isa/npu_registers.yaml).
  const bool rv110x_bs = Rv110xMap();
  const int64_t cfg_shift = rv110x_bs && bs ? F("DPU", "BS_CFG", "BS_MUL_SHIFT") : 0;
  const int64_t use =
      regs_.Written("DPU_RDMA", "RDMA_BRDMA_CFG") ? F("DPU_RDMA", "RDMA_BRDMA_CFG", "BRDMA_DATA_USE") : 0;
  // An RV110x depthwise task's stream of biases and multipliers applies whatever BS_CFG's bypass
  // bits say (open-rknpu measured this on an RV1103 board).
  if (rv110x_bs && bs && t.op == isa::TaskOp::kConv && use == 5) r.bs_alu = r.bs_mul = true;
  const bool alu_memory = r.bs_alu && (F("DPU", "BS_CFG", "BS_ALU_SRC") == 1 || use == 5);
  const bool mul_memory = r.bs_mul && (F("DPU", "BS_MUL_CFG", "BS_MUL_SRC") == 1 || use == 5);
  r.bs_alu_operand = static_cast<int32_t>(Raw("DPU", "BS_ALU_CFG"));
  r.bs_mul_operand = static_cast<uint32_t>(F("DPU", "BS_MUL_CFG", "BS_MUL_OPERAND"));
  const int64_t mul_shift = F("DPU", "BS_MUL_CFG", "BS_MUL_SHIFT_VALUE") + ExtraBsShift(r.bs_mul);
  Require(mul_shift == 0 || cfg_shift == 0, "DPU.BS_MUL_CFG and DPU.BS_CFG both shift the BS product");
  r.bs_mul_shift = static_cast<uint32_t>(mul_shift + cfg_shift);
  // The weight offsets come from the stream only when it holds them (RV110x depthwise tasks set
  // OW_SRC but carry the offsets inside their weights).
  // Weight offsets correct int8 sums for the input's zero point; a float16 sum has none (the
  // float16 tasks of RK3576 and RV1126B files set OW_SRC with the BS stage bypassed and no stream).
  r.ow_from_blob = t.op == isa::TaskOp::kConv && !r.fp16 && F("DPU", "BS_OW_CFG", "OW_SRC") == 1 && use != 5;
  // RK3576 files never write BS_OW_OP (its map has no such register listed).
  r.ow_value = t.op == isa::TaskOp::kConv && !r.fp16 && regs_.Known("DPU", "BS_OW_OP")
                   ? static_cast<int32_t>(F("DPU", "BS_OW_OP", "OW_OP")) : 0;
  if (alu_memory || mul_memory || r.ow_from_blob) {
    Require(use == 1 || use == 7 || (use == 5 && rv110x_bs),
            "DPU_RDMA.RDMA_BRDMA_CFG BRDMA_DATA_USE=" + std::to_string(use) + " is not decoded");
    r.bs_operands = use == 7 ? isa::BsOperands::kGrouped
                    : use == 5 ? isa::BsOperands::kBiasMultiplier : isa::BsOperands::kBias;
    Require(use == 7 || (!r.ow_from_blob && (use == 5 || !mul_memory)),
            "the BS stream (BRDMA_DATA_USE=" + std::to_string(use) + ") lacks operands the DPU wants");
    r.bs_group = static_cast<uint32_t>(platform_.dpu_bs_operand_group);
    const Target blob = Relocated("DPU_RDMA", "RDMA_BS_BASE_ADDR");
    t.dpu_table_addr = Address("DPU_RDMA", "RDMA_BS_BASE_ADDR", blob, r.BsOperandBytes(t.kernels));
  }

  // BN, register operands only.
  const bool bn = F("DPU", "BN_CFG", "BN_BYPASS") == 0;
  r.bn_alu = bn && F("DPU", "BN_CFG", "BN_ALU_BYPASS") == 0;
  r.bn_mul = bn && F("DPU", "BN_CFG", "BN_MUL_BYPASS") == 0;
  r.bn_relu = bn && F("DPU", "BN_CFG", "BN_RELU_BYPASS") == 0;
  Require(!bn || ((!r.bn_alu || F("DPU", "BN_CFG", "BN_ALU_SRC") == 0) &&
                  (!r.bn_mul || F("DPU", "BN_MUL_CFG", "BN_MUL_SRC") == 0)),
          "DPU.BN_CFG asks for operands from memory, which is not decoded");
  r.bn_prelu = r.bn_mul && F("DPU", "BN_CFG", "BN_MUL_PRELU") == 1;
  Require(!r.bn_prelu || rv110x_bs, "DPU.BN_CFG asks for PReLU outside the RV110x map, which is not decoded");
  if (r.bn_relu) ReluBounds("BN", r.bn_relu_min, r.bn_relu_max);
  const int64_t bn_algo = bn ? F("DPU", "BN_CFG", "BN_ALU_ALGO") : 2;
  Require(!r.bn_alu || bn_algo == 0 || bn_algo == 2, "DPU.BN_CFG BN_ALU_ALGO=" + std::to_string(bn_algo) + " is not decoded");
  if (r.bn_alu) r.bn_alu_operand = static_cast<int32_t>(Raw("DPU", "BN_ALU_CFG"));
  if (r.bn_mul) {
    r.bn_mul_operand = static_cast<uint32_t>(F("DPU", "BN_MUL_CFG", "BN_MUL_OPERAND"));
    r.bn_mul_shift = static_cast<uint32_t>(F("DPU", "BN_MUL_CFG", "BN_MUL_SHIFT_VALUE"));
    if (r.bn_prelu) r.bn_prelu_neg_shift = static_cast<uint32_t>(F("DPU", "DATA_FORMAT", "BN_MUL_SHIFT_VALUE_NEG"));
  }

  // EW: a converted second tensor added.
  r.ew = F("DPU", "EW_CFG", "EW_BYPASS") == 0;
  if (r.ew) {
    Require(F("DPU", "EW_CFG", "EW_OP_BYPASS") == 0 && F("DPU", "EW_CFG", "EW_OP_SRC") == 1 &&
                F("DPU", "EW_CFG", "EW_OP_TYPE") == 0 && F("DPU", "EW_CFG", "EW_LUT_BYPASS") == 1 &&
                F("DPU", "EW_CFG", "EW_OP_CVT_BYPASS") == 0 && F("DPU", "EW_CFG", "EW_MUL_PRELU") == 0,
            "DPU.EW_CFG asks for an element-wise operation other than adding a converted tensor, not decoded");
    const int64_t ew_algo = F("DPU", "EW_CFG", "EW_ALU_ALGO");
    Require(ew_algo == 0 || ew_algo == 2, "DPU.EW_CFG EW_ALU_ALGO=" + std::to_string(ew_algo) + " is not decoded");
    r.ew_relu = F("DPU", "EW_CFG", "EW_RELU_BYPASS") == 0;
    if (r.ew_relu) ReluBounds("EW", r.ew_relu_min, r.ew_relu_max);
    r.ew_offset = static_cast<int32_t>(F("DPU", "EW_CVT_OFFSET_VALUE", "EW_OP_CVT_OFFSET"));
    r.ew_scale = static_cast<uint32_t>(F("DPU", "EW_CVT_SCALE_VALUE", "EW_OP_CVT_SCALE"));
    r.ew_shift = static_cast<uint32_t>(F("DPU", "EW_CVT_SCALE_VALUE", "EW_OP_CVT_SHIFT"));
    // The operand of a conv's EW stage comes through DPU_RDMA's source address in RK3588 files and
    // through its EW address in RK3566 files, whichever is relocated, in the operand's own
    // layout; a DPU-only task's through the EW address, surfaces RDMA_EW_SURF_STRIDE apart.
    const bool conv = t.op == isa::TaskOp::kConv;
    const char* reg = conv && relocations_.by_word.count(regs_.WordOf("DPU_RDMA", "RDMA_SRC_BASE_ADDR"))
                          ? "RDMA_SRC_BASE_ADDR" : "RDMA_EW_BASE_ADDR";
    const Geometry g = GeometryAt("DPU_RDMA", reg);
    Require(g.elem_bytes == 1, "the DPU's EW stage reads float16 data, which is not executed yet");
    isa::StridedCube strides{0, conv ? g.surface() : Units16("DPU_RDMA", "RDMA_EW_SURF_STRIDE", "EW_SURF_STRIDE"),
                             g.line(), g.pixel(), g.c2, g.elem_bytes};
    r.ew_source = Cube("DPU_RDMA", reg, strides, t.kernels, t.out_rows, width);
  }
  r.out_scale = static_cast<int32_t>(F("DPU", "OUT_CVT_SCALE", "OUT_CVT_SCALE"));
  r.out_shift = static_cast<uint32_t>(F("DPU", "OUT_CVT_SHIFT", "OUT_CVT_SHIFT"));
  r.out_offset = static_cast<int32_t>(F("DPU", "OUT_CVT_OFFSET", "OUT_CVT_OFFSET"));
  // RK3576's clamp pairs whose stage is not known must let every int32 through.
  for (const char* pair : {"CLAMP_4074", "CLAMP_4088", "OUT_CLAMP"}) {
    const std::string lo = std::string(pair) + "_MIN", hi = std::string(pair) + "_MAX";
    if (!regs_.Known("DPU", lo) || !regs_.Written("DPU", lo)) continue;
    Require(F("DPU", lo.c_str(), lo.c_str()) == INT32_MIN && F("DPU", hi.c_str(), hi.c_str()) == INT32_MAX,
            "DPU." + lo + "/" + hi + " clamp to a narrower range than int32, which is not decoded");
  }
  // A float16 convolution's sum goes straight to the half converter (isa/regcmd_task.h).
  const bool converter_as_map = regs_.HasField("DPU", "OUT_CVT_SCALE", "FP32TOFP16_EN")
                                   ? F("DPU", "OUT_CVT_SCALE", "FP32TOFP16_EN") == int64_t{codes.fp32tofp16}
                                   : !codes.fp32tofp16;
  Require(!r.fp16 || (!bs && !bn && !r.ew && r.out_scale == 1 && r.out_shift == 0 && r.out_offset == 0 &&
                      converter_as_map),
          "a float16 convolution with a BS, BN or EW stage or an output converter other than the half converter "
          "is not executed yet");
  Require(r.out_shift <= 40 && r.bs_mul_shift <= 40 && r.bn_mul_shift <= 40 && r.bn_prelu_neg_shift <= 40 &&
              r.ew_shift <= 40,
          "a DPU shift exceeds 40 bits");

  // WDMA: rows (W + NOTCH_ADDR_0)·C2 apart and surfaces DST_SURF_STRIDE apart; or, when the write
  // width is one pixel but the cube is wider (the phases of a resize), pixels (1 + NOTCH_ADDR_0)·C2
  // apart and rows SURFACE_ADD apart (docs/rknn-format.md §8).
  const bool dpu_only = t.op == isa::TaskOp::kRegcmdDpu;
  const Geometry g = dpu_only ? DpuOnlyGeometryAt("DPU", "DST_BASE_ADDR") : GeometryAt("DPU", "DST_BASE_ADDR");
  const uint32_t write_width = regs_.Written("DPU", "WDMA_SIZE_1")
                                   ? static_cast<uint32_t>(F("DPU", "WDMA_SIZE_1", "WIDTH_WDMA")) + 1
                                   : static_cast<uint32_t>(F("DPU", "DATA_CUBE_WIDTH", "WIDTH")) + 1;
  const uint64_t notch = static_cast<uint64_t>(F("DPU", "DATA_CUBE_NOTCH_ADDR", "NOTCH_ADDR_0"));
  // Both strides count 16-byte units (RK3588's fields sit at bits 31..4 of byte values, RK3576's
  // at bit 0).
  Require((g.elem_bytes == 2) == r.fp16, "DPU.DST_BASE_ADDR points at a " + std::string(g.elem_bytes == 2 ? "float16" : "int8") +
                                           " tensor, and the DPU writes " + (r.fp16 ? "float16" : "int8"));
  isa::StridedCube dst{0, Units16("DPU", "DST_SURF_STRIDE", "DST_SURF_STRIDE"), (width + notch) * g.pixel(),
                       g.pixel(), g.c2, g.elem_bytes};
  if (write_width == 1 && width > 1) {
    dst.pixel = (1 + notch) * g.pixel();
    dst.line = Units16("DPU", "SURFACE_ADD", "SURF_ADD");
  }
  Require(dst.surface > 0 || t.kernels <= g.c2, "DPU.DST_SURF_STRIDE is 0 for a cube of several surfaces");
  r.destination = Cube("DPU", "DST_BASE_ADDR", dst, t.kernels, t.out_rows, width);
  t.output = isa::Surface{r.destination.addr, t.kernels, t.out_rows, width, g.c2, g.type()};
}

// RK3576's word has bits 5..0 for non-negative products and 13..8 for negative ones.
int64_t TaskDecoder::ExtraBsShift(bool multiplier_on) const {
  if (!multiplier_on) return 0;
  if (regs_.Known("DPU", "BS_MUL_SHIFT")) return F("DPU", "BS_MUL_SHIFT", "BS_MUL_SHIFT_VALUE");
  if (!regs_.Known("DPU_RDMA", "RDMA_BS_CFG_ADDR")) return 0;
  const Target t = Relocated("DPU_RDMA", "RDMA_BS_CFG_ADDR");
  const RTensor& tensor = TensorOf(t);
  Require(tensor.is_constant() && t.offset + 4 <= tensor.data.size(),
          "DPU_RDMA.RDMA_BS_CFG_ADDR points at '" + tensor.name + "', which holds no shift word there");
  const uint8_t* w = tensor.data.data() + t.offset;
  const uint32_t word = uint32_t{w[0]} | uint32_t{w[1]} << 8 | uint32_t{w[2]} << 16 | uint32_t{w[3]} << 24;
  const uint32_t positive = word & 0x3F, negative = (word >> 8) & 0x3F;
  Require(positive == negative, "the BS shift word at DPU_RDMA.RDMA_BS_CFG_ADDR shifts negative products by " +
                                    std::to_string(negative) + " and others by " + std::to_string(positive) +
                                    ", which is not decoded");
  return positive;
}

// A stage's ReLU bounds: RV110x maps give both (X_CLAMP_MIN/MAX); elsewhere the ReLU is max(v, 0)
// and ReLU-X, whose bound no file shows, is refused.
void TaskDecoder::ReluBounds(const std::string& stage, int64_t& min, int64_t& max) const {
  const std::string lo = stage + "_CLAMP_MIN", hi = stage + "_CLAMP_MAX";
  if (regs_.Known("DPU", lo)) {
    min = F("DPU", lo.c_str(), lo.c_str());
    max = F("DPU", hi.c_str(), hi.c_str());
    Require(min <= max, "DPU." + lo + " exceeds DPU." + hi);
    return;
  }
  const std::string cfg = stage + "_CFG", relux = stage + "_RELUX_EN";
  Require(F("DPU", cfg.c_str(), relux.c_str()) == 0, "DPU." + cfg + " asks for ReLU-X, which is not decoded");
}

// CNA's input converter: bypassed; the identity (scale 1, offset 0, no truncation in every lane,
// as RK3566 files program it on some tasks); or, in the RV110x map, per-lane scales, 32-bit offsets
// and truncations on the first layer's pixels. Mesa's map with a scale or offset is not decoded:
// no shared file programs it, so whether its offset applies before or after the scale is unknown.
void TaskDecoder::DecodeInputConverter(isa::RegcmdTask& r, uint32_t channels) const {
  if (F("CNA", "CVT_CON0", "CVT_BYPASS") == 1) return;
  if (!regs_.Known("CNA", "CVT_SCALES01")) {
    bool identity = true;
    for (int lane = 0; lane < 4; ++lane) {
      const std::string con = "CVT_CON" + std::to_string(lane + 1), n = std::to_string(lane);
      identity = identity && regs_.Field("CNA", con, "CVT_SCALE" + n, who_) == 1 &&
                 regs_.Field("CNA", con, "CVT_OFFSET" + n, who_) == 0 &&
                 regs_.Field("CNA", "CVT_CON0", "CVT_TRUNCATE_" + n, who_) == 0;
    }
    Require(identity, "CNA.CVT_CON0 enables the input converter with a scale or offset, which is not decoded");
    return;
  }
  Require(channels <= 3, "CNA.CVT_CON0 converts " + std::to_string(channels) +
                             " channels; the RV110x map's offset of lane 3 is not known");
  r.cvt = true;
  r.cvt_unsigned = F("CNA", "CVT_CON0", "DATA_SIGN") == 0;
  for (uint32_t lane = 0; lane < channels; ++lane) {
    const std::string n = std::to_string(lane);
    r.cvt_scale[lane] = static_cast<int32_t>(regs_.Field("CNA", lane < 2 ? "CVT_SCALES01" : "CVT_SCALES23", "CVT_SCALE" + n, who_));
    r.cvt_offset[lane] = regs_.Field("CNA", "CVT_OFFSET" + n, "CVT_OFFSET" + n, who_);
    r.cvt_truncate[lane] = static_cast<uint32_t>(regs_.Field("CNA", "CVT_CON0", "CVT_TRUNCATE_" + n, who_));
    Require(r.cvt_truncate[lane] <= 40, "CNA.CVT_CON0 truncates lane " + n + " by more than 40 bits");
    // RK3562/RK3576/RV1126B add the offset after the truncation, in code units (RV1126B scales
    // input.1's pixels by 17264/2^14 = 1/0.949, its scale, and subtracts 128, its zero point):
    // the same sum as RV110x's offset added before the truncation, once shifted up.
    if (NewGenerationMap()) r.cvt_offset[lane] *= int64_t{1} << r.cvt_truncate[lane];
  }
}

// The channel blocks of a depthwise weight tensor as its native shape gives them: [1, C1, kh, kw,
// 1, Cb], or that followed by a tail block [1, 1, kh, kw, 1, Cb'] (RV110x), or a flat [kh][kw][C]
// (RK356x/RK3588). A task whose DCOMP_ADDR0 starts at a later block sees the blocks from there.
void TaskDecoder::DepthwiseBlocks(isa::Task& t, const RTensor& weight, uint64_t offset,
                                  uint32_t bytes_per_channel) const {
  isa::RegcmdTask& r = t.regcmd;
  const std::vector<int32_t>& wn = weight.native_shape;
  const uint32_t kh = t.kernel_h, kw = t.kernel_w;
  auto block_shape = [&](size_t at) {
    return wn.size() >= at + 6 && wn[at] == 1 && wn[at + 1] >= 0 && wn[at + 2] == static_cast<int32_t>(kh) &&
           wn[at + 3] == static_cast<int32_t>(kw) && wn[at + 4] == 1 && wn[at + 5] > 0;
  };
  uint64_t whole = 0, ib = 0, tail = 0;
  if ((wn.size() == 6 || wn.size() == 12) && block_shape(0) && (wn.size() == 6 || (block_shape(6) && wn[7] == 1))) {
    ib = static_cast<uint64_t>(wn[5]);
    whole = static_cast<uint64_t>(wn[1]) * ib;
    tail = wn.size() == 12 ? static_cast<uint64_t>(wn[11]) : 0;
  } else {
    Require(weight.data.size() % bytes_per_channel == 0,
            "depthwise weight '" + weight.name + "' is not whole channels of " + std::to_string(kh) + "x" + std::to_string(kw));
    whole = ib = weight.data.size() / bytes_per_channel;
  }
  Require(ib > 0 && (whole + tail) * bytes_per_channel <= weight.data.size(),
          "depthwise weight '" + weight.name + "': its native blocks hold more than its " +
              std::to_string(weight.data.size()) + " bytes");
  const uint64_t block_bytes = ib * bytes_per_channel;
  Require(offset % block_bytes == 0 && offset / block_bytes * ib <= whole,
          "CNA.DCOMP_ADDR0 starts depthwise weight '" + weight.name + "' inside a channel block");
  const uint64_t first = offset / block_bytes * ib;
  r.weight_ib = static_cast<uint32_t>(ib);
  r.weight_block_channels = static_cast<uint32_t>(whole - first);
  r.weight_tail_ib = static_cast<uint32_t>(tail);
  r.weight_channels = static_cast<uint32_t>(whole - first + tail);
}

bool TaskDecoder::CorePrecisionAgrees(bool fp16) const {
  if (regs_.HasField("CNA", "CONV_CON1", "FLOAT_EN") && F("CNA", "CONV_CON1", "FLOAT_EN") != int64_t{fp16}) return false;
  if (!regs_.HasField("CORE", "MISC_CFG", "PROC_PRECISION")) return true;
  const int64_t core = F("CORE", "MISC_CFG", "PROC_PRECISION");
  if (!Rk356xMap()) return core == (fp16 ? 2 : 0);
  constexpr uint32_t kRk356xFloatBit = 1u << 13;  // set by RK356x files' float16 convolutions only
  return core == 0 && ((Raw("CORE", "MISC_CFG") & kRk356xFloatBit) != 0) == fp16;
}

isa::Task TaskDecoder::Conv() const {
  // Depthwise is CONV_MODE 3 in RK356x/RK3588 files and 7 in RV110x files, with CORE's DW_EN in both.
  // RK3562, RK3576 and RV1126B files write 2 on their direct convolutions of image input
  // (isa/npu_registers.yaml); their depthwise mode appears in no shared file and is refused.
  const int64_t mode = F("CNA", "CONV_CON1", "CONV_MODE");
  // RV1126B's CONV_MODE 6 reads a row of the kernel's pixels as one wide pixel (weights in packed
  // rows, see RegcmdTask::weight_row_taps).
  const bool depthwise = !NewGenerationMap() && (mode == 3 || mode == 7);
  const bool packed_rows = NewGenerationMap() && mode == 6;
  const bool direct = mode == 0 || (NewGenerationMap() && mode == 2) || packed_rows;
  Require((direct || depthwise) && F("CNA", "CONV_CON1", "DECONV") == 0,
          "CNA.CONV_CON1 asks for a convolution mode other than direct or depthwise, which is not executed yet");
  Require(depthwise == (F("CORE", "MISC_CFG", "DW_EN") == 1),
          "CNA.CONV_CON1 CONV_MODE=" + std::to_string(mode) + " disagrees with CORE.MISC_CFG DW_EN");
  // RV110x files store each depthwise weight as two bytes, WEIGHT_KERNELS=2: the int8 code and
  // the channel's negated weight zero point (open-rknpu; in the shared files the second byte is
  // the same at every tap of a channel, and both are 0 in channels whose bias is 0).
  Require(!regs_.Known("DPU", "IN_OFFSET") || F("DPU", "IN_OFFSET", "IN_OFFSET") == 0,
          "DPU.IN_OFFSET is not 0 in a convolution, which is not decoded");
  const int64_t depthwise_bytes = depthwise ? F("CNA", "WEIGHT_SIZE2", "WEIGHT_KERNELS") : 1;
  Require(depthwise_bytes == 1 || depthwise_bytes == 2,
          "CNA.WEIGHT_SIZE2 WEIGHT_KERNELS=" + std::to_string(depthwise_bytes) + " on a depthwise task is not decoded");
  // Input precision 0 is int8, 2 float16; the processing precision is the map's (Fp16CodesOfMap).
  const int64_t in_precision = F("CNA", "CONV_CON1", "IN_PRECISION");
  const bool fp16 = in_precision == 2;
  Require((in_precision == 0 || fp16) &&
              F("CNA", "CONV_CON1", "PROC_PRECISION") == (fp16 ? Fp16CodesOfMap().cna_proc : 0) &&
              CorePrecisionAgrees(fp16),
          "CNA.CONV_CON1 asks for a precision other than int8 or float16, which is not executed yet");
  Require(!fp16 || !depthwise, "a float16 depthwise convolution is not executed yet");
  Require(F("CNA", "CONV_CON3", "ATROUS_X_DILATION") <= 1 && F("CNA", "CONV_CON3", "ATROUS_Y_DILATION") <= 1,
          "CNA.CONV_CON3 asks for a dilated convolution, which is not executed yet");
  Require(!regs_.Written("CORE", "CLIP_TRUNCATE") || F("CORE", "CLIP_TRUNCATE", "CLIP_TRUNCATE") == 0,
          "CORE.CLIP_TRUNCATE shifts the accumulators, which is not decoded");
  Require(F("DPU", "FEATURE_MODE_CFG", "FLYING_MODE") == 0, "DPU.FEATURE_MODE_CFG reads memory instead of the MAC array");

  isa::Task t = NewTask(isa::TaskOp::kConv);
  isa::RegcmdTask& r = t.regcmd;
  r.depthwise = depthwise;
  r.fp16 = fp16;
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
  const Geometry g = GeometryOf(input, who_, ddr_.linear_c2);
  const uint32_t field = InputChannelsMinusOne();
  const uint32_t logical = input.shape.size() >= 2 ? static_cast<uint32_t>(input.shape[1]) : 0;
  uint32_t channels = field + 1;
  if (r.depthwise)
    channels = t.kernels;
  else if (packed_rows)  // DATA_SIZE1 counts the lanes of a kernel row's pixels, checked below
    channels = logical;
  else if (logical > 0 && (logical - 1) % 64 == field)
    channels = logical;
  DecodeInputConverter(r, channels);
  Require(channels <= uint64_t{static_cast<uint32_t>(input.native_shape[1])} * g.c2,
          "CNA.DATA_SIZE1 reads " + std::to_string(channels) + " channels of '" + input.name + "'");
  Require(uint64_t{channels} * in_rows * in_w <= static_cast<uint64_t>(std::max<int64_t>(input.size, 0)),
          "CNA.DATA_SIZE0/1 fetch more elements than input '" + input.name + "' holds");
  Require((g.elem_bytes == 2) == fp16, "CNA.FEATURE_DATA_ADDR points at " + std::string(DTypeName(input.dtype)) +
                                         " tensor '" + input.name + "' for a convolution in " + (fp16 ? "float16" : "int8"));
  const isa::StridedCube source = g.Cube();
  r.source = source;
  r.source.addr = Address("CNA", "FEATURE_DATA_ADDR", in, source.Span(channels, in_rows, in_w));
  t.input = isa::Surface{r.source.addr, channels, in_rows, in_w, g.c2, g.type()};

  // Weights: WEIGHT_KERNELS kernels × DATAIN_CHANNEL (padded) channels in the weight tensor's
  // native blocks, from the offset DCOMP_ADDR0 gives (a task may cover a range of kernels).
  const Target w = Relocated("CNA", "DCOMP_ADDR0");
  const RTensor& weight = TensorOf(w);
  const uint8_t weight_type = fp16 ? kFloat16DType : kInt8DType;
  const uint64_t weight_bytes = fp16 ? 2 : 1;
  Require(weight.dtype == weight_type && weight.is_constant(), "CNA.DCOMP_ADDR0 points at '" + weight.name + "', not " +
                                                                  DTypeName(weight_type) + " weights");
  const uint64_t kernel_taps = uint64_t{t.kernel_h} * t.kernel_w;
  r.weight_kernels = static_cast<uint32_t>(F("CNA", "WEIGHT_SIZE2", "WEIGHT_KERNELS"));
  if (r.depthwise) {
    r.weight_pairs = depthwise_bytes == 2;
    r.weight_kernels = t.kernels;
    DepthwiseBlocks(t, weight, w.offset, static_cast<uint32_t>(kernel_taps * static_cast<uint64_t>(depthwise_bytes)));
  } else {
    // Channels per kernel as stored: DATAIN_CHANNEL in RK356x/RK3588 files, 4 (one pixel lane
    // each) where RV110x files convert 3-channel pixels while DATAIN_CHANNEL says 16.
    Require(F("CNA", "WEIGHT_SIZE1", "WEIGHT_BYTES_PER_KERNEL") % static_cast<int64_t>(weight_bytes) == 0,
            "CNA.WEIGHT_SIZE1 gives an odd number of bytes per kernel of float16 weights");
    const int64_t per_kernel = F("CNA", "WEIGHT_SIZE1", "WEIGHT_BYTES_PER_KERNEL") / static_cast<int64_t>(weight_bytes);
    Require(per_kernel > 0 && (packed_rows || per_kernel % static_cast<int64_t>(kernel_taps) == 0),
            "CNA.WEIGHT_SIZE1 (" + std::to_string(per_kernel) + " bytes per kernel) is not a whole number of " +
                std::to_string(t.kernel_h) + "x" + std::to_string(t.kernel_w) + " channels");
    r.weight_channels = static_cast<uint32_t>(per_kernel / static_cast<int64_t>(kernel_taps));
    // Native shape: one 6-D block shape [O1, I1, kh, kw, Ob, Ib], or 2 or 4 of them (12-D, 24-D) when
    // the last kernels or channels form smaller tail blocks; the first gives the block size.
    const std::vector<int32_t>& wn = weight.native_shape;
    Require(!wn.empty() && wn.size() % 6 == 0 && wn[2] == static_cast<int32_t>(t.kernel_h) &&
                wn[3] == static_cast<int32_t>(t.kernel_w) && wn[4] > 0 && wn[5] > 0,
            "weight '" + weight.name + "' is not native blocks of the task's kernel size");
    r.weight_ob = static_cast<uint32_t>(wn[4]), r.weight_ib = static_cast<uint32_t>(wn[5]);
    if (packed_rows) {
      // Each kernel row holds weight_row_taps pixels of weight_ib lanes, the rows of all the
      // block's kernels in turn: 48 bytes per 3x3 kernel of 4 lanes in RV1126B's files.
      const int64_t row_bytes = static_cast<int64_t>(t.kernel_h) * r.weight_ib;
      Require(wn.size() == 6 && r.weight_kernels <= r.weight_ob && per_kernel % row_bytes == 0 &&
                  per_kernel / row_bytes >= t.kernel_w && channels <= r.weight_ib && field + 1 == t.kernel_w * r.weight_ib,
              "CNA.CONV_CON1 CONV_MODE=6 with " + std::to_string(per_kernel) + " bytes per kernel and " +
                  std::to_string(field + 1) + " lanes per row is not decoded");
      r.weight_row_taps = static_cast<uint32_t>(per_kernel / row_bytes);
      r.weight_channels = r.weight_ib;
    }
    Require(r.weight_kernels > 0 && r.weight_channels >= channels,
            "CNA.WEIGHT_SIZE2 / DATA_SIZE1 give " + std::to_string(r.weight_kernels) + " kernels of " +
                std::to_string(r.weight_channels) + " channels for " + std::to_string(channels) + " input channels");
  }
  Require(!r.depthwise || t.kernels <= r.weight_channels,
          "depthwise weight '" + weight.name + "' holds " + std::to_string(r.weight_channels) + " channels from CNA.DCOMP_ADDR0, the task writes " +
              std::to_string(t.kernels));
  Require(r.depthwise || t.kernels <= r.weight_kernels,
          "the DPU writes " + std::to_string(t.kernels) + " channels of a " + std::to_string(r.weight_kernels) +
              "-kernel convolution");
  // A depthwise task reads the blocks of its channels (a task may start at a later block).
  uint64_t bytes = uint64_t{r.weight_kernels} * r.weight_channels *
                   (packed_rows ? uint64_t{t.kernel_h} * r.weight_row_taps : kernel_taps);
  if (r.depthwise) {
    bytes = 0;
    for (uint32_t k = 0; k < t.kernels; ++k)
      bytes = std::max(bytes, r.WeightIndex(k, k, t.kernel_h - 1, t.kernel_w - 1, t.kernel_h, t.kernel_w) + 1);
    bytes *= static_cast<uint64_t>(depthwise_bytes);
  }
  bytes *= weight_bytes;
  if (!r.depthwise) {
    // RK3562 files count the last weight block whole (float16 there: 3 kernels read as one block
    // of 4); the DMA fetches what WEIGHT_BYTES says.
    const uint64_t blocks = (uint64_t{r.weight_kernels} + r.weight_ob - 1) / r.weight_ob;
    const uint64_t whole_blocks = bytes / r.weight_kernels * blocks * r.weight_ob;
    const int64_t said = F("CNA", "WEIGHT_SIZE0", "WEIGHT_BYTES");
    Require(said == static_cast<int64_t>(bytes) || (NewGenerationMap() && said == static_cast<int64_t>(whole_blocks)),
            "CNA.WEIGHT_SIZE0 (" + std::to_string(said) + " bytes) is not " + std::to_string(r.weight_kernels) +
                " kernels of " + std::to_string(r.weight_channels) + " channels");
    bytes = static_cast<uint64_t>(said);
  }
  t.weight_bytes = static_cast<uint32_t>(bytes);
  t.weight_addr = Address("CNA", "DCOMP_ADDR0", w, bytes);
  t.weight_kernel_atom = r.depthwise ? 1 : r.weight_ob;
  return t;
}

// DPU_RDMA's read of a cube of `channels` × `rows` × `width` elements of `elem_bytes`, `c2` to
// an atom: rows W atoms apart plus the notch, surfaces H rows apart (RK3588); RK356x and RV110x
// count the line notch in atoms and put the (signed) surface notch after the last row of a
// surface (docs/rknn-format.md §8).
isa::StridedCube TaskDecoder::RdmaSource(uint32_t channels, uint32_t rows, uint32_t width, uint32_t c2,
                                         uint32_t elem_bytes) const {
  const uint64_t atom = uint64_t{c2} * elem_bytes;
  // SURF_NOTCH_ADDR fills bits 31..4 of a byte count, negative in two's complement.
  const int64_t surface_notch = static_cast<int32_t>(Raw("DPU_RDMA", "RDMA_SURF_NOTCH"));
  isa::StridedCube src{0, 0, uint64_t{width} * atom, atom, c2, elem_bytes};
  int64_t surface = 0;
  if (platform_.dpu_rdma_line_notch_in_atoms) {
    const uint64_t line_notch = static_cast<uint64_t>(F("DPU_RDMA", "RDMA_SRC_DMA_CFG", "LINE_NOTCH_ADDR")) * atom;
    src.line += line_notch;
    surface = static_cast<int64_t>(rows * src.line - line_notch) + surface_notch;
  } else {
    Require(surface_notch >= 0, "DPU_RDMA.RDMA_SURF_NOTCH is negative, which the RK3588 reading does not decode");
    src.line += static_cast<uint64_t>(surface_notch);
    surface = static_cast<int64_t>(rows * src.line);
  }
  // Surfaces closer than an atom would overlap (and read past what Span() bounds).
  Require(channels <= c2 || surface >= static_cast<int64_t>(atom),
          "DPU_RDMA's surface notch puts the surfaces of its cube " + std::to_string(surface) + " bytes apart");
  src.surface = static_cast<uint64_t>(surface);
  return Cube("DPU_RDMA", "RDMA_SRC_BASE_ADDR", src, channels, rows, width);
}

// The cube DPU_RDMA reads: width, rows and channels (each register holds the count minus 1).
TaskDecoder::CubeSize TaskDecoder::RdmaCubeSize() const {
  return {static_cast<uint32_t>(F("DPU_RDMA", "RDMA_DATA_CUBE_WIDTH", "WIDTH")) + 1,
          static_cast<uint32_t>(F("DPU_RDMA", "RDMA_DATA_CUBE_HEIGHT", "HEIGHT")) + 1,
          static_cast<uint32_t>(F("DPU_RDMA", "RDMA_DATA_CUBE_CHANNEL", "CHANNEL")) + 1};
}

// What a task that moves data unchanged (`what`) must say: DPU_RDMA, the DPU's output and its
// processing in `precision` (the DPU's IN_PRECISION stays 0 in both of retinaface_rv1106's passes),
// and no stage on the way: BS, BN and EW bypassed, no input offset, the output converter the
// identity.
void TaskDecoder::RequireMove(const std::string& what, int64_t precision) const {
  Require(F("DPU_RDMA", "RDMA_FEATURE_MODE_CFG", "IN_PRECISION") == precision &&
              F("DPU", "DATA_FORMAT", "OUT_PRECISION") == precision &&
              F("DPU", "DATA_FORMAT", "PROC_PRECISION") == precision && F("DPU", "DATA_FORMAT", "IN_PRECISION") == 0,
          what + " in a precision other than " + std::to_string(precision) + " is not decoded");
  Require(F("DPU", "BS_CFG", "BS_BYPASS") == 1 && F("DPU", "BN_CFG", "BN_BYPASS") == 1 &&
              F("DPU", "EW_CFG", "EW_BYPASS") == 1 &&
              (!regs_.Known("DPU", "IN_OFFSET") || F("DPU", "IN_OFFSET", "IN_OFFSET") == 0) &&
              F("DPU", "OUT_CVT_SCALE", "OUT_CVT_SCALE") == 1 && F("DPU", "OUT_CVT_SHIFT", "OUT_CVT_SHIFT") == 0 &&
              F("DPU", "OUT_CVT_OFFSET", "OUT_CVT_OFFSET") == 0,
          what + " through a BS, BN or EW stage or an output converter other than the identity is not decoded");
}

// The first pass of an RV110x Transpose (BS_OW_CFG TP_ORG_EN, precision 4: 4-byte elements, four
// to an atom): DPU_RDMA reads C1 surfaces × H rows × W atoms, and each atom moves whole to
// DST + 16·(s·SURF_ADD + w·DST_SURF_STRIDE + h), the rows of the source interleaved atom by atom
// (docs/rknn-format.md §8; read off retinaface_rv1106's nine heads).
isa::Task TaskDecoder::AtomTranspose() const {
  constexpr uint32_t kAtom = 16, kElemBytes = 4;
  RequireMove("a transpose (DPU.BS_OW_CFG TP_ORG_EN)", 4);  // 32-bit elements
  const auto [width, rows, channels] = RdmaCubeSize();
  Require(channels % (kAtom / kElemBytes) == 0, "a transpose (DPU.BS_OW_CFG TP_ORG_EN) of " + std::to_string(channels) +
                                                  " 32-bit channels, not whole atoms, is not decoded");
  const uint32_t surfaces = channels / (kAtom / kElemBytes);
  // The WDMA walks surfaces (HEIGHT_WDMA), source rows (WIDTH_WDMA) and atoms per row (SIZE_E):
  // every shared file gives them as the read cube's.
  Require(F("DPU", "WDMA_SIZE_1", "HEIGHT_WDMA") + 1 == surfaces && F("DPU", "WDMA_SIZE_1", "WIDTH_WDMA") + 1 == rows &&
              F("DPU", "BS_OW_CFG", "SIZE_E_0") + 1 == width,
          "a transpose whose DPU.WDMA_SIZE_1 / BS_OW_CFG SIZE_E do not walk the read cube is not decoded");
  isa::Task t = NewTask(isa::TaskOp::kRegcmdDpu);
  isa::RegcmdTask& r = t.regcmd;
  r.move = true;
  // The source as a cube of whole atoms: surface s, row h, atom w.
  const isa::StridedCube read = RdmaSource(channels, rows, width, kAtom / kElemBytes, kElemBytes);
  r.source = isa::StridedCube{read.addr, read.surface, read.line, kAtom, 1, kAtom};
  const isa::StridedCube write{0, Units16("DPU", "SURFACE_ADD", "SURF_ADD"), kAtom,
                               Units16("DPU", "DST_SURF_STRIDE", "DST_SURF_STRIDE"), 1, kAtom};
  r.destination = Cube("DPU", "DST_BASE_ADDR", write, surfaces, rows, width);
  t.kernels = surfaces, t.out_rows = rows;
  t.input = isa::Surface{r.source.addr, surfaces * kAtom, rows, width, kAtom, isa::ElemType::kInt8};
  t.output = isa::Surface{r.destination.addr, surfaces * kAtom, rows, width, kAtom, isa::ElemType::kInt8};
  return t;
}

// The second pass (FEATURE_MODE_CFG NONALIGN): DPU_RDMA reads C1 surfaces × H rows × W atoms of
// int8, each of the C1·H rows one pixel's atoms, and the WDMA writes the first K bytes of every
// row back to back, SURF_LEN atoms in all (K = SURF_LEN·16 / (C1·H): the pixel's real channels, a
// multiple of RGP_TYPE).
isa::Task TaskDecoder::Regroup() const {
  constexpr uint32_t kAtom = 16;
  RequireMove("a regroup (DPU.FEATURE_MODE_CFG NONALIGN)", 0);  // int8
  const auto [width, rows, channels] = RdmaCubeSize();
  const uint32_t surfaces = (channels + kAtom - 1) / kAtom;
  const uint64_t pixels = uint64_t{surfaces} * rows;
  const uint64_t written = static_cast<uint64_t>(F("DPU", "FEATURE_MODE_CFG", "SURF_LEN")) * kAtom;
  const uint64_t unit = static_cast<uint64_t>(F("DPU", "FEATURE_MODE_CFG", "RGP_TYPE"));
  Require(written > 0 && written % pixels == 0 && written / pixels <= uint64_t{width} * kAtom &&
              (unit == 0 || (written / pixels) % unit == 0),
          "DPU.FEATURE_MODE_CFG SURF_LEN=" + std::to_string(written / kAtom) + " does not keep a whole number of RGP_TYPE=" +
              std::to_string(unit) + " byte groups of each of " + std::to_string(pixels) + " rows of " +
              std::to_string(width) + " atoms");
  const auto kept = static_cast<uint32_t>(written / pixels);
  isa::Task t = NewTask(isa::TaskOp::kRegcmdDpu);
  isa::RegcmdTask& r = t.regcmd;
  r.move = true;
  // Byte b of row (s, h): the row's atoms lie side by side (whole surfaces checked: K may reach
  // lanes past the last channel).
  const isa::StridedCube read = RdmaSource(surfaces * kAtom, rows, width, kAtom, 1);
  r.source = isa::StridedCube{read.addr, read.surface, read.line, 1, 1, 1};
  const isa::StridedCube write{0, uint64_t{rows} * kept, kept, 1, 1, 1};
  r.destination = Cube("DPU", "DST_BASE_ADDR", write, surfaces, rows, kept);
  t.kernels = surfaces, t.out_rows = rows;
  t.input = isa::Surface{r.source.addr, surfaces * kAtom, rows, width, kAtom, isa::ElemType::kInt8};
  t.output = isa::Surface{r.destination.addr, surfaces, rows, kept, 1, isa::ElemType::kInt8};
  return t;
}

isa::Task TaskDecoder::DpuOnly() const {
  Require(F("DPU", "FEATURE_MODE_CFG", "FLYING_MODE") == 1, "a DPU task without flying mode has no input");
  // The transpose's two passes, read off RV110x files only: on other maps they are refused.
  const bool transpose = FieldIfWritten("DPU", "BS_OW_CFG", "TP_ORG_EN") == 1;
  const bool regroup = FieldIfWritten("DPU", "FEATURE_MODE_CFG", "NONALIGN") == 1;
  Require(!(transpose || regroup) || (Rv110xMap() && !(transpose && regroup)),
          std::string("a DPU task with ") + (transpose ? "BS_OW_CFG TP_ORG_EN" : "") + (transpose && regroup ? " and " : "") +
              (regroup ? "FEATURE_MODE_CFG NONALIGN" : "") + " is decoded in RV110x files' transposes only");
  if (transpose) return AtomTranspose();
  if (regroup) return Regroup();
  isa::Task t = NewTask(isa::TaskOp::kRegcmdDpu);
  isa::RegcmdTask& r = t.regcmd;
  // The cube is the one DPU_RDMA reads (the DPU's own cube registers may hold another task's
  // values: pp_human_segv2's edge-row copies read one row under a 26-row DPU cube), at most the
  // DPU's real channels.
  const auto [width, rows, read_channels] = RdmaCubeSize();
  const uint32_t channels =
      std::min(read_channels, static_cast<uint32_t>(F("DPU", "DATA_CUBE_CHANNEL", "ORIG_CHANNEL")) + 1);
  DecodeDpu(t, channels, rows, width);
  if (regs_.Known("DPU", "IN_OFFSET")) r.in_offset = static_cast<int32_t>(F("DPU", "IN_OFFSET", "IN_OFFSET"));
  const Geometry g = DpuOnlyGeometryAt("DPU_RDMA", "RDMA_SRC_BASE_ADDR");
  Require(g.elem_bytes == 1, "a DPU task reads float16 tensor data, which is not executed yet");
  r.source = RdmaSource(t.kernels, rows, width, g.c2, 1);
  t.input = isa::Surface{r.source.addr, t.kernels, rows, width, g.c2, isa::ElemType::kInt8};
  if (r.ew) t.input2 = isa::Surface{r.ew_source.addr, t.kernels, rows, width, r.ew_source.c2, isa::ElemType::kInt8};
  return t;
}

}  // namespace rknnsim::rknn
