// One task of a .rknn program decoded from the register state into an isa::Task
// (docs/rknn-format.md §8): a conv (CNA + CORE + DPU) or a DPU-only task, every field read by name
// through the register database, every address bound to the tensor its relocation names.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/error.h"
#include "compiler/rknn/model.h"
#include "compiler/rknn/regcmd_layout.h"
#include "isa/platform_config.h"
#include "isa/program.h"
#include "isa/regcmd.h"
#include "isa/register_file.h"

namespace rknnsim::rknn {

// The decoding context of one task: its registers, node, and the tensors its address registers
// are relocated to.
class TaskDecoder {
 public:
  TaskDecoder(const RknnModel& model, const DdrLayout& ddr, const isa::RegisterFile& regs,
              const Relocations& relocations, const std::map<std::string, size_t>& by_name,
              const isa::NpuTask& task, const isa::PlatformConfig& platform, const std::string& what)
      : model_(model), ddr_(ddr), regs_(regs), relocations_(relocations), by_name_(by_name), task_(task),
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
  // The map of RK3562, RK3576 and RV1126B, the one with a clamp pair on the DPU's output
  // (isa/npu_registers.yaml).
  bool NewGenerationMap() const { return regs_.Known("DPU", "OUT_CLAMP_MIN"); }
  // What a float16 convolution writes into the precision fields of this task's register map (an
  // int8 one writes 0 into all of them). The codes were read off the float16 convolutions of
  // ../shared/data/rknn/custom_op/dual_residual_custom_*.rknn, one file per map, whose outputs
  // match the toolkit example's expected ones (docs/rknn-format.md §8):
  // - RK3588 (Mesa's map): 2 throughout, and the DPU's FP32TOFP16 converter on;
  // - RK3566/RK3568: CNA processes in code 4 and CORE sets bit 13 of MISC_CFG (its PROC_PRECISION
  //   field stays 0); the DPU reads and writes 2 with FP32TOFP16 off;
  // - RK3562, RK3576, RV1126B: CNA (FLOAT_EN set) and CORE 2; the DPU's input precision stays 0.
  struct Fp16Codes {
    int64_t cna_proc;  // CNA.CONV_CON1 PROC_PRECISION
    int64_t dpu_in;    // DPU.DATA_FORMAT IN_PRECISION
    bool fp32tofp16;   // DPU.OUT_CVT_SCALE FP32TOFP16_EN, where the map has the field
  };
  bool Rk356xMap() const { return platform_.platform == "rk356x"; }
  // RV1103/RV1106's map, the one whose BS_CFG carries a multiplier shift (isa/npu_registers.yaml).
  bool Rv110xMap() const { return regs_.HasField("DPU", "BS_CFG", "BS_MUL_SHIFT"); }
  // A field's value, or 0 where the map lacks it or the task's register group never wrote it.
  int64_t FieldIfWritten(const char* block, const char* reg, const char* field) const {
    return regs_.HasField(block, reg, field) && regs_.Written(block, reg) ? F(block, reg, field) : 0;
  }
  Fp16Codes Fp16CodesOfMap() const {
    if (Rk356xMap()) return {4, 2, false};
    if (NewGenerationMap()) return {2, 0, false};
    return {2, 2, true};
  }
  // CORE agrees with CNA on a convolution's precision, as its map can say it.
  bool CorePrecisionAgrees(bool fp16) const;
  // The BS multiplier's shift beyond BS_MUL_CFG's: RK3562's BS_MUL_SHIFT register, or RK3576's
  // word in memory at DPU_RDMA.RDMA_BS_CFG_ADDR.
  int64_t ExtraBsShift(bool multiplier_on) const;
  // CNA's input channels - 1: DATAIN_CHANNEL_REAL, or RK3562's count DATAIN_CHANNELS (at least 1).
  uint32_t InputChannelsMinusOne() const {
    if (!regs_.HasField("CNA", "DATA_SIZE1", "DATAIN_CHANNELS"))
      return static_cast<uint32_t>(F("CNA", "DATA_SIZE1", "DATAIN_CHANNEL_REAL"));
    const int64_t channels = F("CNA", "DATA_SIZE1", "DATAIN_CHANNELS");
    Require(channels > 0, "CNA.DATA_SIZE1 reads no input channels");
    return static_cast<uint32_t>(channels - 1);
  }
  // A stride field in 16-byte units, in bytes.
  uint64_t Units16(const char* block, const char* reg, const char* field) const {
    return static_cast<uint64_t>(F(block, reg, field)) * 16;
  }
  void ReluBounds(const std::string& stage, int64_t& min, int64_t& max) const;
  void DecodeInputConverter(isa::RegcmdTask& r, uint32_t channels) const;  // of `channels` input lanes
  void DepthwiseBlocks(isa::Task& t, const RTensor& weight, uint64_t offset, uint32_t bytes_per_channel) const;

