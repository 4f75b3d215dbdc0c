#include "compiler/rknn/regcmd_reference.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "common/error.h"
#include "common/fp16.h"
#include "compiler/rknn/host_ops.h"

namespace rknnsim::rknn {
namespace {

// value / 2^shift to the nearest integer, an exact half to the even neighbour.
int64_t Rounded(int64_t value, uint32_t shift) {
  if (shift == 0) return value;
  const int64_t unit = int64_t{1} << shift;
  const int64_t quotient = value >= 0 ? value / unit : -((-value + unit - 1) / unit);  // floor
  const int64_t twice_rest = 2 * (value - quotient * unit);
  if (twice_rest > unit || (twice_rest == unit && quotient % 2 != 0)) return quotient + 1;
  return quotient;
}

int64_t Bounded(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

int8_t Saturated(int64_t v) { return static_cast<int8_t>(v < -128 ? -128 : v > 127 ? 127 : v); }

class Ddr {
 public:
  explicit Ddr(uint64_t bytes) : bytes_(bytes, 0) {}
  uint8_t* At(uint64_t addr, uint64_t n) {
    if (addr + n > bytes_.size() || addr + n < addr) throw Error("the reference reads or writes past simulated DDR");
    return bytes_.data() + addr;
  }
  int8_t Get(uint64_t addr) { return static_cast<int8_t>(*At(addr, 1)); }
  void Put(uint64_t addr, int8_t v) { *At(addr, 1) = static_cast<uint8_t>(v); }

 private:
  std::vector<uint8_t> bytes_;
};

// The BS operands of channel k: `field` 0 = the ALU operand (bias), 1 = the weight offset, 2 = the
// multiplier; from the BS stream in memory when the task has one, else from the registers. In a
// grouped stream the records of G channels store each field together.
int64_t BsOperand(Ddr& ddr, const isa::Task& t, uint32_t k, int field) {
  const isa::RegcmdTask& r = t.regcmd;
  const int64_t from_registers = field == 0 ? r.bs_alu_operand : field == 1 ? r.ow_value : r.bs_mul_operand;
  if (r.bs_operands == isa::BsOperands::kRegisters || (field == 1 && !r.ow_from_blob)) return from_registers;
  if (r.bs_operands == isa::BsOperands::kBias) {
    if (field != 0) return from_registers;
    int32_t v;
    std::memcpy(&v, ddr.At(t.dpu_table_addr + uint64_t{k} * 4, 4), 4);
    return v;
  }
  // Grouped streams: per group of G channels the biases, the weight offsets (data use 7 only),
  // the multipliers.
  const uint32_t g = r.bs_group;
  const bool offsets = r.bs_operands == isa::BsOperands::kGrouped;
  if (field == 1 && !offsets) return from_registers;
  const uint64_t group = t.dpu_table_addr + uint64_t{k / g} * g * (offsets ? 8 : 6);
  const uint32_t lane = k % g;
  if (field == 0) {
    int32_t v;
    std::memcpy(&v, ddr.At(group + lane * 4, 4), 4);
    return v;
  }
  uint16_t raw;
  std::memcpy(&raw, ddr.At(group + g * (field == 1 ? 4 : offsets ? 6 : 4) + lane * 2, 2), 2);
  return field == 1 ? int64_t{static_cast<int16_t>(raw)} : int64_t{raw};
}

// BS, BN, EW and the output converter on the value v of channel k at (y, x).
int8_t Stages(Ddr& ddr, const isa::Task& t, uint32_t k, uint32_t y, uint32_t x, int64_t v) {
  const isa::RegcmdTask& r = t.regcmd;
  if (r.bs_alu) v += BsOperand(ddr, t, k, 0);
  if (r.bs_mul) v = Rounded(v * BsOperand(ddr, t, k, 2), r.bs_mul_shift);
  if (r.bs_relu) v = Bounded(v, r.bs_relu_min, r.bs_relu_max);
  if (r.bn_alu) v += r.bn_alu_operand;
  if (r.bn_prelu && v < 0)
    v = Rounded(Rounded(v, isa::RegcmdTask::kPreluShift) * int64_t{r.bn_mul_operand}, r.bn_prelu_neg_shift);
  else if (r.bn_prelu)
    v = Rounded(v, r.bn_mul_shift);
  else if (r.bn_mul)
    v = Rounded(v * int64_t{r.bn_mul_operand}, r.bn_mul_shift);
  if (r.bn_relu) v = Bounded(v, r.bn_relu_min, r.bn_relu_max);
  if (r.ew) {
    const int64_t operand = ddr.Get(r.ew_source.addr + r.ew_source.Offset(k, y, x));
    v += Rounded((operand + r.ew_offset) * int64_t{r.ew_scale}, r.ew_shift);
    if (r.ew_relu) v = Bounded(v, r.ew_relu_min, r.ew_relu_max);
  }
  return Saturated(Rounded(v * r.out_scale, r.out_shift) + r.out_offset);
}

// The input value of channel c at (y, x) as CNA passes it on: the byte itself, or through the
// input converter of the channel's lane.
int64_t Input(Ddr& ddr, const isa::RegcmdTask& r, uint32_t c, uint32_t y, uint32_t x) {
  const uint8_t byte = *ddr.At(r.source.addr + r.source.Offset(c, y, x), 1);
  if (!r.cvt) return static_cast<int8_t>(byte);
  const int64_t u = r.cvt_unsigned ? int64_t{byte} : int64_t{static_cast<int8_t>(byte)};
  return Saturated(Rounded(u * r.cvt_scale[c] + r.cvt_offset[c], r.cvt_truncate[c]));
}

// Calls tap(c, iy, ix, inside, ky, kx) for the window of output (y, x) over channels [first,
// last), in the order (ky, kx, c) the sums take.
template <typename Tap>
void ForEachTap(const isa::Task& t, uint32_t y, uint32_t x, uint32_t first, uint32_t last, Tap tap) {
  for (uint32_t ky = 0; ky < t.kernel_h; ++ky)
    for (uint32_t kx = 0; kx < t.kernel_w; ++kx) {
      const int64_t iy = int64_t{y} * t.stride_h + ky - t.pad_top;
      const int64_t ix = int64_t{x} * t.stride_w + kx - t.pad_left;
      const bool inside = iy >= 0 && iy < t.input.height && ix >= 0 && ix < t.input.width;
      for (uint32_t c = first; c < last; ++c) tap(c, static_cast<uint32_t>(iy), static_cast<uint32_t>(ix), inside, ky, kx);
    }
}

// A float16 convolution (isa/regcmd_task.h): float32 sums of exact products in the order
// (ky, kx, c), converted to half.
void ConvFp16(Ddr& ddr, const isa::Task& t) {
  const isa::RegcmdTask& r = t.regcmd;
  auto half_at = [&](uint64_t addr) {
    const uint8_t* p = ddr.At(addr, 2);
    return HalfBitsToFloat(static_cast<uint16_t>(p[0] | p[1] << 8));
  };
  for (uint32_t k = 0; k < t.kernels; ++k)
    for (uint32_t y = 0; y < t.out_rows; ++y)
      for (uint32_t x = 0; x < t.output.width; ++x) {
        float v = 0.0f;
        ForEachTap(t, y, x, 0, t.input.channels, [&](uint32_t c, uint32_t iy, uint32_t ix, bool inside, uint32_t ky, uint32_t kx) {
          const float in = inside ? half_at(r.source.addr + r.source.Offset(c, iy, ix))
                                  : HalfBitsToFloat(static_cast<uint16_t>(r.pad_value));
          const float weight =
              k < r.weight_kernels ? half_at(t.weight_addr + 2 * r.WeightIndex(k, c, ky, kx, t.kernel_h, t.kernel_w)) : 0.0f;
          v += in * weight;
        });
        const uint16_t bits = FloatToHalfBits(v);
        uint8_t* out = ddr.At(r.destination.addr + r.destination.Offset(k, y, x), 2);
        out[0] = static_cast<uint8_t>(bits), out[1] = static_cast<uint8_t>(bits >> 8);
      }
}

void Conv(Ddr& ddr, const isa::Task& t) {
  const isa::RegcmdTask& r = t.regcmd;
  if (r.fp16) return ConvFp16(ddr, t);
  for (uint32_t k = 0; k < t.kernels; ++k) {
    const int64_t ow = BsOperand(ddr, t, k, 1);
    for (uint32_t y = 0; y < t.out_rows; ++y)
      for (uint32_t x = 0; x < t.output.width; ++x) {
        int64_t v = 0;
        const uint32_t first = r.depthwise ? k : 0, last = r.depthwise ? k + 1 : t.input.channels;
        ForEachTap(t, y, x, first, last, [&](uint32_t c, uint32_t iy, uint32_t ix, bool inside, uint32_t ky, uint32_t kx) {
          const int64_t in = inside ? Input(ddr, r, c, iy, ix) : r.pad_value;
          const uint64_t index = r.WeightIndex(k, c, ky, kx, t.kernel_h, t.kernel_w);
          int64_t code = 0;
          if (k < r.weight_kernels && r.weight_pairs) {  // (code, -zero point mod 256) pairs
            const int64_t negated = *ddr.At(t.weight_addr + 2 * index + 1, 1);
            code = int64_t{ddr.Get(t.weight_addr + 2 * index)} + (negated == 0x80 ? 128 : static_cast<int8_t>(negated));
          } else if (k < r.weight_kernels) {
            code = ddr.Get(t.weight_addr + index);
          }
          v += in * (code + ow);
        });
        ddr.Put(r.destination.addr + r.destination.Offset(k, y, x), Stages(ddr, t, k, y, x, v));
      }
  }
}

// RegcmdTask::move: every byte of every element from source to destination, all read first.
void Move(Ddr& ddr, const isa::Task& t) {
  const isa::RegcmdTask& r = t.regcmd;
  // fn(byte i of element (c, y, x)) over the cube, in [c][y][x][i] order.
  const auto each_byte = [&](auto fn) {
    for (uint32_t c = 0; c < t.kernels; ++c)
      for (uint32_t y = 0; y < t.out_rows; ++y)
        for (uint32_t x = 0; x < t.output.width; ++x)
          for (uint32_t i = 0; i < r.source.elem_bytes; ++i) fn(c, y, x, i);
  };
  std::vector<int8_t> bytes;
  each_byte([&](uint32_t c, uint32_t y, uint32_t x, uint32_t i) {
    bytes.push_back(ddr.Get(r.source.addr + r.source.Offset(c, y, x) + i));
  });
  size_t n = 0;
  each_byte([&](uint32_t c, uint32_t y, uint32_t x, uint32_t i) {
    ddr.Put(r.destination.addr + r.destination.Offset(c, y, x) + i, bytes[n++]);
  });
}

void DpuOnly(Ddr& ddr, const isa::Task& t) {
  const isa::RegcmdTask& r = t.regcmd;
  if (r.move) return Move(ddr, t);
  for (uint32_t c = 0; c < t.kernels; ++c)
    for (uint32_t y = 0; y < t.out_rows; ++y)
      for (uint32_t x = 0; x < t.output.width; ++x)
        ddr.Put(r.destination.addr + r.destination.Offset(c, y, x),
                Stages(ddr, t, c, y, x, ddr.Get(r.source.addr + r.source.Offset(c, y, x)) + int64_t{r.in_offset}));
}

// ArgMax over channels (indices as int8 codes) or Reshape (elements in NCHW order), from DDR to DDR.
void RunHost(Ddr& ddr, const HostOp& op, const isa::Task& t) {
  const isa::Surface& in = t.cpu_inputs.at(0);
  const isa::Surface& out = t.cpu_outputs.at(0);
  uint64_t n = 0;
  if (op.type == "Reshape") {
    for (uint32_t c = 0; c < in.channels; ++c)
      for (uint32_t y = 0; y < in.height; ++y)
        for (uint32_t x = 0; x < in.width; ++x) ddr.Put(out.addr + n++, ddr.Get(in.addr + in.Offset(c, y, x)));
    return;
  }
  for (uint32_t y = 0; y < in.height; ++y)
    for (uint32_t x = 0; x < in.width; ++x) {
      int8_t best_value = -128;
      int8_t best = 0;
      for (uint32_t c = 0; c < in.channels; ++c) {
        const int8_t v = ddr.Get(in.addr + in.Offset(c, y, x));
        if (c == 0 || v > best_value) best_value = v, best = static_cast<int8_t>(c);
      }
      ddr.Put(out.addr + n++, best);
    }
}

}  // namespace

std::vector<std::vector<uint8_t>> RunRegcmdReference(const RegcmdProgram& regcmd,
                                                     const std::vector<std::vector<uint8_t>>& inputs) {
  const isa::Program& program = regcmd.program;
  if (inputs.size() != program.inputs.size())
    throw Error("the model takes " + std::to_string(program.inputs.size()) + " inputs, got " + std::to_string(inputs.size()));
  Ddr ddr(program.DdrBytes());
  if (!program.weights.empty())  // a program of DPU-only copies may have no constants
    std::memcpy(ddr.At(program.memory.weight_base, program.weights.size()), program.weights.data(),
                program.weights.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const isa::Surface& s = program.inputs[i].surface;
    if (inputs[i].size() != s.bytes())
      throw Error("input " + std::to_string(i) + " holds " + std::to_string(inputs[i].size()) + " bytes, its surface " +
                  std::to_string(s.bytes()));
    std::memcpy(ddr.At(s.addr, s.bytes()), inputs[i].data(), s.bytes());
  }
  for (const isa::Task& t : program.tasks) {
    if (t.op == isa::TaskOp::kCpu && regcmd.host_ops.at(t.cpu_node).custom) {
      // A custom operator is the caller's code, the same for both executors: its surfaces in and
      // out of this DDR around the registered kernel.
      std::vector<std::vector<uint8_t>> in, out;
      for (const isa::Surface& s : t.cpu_inputs) {
        const uint8_t* p = ddr.At(s.addr, s.bytes());
        in.emplace_back(p, p + s.bytes());
      }
      RunHostOp(regcmd, t, in, out);
      for (size_t k = 0; k < out.size(); ++k)
        std::memcpy(ddr.At(t.cpu_outputs.at(k).addr, out[k].size()), out[k].data(), out[k].size());
      continue;
    }
    if (t.op == isa::TaskOp::kCpu) {
      RunHost(ddr, regcmd.host_ops.at(t.cpu_node), t);
      continue;
    }
    if (!t.regcmd.on || (t.op != isa::TaskOp::kConv && t.op != isa::TaskOp::kRegcmdDpu))
      throw Error("the register-level reference runs only tasks decoded from a .rknn's register commands");
    if (t.op == isa::TaskOp::kConv)
      Conv(ddr, t);
    else
      DpuOnly(ddr, t);
  }
  std::vector<std::vector<uint8_t>> out;
  for (const isa::IoTensor& io : program.outputs) {
    const uint8_t* p = ddr.At(io.surface.addr, io.surface.bytes());
    out.emplace_back(p, p + io.surface.bytes());
  }
  return out;
}

}  // namespace rknnsim::rknn
