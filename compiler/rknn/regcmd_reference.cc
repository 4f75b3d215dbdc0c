#include "compiler/rknn/regcmd_reference.h"

#include <algorithm>
#include <cstring>

#include "common/error.h"

namespace rknnsim::rknn {
namespace {

int64_t Rounded(int64_t value, uint32_t shift) {
  if (shift == 0) return value;
  const int64_t half = int64_t{1} << (shift - 1);
  return (value + half) >> shift;  // arithmetic shift: rounds half up, also for negative values
}

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

// One field of the BS operand record of kernel k: `field` 0 = int32 bias, 1 = int16 weight
// offset, 2 = uint16 multiplier; the records of a group of G kernels store each field together.
int64_t BsOperand(Ddr& ddr, const isa::Task& t, uint32_t k, int field) {
  const uint32_t g = t.regcmd.bs_group;
  const uint64_t group = t.dpu_table_addr + uint64_t{k / g} * g * 8;
  const uint32_t lane = k % g;
  if (field == 0) {
    int32_t v;
    std::memcpy(&v, ddr.At(group + lane * 4, 4), 4);
    return v;
  }
  uint16_t raw;
  std::memcpy(&raw, ddr.At(group + g * (field == 1 ? 4 : 6) + lane * 2, 2), 2);
  return field == 1 ? int64_t{static_cast<int16_t>(raw)} : int64_t{raw};
}

// Weight code of kernel k, input channel c, tap (ky, kx) in the native blocks [O1, I1, kh, kw, Ob, Ib].
int64_t WeightCode(Ddr& ddr, const isa::Task& t, uint32_t k, uint32_t c, uint32_t ky, uint32_t kx) {
  const isa::RegcmdConv& r = t.regcmd;
  if (k >= r.weight_o1 * r.weight_ob) return 0;
  const uint64_t o1 = k / r.weight_ob, ob = k % r.weight_ob, i1 = c / r.weight_ib, ib = c % r.weight_ib;
  const uint64_t index = ((((o1 * r.weight_i1 + i1) * t.kernel_h + ky) * t.kernel_w + kx) * r.weight_ob + ob) *
                             r.weight_ib + ib;
  return ddr.Get(t.weight_addr + index);
}

void Conv(Ddr& ddr, const isa::Task& t) {
  const isa::RegcmdConv& r = t.regcmd;
  const bool blob = r.bs_alu || r.bs_mul || r.ow_from_blob;
  for (uint32_t k = 0; k < t.kernels; ++k) {
    const int64_t ow = r.ow_from_blob ? BsOperand(ddr, t, k, 1) : r.ow_value;
    const int64_t bias = blob ? BsOperand(ddr, t, k, 0) : 0;
    const int64_t mul = blob ? BsOperand(ddr, t, k, 2) : 1;
    // Output channel k of a surface whose lanes beyond `channels` still have room (allocation).
    const uint64_t lane = (k / t.output.c2) * t.output.surface_stride() + k % t.output.c2;
    for (uint32_t y = t.out_row_begin; y < t.out_row_begin + t.out_rows; ++y)
      for (uint32_t x = 0; x < t.output.width; ++x) {
        int64_t v = 0;
        for (uint32_t ky = 0; ky < t.kernel_h; ++ky)
          for (uint32_t kx = 0; kx < t.kernel_w; ++kx) {
            const int64_t iy = int64_t{y} * t.stride_h + ky - t.pad_top;
            const int64_t ix = int64_t{x} * t.stride_w + kx - t.pad_left;
            const bool image = iy >= 0 && iy < t.input.height && ix >= 0 && ix < t.input.width;
            for (uint32_t c = 0; c < t.input.channels; ++c) {
              const int64_t in = image ? ddr.Get(t.input.addr + t.input.Offset(c, static_cast<uint32_t>(iy),
                                                                                 static_cast<uint32_t>(ix)))
                                       : r.pad_value;
              v += in * (WeightCode(ddr, t, k, c, ky, kx) + ow);
            }
          }
        if (r.bs_alu) v += bias;
        if (r.bs_mul) v = Rounded(v * mul, r.bs_mul_shift);
        if (r.bs_relu) v = std::max<int64_t>(v, 0);
        const uint64_t pixel = uint64_t{y} * t.output.line_stride() + uint64_t{x} * t.output.c2 + lane;
        if (r.ew) {
          const int64_t addend = ddr.Get(t.input2.addr + pixel);
          v += Rounded((addend + r.ew_offset) * r.ew_scale, r.ew_shift);
          if (r.ew_relu) v = std::max<int64_t>(v, 0);
        }
        ddr.Put(t.output.addr + pixel, Saturated(Rounded(v * r.out_scale, r.out_shift) + r.out_offset));
      }
  }
}

}  // namespace

std::vector<std::vector<uint8_t>> RunRegcmdReference(const isa::Program& program,
                                                     const std::vector<std::vector<uint8_t>>& inputs) {
  if (inputs.size() != program.inputs.size())
    throw Error("the model takes " + std::to_string(program.inputs.size()) + " inputs, got " + std::to_string(inputs.size()));
  Ddr ddr(program.DdrBytes());
  std::memcpy(ddr.At(program.memory.weight_base, program.weights.size()), program.weights.data(), program.weights.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const isa::Surface& s = program.inputs[i].surface;
    if (inputs[i].size() != s.bytes())
      throw Error("input " + std::to_string(i) + " holds " + std::to_string(inputs[i].size()) + " bytes, its surface " +
                  std::to_string(s.bytes()));
    std::memcpy(ddr.At(s.addr, s.bytes()), inputs[i].data(), s.bytes());
  }
  for (const isa::Task& t : program.tasks) {
    if (!t.regcmd.on || t.op != isa::TaskOp::kConv)
      throw Error("the register-level reference runs only tasks decoded from a .rknn's register commands");
    Conv(ddr, t);
  }
  std::vector<std::vector<uint8_t>> out;
  for (const isa::IoTensor& io : program.outputs) {
    const uint8_t* p = ddr.At(io.surface.addr, io.surface.bytes());
    out.emplace_back(p, p + io.surface.bytes());
  }
  return out;
}

}  // namespace rknnsim::rknn