  // The tensor an address register points into (from the file's relocation of the word that
  // last wrote it) and the register's value, the offset inside it.
  struct Target {
    size_t tensor = 0;
    uint64_t offset = 0;
  };
  Target Relocated(const char* block, const char* reg) const {
    const auto it = relocations_.by_word.find(regs_.WordOf(block, reg));
    Require(it != relocations_.by_word.end(), std::string(block) + "." + reg + " is not relocated to any tensor");
    const auto named = by_name_.find(it->second->tensor);
    Require(named != by_name_.end(), std::string(block) + "." + reg + " is relocated to '" + it->second->tensor +
                                         "', which is not a tensor of the file");
    // RelocationsOf checked that the value is the tensor's base plus the relocation's offset.
    const uint64_t offset = static_cast<uint64_t>(it->second->offset);
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
    Require(elements * strides.elem_bytes <= static_cast<uint64_t>(std::max<int64_t>(tensor.size, 0)),
            std::string(block) + "." + reg + " addresses a " + std::to_string(channels) + "x" + std::to_string(rows) +
                "x" + std::to_string(width) + " cube, more elements than tensor '" + tensor.name + "' holds");
    strides.addr = Address(block, reg, t, strides.Span(channels, rows, width));
    return strides;
  }
  Geometry GeometryAt(const char* block, const char* reg) const {
    return GeometryOf(TensorOf(Relocated(block, reg)), who_, ddr_.linear_c2);
  }
  // The layout a DPU-only task sees at an address register: an int8 tensor in any plain layout
  // (RV110x Transposes write packed NCHW maps, their Reshapes the linear graph outputs) is a run of
  // the platform's int8 atoms to the DPU, as every int8 map is (docs/rknn-format.md §8).
  Geometry DpuOnlyGeometryAt(const char* block, const char* reg) const {
    const RTensor& t = TensorOf(Relocated(block, reg));
    const size_t rank = t.native_shape.size();
    if (t.dtype == kInt8DType && rank >= 2 && rank <= 4 && t.native_shape == t.shape && t.native_shape[0] == 1 &&
        ddr_.linear_c2 > 0)
      return {1, 1, ddr_.linear_c2, 1};
    return GeometryAt(block, reg);
  }

  void DecodeDpu(isa::Task& t, uint32_t channels, uint32_t rows, uint32_t width) const;
  isa::StridedCube RdmaSource(uint32_t channels, uint32_t rows, uint32_t width, uint32_t c2, uint32_t elem_bytes) const;
  struct CubeSize {
    uint32_t width, rows, channels;
  };
  CubeSize RdmaCubeSize() const;
  void RequireMove(const std::string& what, int64_t precision) const;
  // DPU-only tasks that move data unchanged (RegcmdTask::move): an RV110x Transpose's two passes.
  isa::Task AtomTranspose() const;
  isa::Task Regroup() const;
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
  const Relocations& relocations_;
  const std::map<std::string, size_t>& by_name_;
  const isa::NpuTask& task_;
  const isa::PlatformConfig& platform_;
  const RNode& node_;
  std::string who_;
};

}  // namespace rknnsim::rknn
