#include "isa/program_invariants.h"

#include <cmath>
#include <limits>
#include <tuple>

#include "common/hex.h"
#include "isa/task_kinds.h"

namespace rknnsim::isa {
namespace {

[[noreturn]] void Fail(const ProgramLocus& at, const std::string& message) { throw ProgramInvariantError(at, message); }

std::string Quoted(const std::string& name) { return "'" + name + "'"; }

bool MulOk(uint64_t a, uint64_t b, uint64_t& out) { return !__builtin_mul_overflow(a, b, &out); }

// Bytes of a surface as Surface::bytes() computes them, in 64 bits, false on overflow.
bool SurfaceBytes(const Surface& s, uint64_t& bytes) {
  const uint64_t c1 = (uint64_t{s.channels} + s.c2 - 1) / s.c2;
  return MulOk(uint64_t{s.width}, s.c2, bytes) && MulOk(bytes, ElemBytes(s.type), bytes) &&
         MulOk(bytes, s.height, bytes) && MulOk(bytes, c1, bytes);
}

// [begin, begin + size) inside [lo, hi)?
bool RangeInside(uint64_t begin, uint64_t size, uint64_t lo, uint64_t hi) {
  return begin >= lo && begin <= hi && size <= hi - begin;
}

std::string Range(uint64_t begin, uint64_t size) { return "[" + Hex(begin) + ", " + Hex(begin + size) + ")"; }

void CheckSurface(const ProgramLocus& at, const std::string& who, const Surface& s, uint64_t ddr) {
  if (s.c2 == 0) Fail(at, who + " has c2 = 0");
  uint64_t bytes = 0;
  if (!SurfaceBytes(s, bytes) || !RangeInside(s.addr, bytes, 0, ddr))
    Fail(at, who + " at " + Hex(s.addr) + " (" + std::to_string(s.channels) + "x" + std::to_string(s.height) + "x" +
                   std::to_string(s.width) + ", c2 " + std::to_string(s.c2) + ") lies outside DDR [0, " + Hex(ddr) +
                   ")");
}

}  // namespace

void CheckProgram(const Program& p, const std::vector<NodeArity>& nodes) {
  const ProgramLocus program_at{ProgramLocus::Kind::kProgram, 0};
  const MemoryPlan& m = p.memory;
  if (m.internal_bytes > std::numeric_limits<uint64_t>::max() - m.internal_base)
    Fail(program_at, "memory plan internal region " + Hex(m.internal_base) + " + " + Hex(m.internal_bytes) +
                             " overflows 64 bits");
  const uint64_t ddr = p.DdrBytes();
  // Every image's copy of the feature maps must lie in the internal region.
  if (p.batch == 0 || p.batch > kMaxBatch)
    Fail(program_at, "batch size " + std::to_string(p.batch) + " is outside 1.." + std::to_string(kMaxBatch));
  if (p.batch > 1 && (p.batch_stride == 0 || p.batch_stride > m.internal_bytes / (p.batch - 1)))
    Fail(program_at, "batch stride " + Hex(p.batch_stride) + " of " + std::to_string(p.batch) +
                             " images does not fit the internal region of " + Hex(m.internal_bytes) + " bytes");
  const uint64_t wbase = m.weight_base, wsize = p.weights.size();
  if (!RangeInside(wbase, wsize, 0, ddr))
    Fail(program_at, "weight image " + Range(wbase, wsize) + " lies outside DDR [0, " + Hex(ddr) + ")");

  for (size_t i = 0; i < p.tasks.size(); ++i) {
    const Task& t = p.tasks[i];
    const ProgramLocus at{ProgramLocus::Kind::kTask, i};
    std::string who = "task " + std::to_string(i) + " (" + TaskOpName(t.op) + ")";
    if (t.layer >= p.layers.size())
      Fail(at, who + " refers to layer " + std::to_string(t.layer) + ", but the program has " +
                     std::to_string(p.layers.size()) + " layers");
    who = "task " + std::to_string(i) + " (" + TaskOpName(t.op) + " of layer " + Quoted(p.layers[t.layer].name) + ")";
    if (t.core >= kMaxCores)
      Fail(at, who + " runs on NPU core " + std::to_string(t.core) + "; core masks have " + std::to_string(kMaxCores) +
                     " bits");
    if (t.op == TaskOp::kCpu) {
      // The CPU runs a graph node: its surfaces must match the node's inputs and outputs.
      if (t.cpu_node >= nodes.size())
        Fail(at, who + " runs node " + std::to_string(t.cpu_node) + " but the graph has " +
                       std::to_string(nodes.size()) + " nodes");
      const NodeArity& node = nodes[t.cpu_node];
      if (t.cpu_inputs.size() != node.inputs || t.cpu_outputs.size() != node.outputs)
        Fail(at, who + " has " + std::to_string(t.cpu_inputs.size()) + "/" + std::to_string(t.cpu_outputs.size()) +
                       " surfaces for a node with " + std::to_string(node.inputs) + "/" +
                       std::to_string(node.outputs) + " inputs/outputs");
      for (size_t k = 0; k < t.cpu_inputs.size(); ++k)
        if (t.cpu_inputs[k].channels != 0) CheckSurface(at, who + " CPU input surface", t.cpu_inputs[k], ddr);
      for (const Surface& s : t.cpu_outputs) CheckSurface(at, who + " CPU output surface", s, ddr);
      continue;
    }
    CheckSurface(at, who + " input surface", t.input, ddr);
    if (ReadsInput2(t)) CheckSurface(at, who + " second input surface", t.input2, ddr);
    CheckSurface(at, who + " output surface", t.output, ddr);
    if (t.kernel_h == 0 || t.kernel_w == 0 || t.stride_h == 0 || t.stride_w == 0 || t.dilation_h == 0 ||
        t.dilation_w == 0)
      Fail(at, who + " has a zero kernel size, stride or dilation");
    if (uint64_t{t.out_row_begin} + t.out_rows > t.output.height ||
        uint64_t{t.kernel_begin} + t.kernels > t.output.channels)
      Fail(at, who + " tile (rows " + std::to_string(t.out_row_begin) + "+" + std::to_string(t.out_rows) +
                     ", kernels " + std::to_string(t.kernel_begin) + "+" + std::to_string(t.kernels) +
                     ") exceeds its output surface (" + std::to_string(t.output.height) + " rows, " +
                     std::to_string(t.output.channels) + " channels)");
    if (t.op == TaskOp::kLut) {
      if (!RangeInside(t.dpu_table_addr, 256, wbase, wbase + wsize))
        Fail(at, who + " lookup table " + Range(t.dpu_table_addr, 256) + " lies outside the weight region " +
                       Range(wbase, wsize));
      if (t.input.bytes() != t.output.bytes() || t.input.type != ElemType::kInt8)
        Fail(at, who + " maps surfaces of different sizes or non-int8 data");
    }
    if (t.fused_lut && t.op != TaskOp::kConv) Fail(at, who + " fuses a lookup table but is not a conv task");
    // A fused Add reads its operand pixel for pixel like the output: same geometry and layout, int8.
    if (t.fused_add &&
        (t.op != TaskOp::kConv || t.fused_lut || t.output.type != ElemType::kInt8 ||
         t.input2.type != t.output.type || t.input2.c2 != t.output.c2 || t.input2.channels != t.output.channels ||
         t.input2.height != t.output.height || t.input2.width != t.output.width))
      Fail(at, who + " fuses an Add whose operand is not an int8 surface of the conv output's shape");
    // The add's integer steps (docs/quantization.md §9) shift by `shift` and clamp to int8.
    if ((t.fused_add || t.op == TaskOp::kEltwiseAdd) && (t.shift < 0 || t.shift > 62))
      Fail(at, who + " adds with a shift of " + std::to_string(t.shift) + " (0..62)");
    if (t.fused_add && !(-128 <= t.add_clamp_lo && t.add_clamp_lo <= t.add_clamp_hi && t.add_clamp_hi <= 127))
      Fail(at, who + " clamps its Add to [" + std::to_string(t.add_clamp_lo) + ", " + std::to_string(t.add_clamp_hi) +
                     "], not a range inside int8");
    if (t.op == TaskOp::kCopy && (t.input.bytes() != t.output.bytes() || t.input.type != t.output.type))
      Fail(at, who + " copies between surfaces of different sizes or types");
    if (t.op == TaskOp::kConvert) {
      // int8 <-> fp16 of one tensor (docs/quantization.md §17): same elements, the other type.
      if (t.input.type == t.output.type || t.input.channels != t.output.channels ||
          t.input.height != t.output.height || t.input.width != t.output.width)
        Fail(at, who + " converts between surfaces of different shapes or of the same type");
      if (!(std::isfinite(t.convert_scale) && t.convert_scale > 0.0f))
        Fail(at, who + " has a conversion scale that is not a positive finite number");
    }
    if (t.op == TaskOp::kUpsample &&
        (t.input.type != t.output.type || t.input.c2 != t.output.c2 || t.input.channels != t.output.channels ||
         uint64_t{t.input.height} * t.stride_h != t.output.height ||
         uint64_t{t.input.width} * t.stride_w != t.output.width))
      Fail(at, who + " output surface is not its input replicated " + std::to_string(t.stride_h) + "x" +
                     std::to_string(t.stride_w));
    if (t.op == TaskOp::kZeroInsert &&
        (t.input.type != t.output.type || t.input.c2 != t.output.c2 || t.input.channels != t.output.channels ||
         t.stride_h == 0 || t.stride_w == 0 || t.input.height == 0 || t.input.width == 0 ||
         (uint64_t{t.input.height} - 1) * t.stride_h + 1 != t.output.height ||
         (uint64_t{t.input.width} - 1) * t.stride_w + 1 != t.output.width))
      Fail(at, who + " output surface is not its input spread by " + std::to_string(t.stride_h) + "x" +
                     std::to_string(t.stride_w));
    // Mul reads input and output alike and input2 per channel or per element (docs/isa.md).
    if (t.op == TaskOp::kEltwiseMul &&
        (t.input.bytes() != t.output.bytes() || t.input.type != t.output.type || t.input2.type != t.output.type ||
         t.input2.c2 != t.output.c2 || t.input2.channels != t.output.channels ||
         !((t.input2.height == 1 && t.input2.width == 1) ||
           (t.input2.height == t.output.height && t.input2.width == t.output.width))))
      Fail(at, who + " multiplier surface is neither per channel nor of the output's shape");
    if (t.op != TaskOp::kConv) continue;

    if (t.weight_kernel_atom == 0) Fail(at, who + " has a weight kernel atom of 0");
    if (!RangeInside(t.weight_addr, t.weight_bytes, wbase, wbase + wsize))
      Fail(at, who + " weights " + Range(t.weight_addr, t.weight_bytes) + " lie outside the weight region " +
                     Range(wbase, wsize));
    if (t.regcmd.on) {  // Rockchip's task: native weight blocks and the BS operand stream it decoded
      const uint64_t stream = t.regcmd.BsOperandBytes(t.kernels);
      if (stream > 0 && !RangeInside(t.dpu_table_addr, stream, wbase, wbase + wsize))
        Fail(at, who + " BS operands " + Range(t.dpu_table_addr, stream) + " lie outside the weight region " +
                     Range(wbase, wsize));
      continue;
    }
    // The packed layer (docs/isa.md); the size saturates instead of wrapping on corrupted fields.
    const uint64_t need = PackedWeightBytes(t);
    if (need > t.weight_bytes)
      Fail(at, who + " has " + std::to_string(t.weight_bytes) + " weight bytes, its shape needs " +
                     std::to_string(need));
    // {bias, scale, shift} or fp32 bias, by the layer's own type (hybrid models mix both).
    const uint64_t entry = t.output.type == ElemType::kInt8 ? 12 : 4;
    const uint64_t table_bytes = entry * t.output.channels;
    if (!RangeInside(t.dpu_table_addr, table_bytes, wbase, wbase + wsize))
      Fail(at, who + " DPU table " + Range(t.dpu_table_addr, table_bytes) + " lies outside the weight region " +
                     Range(wbase, wsize));
    if (t.fused_lut && (t.output.type != ElemType::kInt8 || !RangeInside(t.lut_addr, 256, wbase, wbase + wsize)))
      Fail(at, who + " lookup table " + Range(t.lut_addr, 256) + " lies outside the weight region " +
                     Range(wbase, wsize) + " or follows a non-int8 output");
  }
  for (const auto& [ios, kind, name] : {std::tuple{&p.inputs, ProgramLocus::Kind::kInput, "input"},
                                        std::tuple{&p.outputs, ProgramLocus::Kind::kOutput, "output"}})
    for (size_t i = 0; i < ios->size(); ++i) {
      const ProgramLocus at{kind, i};
      const std::string who = std::string(name) + " " + std::to_string(i) + " " + Quoted((*ios)[i].name) + " surface";
      CheckSurface(at, who, (*ios)[i].surface, ddr);
      // The last image's copy too (the batch fields were checked above, so this cannot overflow).
      Surface last = (*ios)[i].surface;
      last.addr += p.batch_stride * (p.batch - 1);
      if (p.batch > 1) CheckSurface(at, who + " of image " + std::to_string(p.batch - 1), last, ddr);
    }
}

}  // namespace rknnsim::isa
