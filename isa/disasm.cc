#include "isa/disasm.h"

#include <cstdio>

#include "common/hex.h"
#include "isa/task_kinds.h"

namespace rknnsim::isa {
namespace {

// "CNA|CORE|DPU" from GLOBAL_OPERATION_ENABLE-style bits; "CPU" for fallback tasks.
std::string Units(const Task& t) {
  if (KindOf(t.op).unit == TaskUnit::kCpu) return "CPU";
  static const std::pair<uint32_t, const char*> kNames[] = {{kUnitCna, "CNA"}, {kUnitCore, "CORE"},
                                                            {kUnitDpu, "DPU"}, {kUnitDpuRdma, "DPU_RDMA"},
                                                            {kUnitPpu, "PPU"}, {kUnitPpuRdma, "PPU_RDMA"}};
  std::string s;
  for (const auto& [bit, name] : kNames)
    if (t.enable_mask & bit) s += (s.empty() ? "" : "|") + std::string(name);
  return s;
}

std::string Surf(const Surface& s) {
  if (s.channels == 0) return "const";
  return Hex(s.addr, 8) + "[" + std::to_string(s.channels) + "x" + std::to_string(s.height) + "x" +
         std::to_string(s.width) + "/c2=" + std::to_string(s.c2) + (s.type == ElemType::kInt8 ? " i8" : " f16") + "]";
}

std::string Window(const Task& t) {
  return "k" + std::to_string(t.kernel_h) + "x" + std::to_string(t.kernel_w) + " s" + std::to_string(t.stride_h) +
         "x" + std::to_string(t.stride_w) + " d" + std::to_string(t.dilation_h) + "x" + std::to_string(t.dilation_w) +
         " pad" + std::to_string(t.pad_top) + "," + std::to_string(t.pad_left) + "," + std::to_string(t.pad_bottom) +
         "," + std::to_string(t.pad_right);
}

std::string Line(const Program& p, size_t index) {
  const Task& t = p.tasks[index];
  std::string s = std::to_string(index) + "\t" + Units(t) + "\t" + TaskOpName(t.op);
  if (t.op == TaskOp::kConv && t.conv_mode == ConvMode::kDepthwise) s += ".dw";
  s += "\t" + p.layers[t.layer].name + "\t";
  switch (t.op) {
    case TaskOp::kConv:
      s += "in=" + Surf(t.input) + " out=" + Surf(t.output) + " rows=" + std::to_string(t.out_row_begin) + "+" +
           std::to_string(t.out_rows) + " kernels=" + std::to_string(t.kernel_begin) + "+" +
           std::to_string(t.kernels) + " " + Window(t) + " w=" + Hex(t.weight_addr, 8) + " atom=" +
           std::to_string(t.weight_kernel_atom) + " dpu=" + Hex(t.dpu_table_addr, 8) +
           " zp=" + std::to_string(t.input_zp) + "/" + std::to_string(t.output_zp) + " clamp=[" +
           std::to_string(t.clamp_lo) + "," + std::to_string(t.clamp_hi) + "]";
      if (t.fused_lut) s += " lut=" + Hex(t.lut_addr, 8);
      if (t.fused_add)
        s += " add=" + Surf(t.input2) + " scale=" + std::to_string(t.scale_a) + "," + std::to_string(t.scale_b) + ">>" +
             std::to_string(t.shift) + " zp=" + std::to_string(t.input2_zp) + "/" + std::to_string(t.add_zp) +
             " clamp=[" + std::to_string(t.add_clamp_lo) + "," + std::to_string(t.add_clamp_hi) + "]";
      break;
    case TaskOp::kEltwiseAdd:
      s += "a=" + Surf(t.input) + " b=" + Surf(t.input2) + " out=" + Surf(t.output) + " scale=" +
           std::to_string(t.scale_a) + "," + std::to_string(t.scale_b) + ">>" + std::to_string(t.shift) + " zp=" +
           std::to_string(t.input_zp) + "," + std::to_string(t.input2_zp) + "/" + std::to_string(t.output_zp) +
           " clamp=[" + std::to_string(t.clamp_lo) + "," + std::to_string(t.clamp_hi) + "]";
      break;
    case TaskOp::kMaxPool:
    case TaskOp::kGlobalAvgPool:
    case TaskOp::kAvgPool:
      s += "in=" + Surf(t.input) + " out=" + Surf(t.output) + " " + Window(t);
      if (t.op != TaskOp::kMaxPool)
        s += " scale=" + std::to_string(t.scale_a) + ">>" + std::to_string(t.shift) + " zp=" +
             std::to_string(t.input_zp) + "/" + std::to_string(t.output_zp);
      break;
    case TaskOp::kLut:
      s += "in=" + Surf(t.input) + " out=" + Surf(t.output) + " table=" + Hex(t.dpu_table_addr, 8);
      break;
    case TaskOp::kCopy:
      s += "in=" + Surf(t.input) + " out=" + Surf(t.output) + " scale=" + std::to_string(t.scale_a) + ">>" +
           std::to_string(t.shift) + " zp=" + std::to_string(t.input_zp) + "/" + std::to_string(t.output_zp);
      break;
    case TaskOp::kConvert: {
      char scale[32];
      std::snprintf(scale, sizeof(scale), "%.9g", static_cast<double>(t.convert_scale));
      s += "in=" + Surf(t.input) + " out=" + Surf(t.output) + " scale=" + scale + " zp=" +
           std::to_string(t.output.type == ElemType::kInt8 ? t.output_zp : t.input_zp);
      break;
    }
    case TaskOp::kEltwiseMul:
      s += "x=" + Surf(t.input) + " s=" + Surf(t.input2) + " out=" + Surf(t.output) + " scale=" +
           std::to_string(t.scale_a) + ">>" + std::to_string(t.shift) + " zp=" + std::to_string(t.input_zp) + "," +
           std::to_string(t.input2_zp) + "/" + std::to_string(t.output_zp);
      break;
    case TaskOp::kUpsample:
      s += "in=" + Surf(t.input) + " out=" + Surf(t.output) + " factor=" + std::to_string(t.stride_h) + "x" +
           std::to_string(t.stride_w);
      break;
    case TaskOp::kZeroInsert:
      s += "in=" + Surf(t.input) + " out=" + Surf(t.output) + " stride=" + std::to_string(t.stride_h) + "x" +
           std::to_string(t.stride_w) + " fill=" + std::to_string(t.input_zp);
      break;
    case TaskOp::kRegcmdDpu:
      s += "in=" + Surf(t.input) + " out=" + Surf(t.output) + " (Rockchip DPU task)";
      break;
    case TaskOp::kCpu:
      s += "node=" + std::to_string(t.cpu_node) + " in=";
      for (size_t i = 0; i < t.cpu_inputs.size(); ++i) s += (i ? "," : "") + Surf(t.cpu_inputs[i]);
      s += " out=";
      for (size_t i = 0; i < t.cpu_outputs.size(); ++i) s += (i ? "," : "") + Surf(t.cpu_outputs[i]);
      break;
  }
  return s + "\n";
}

}  // namespace

std::string Disassemble(const Program& p) {
  bool hybrid = false;  // int8 and fp16 layers in one model (docs/quantization.md §17)
  for (const Task& t : p.tasks) hybrid = hybrid || t.op == TaskOp::kConvert;
  std::string text = "; target " + p.target + " (" + p.platform + "), " +
                     (p.compute_type == ElemType::kInt8 ? "int8" : "fp16") + (hybrid ? "+fp16 hybrid" : "") + ", " + std::to_string(p.tasks.size()) +
                     " tasks, " + std::to_string(p.layers.size()) + " layers\n";
  text += "; weights " + Hex(p.memory.weight_base, 8) + " +" + std::to_string(p.memory.weight_bytes) + " B, internal " +
          Hex(p.memory.internal_base, 8) + " +" + std::to_string(p.memory.internal_bytes) + " B\n";
  for (const IoTensor& io : p.inputs) text += "; input  " + io.name + " " + Surf(io.surface) + "\n";
  for (const IoTensor& io : p.outputs) text += "; output " + io.name + " " + Surf(io.surface) + "\n";
  for (size_t i = 0; i < p.tasks.size(); ++i) text += Line(p, i);
  return text;
}

}  // namespace rknnsim::isa
