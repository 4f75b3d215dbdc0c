#include "compiler/rknn/host_ops.h"

#include "common/error.h"
#include "common/fp16.h"
#include "compiler/ops/custom_op.h"
#include "compiler/quant/arithmetic.h"

namespace rknnsim::rknn {
namespace {

// A tensor's surface image as float32 NCHW values: int8 codes dequantized with its scale and zero
// point, halves as they are (docs/quantization.md §15: CPU operators work on float values).
std::vector<float> SurfaceValues(const std::vector<uint8_t>& image, const isa::IoTensor& io) {
  const isa::Surface& s = io.surface;
  std::vector<float> values;
  values.reserve(size_t{s.channels} * s.height * s.width);
  for (uint32_t c = 0; c < s.channels; ++c)
    for (uint32_t y = 0; y < s.height; ++y)
      for (uint32_t x = 0; x < s.width; ++x) {
        const uint8_t* e = image.data() + s.Offset(c, y, x);
        values.push_back(s.type == isa::ElemType::kFp16
                             ? HalfBitsToFloat(static_cast<uint16_t>(e[0] | e[1] << 8))
                             : quant::DequantizeValue(static_cast<int8_t>(e[0]), io.scale, io.zero_point));
      }
  return values;
}

// float32 NCHW values into a tensor's surface image: quantized to int8 or rounded to half.
std::vector<uint8_t> SurfaceImage(const std::vector<float>& values, const isa::IoTensor& io) {
  const isa::Surface& s = io.surface;
  std::vector<uint8_t> image(s.bytes(), 0);
  size_t i = 0;
  for (uint32_t c = 0; c < s.channels; ++c)
    for (uint32_t y = 0; y < s.height; ++y)
      for (uint32_t x = 0; x < s.width; ++x, ++i) {
        uint8_t* e = image.data() + s.Offset(c, y, x);
        if (s.type == isa::ElemType::kFp16) {
          const uint16_t bits = FloatToHalfBits(values[i]);
          e[0] = static_cast<uint8_t>(bits), e[1] = static_cast<uint8_t>(bits >> 8);
        } else {
          e[0] = static_cast<uint8_t>(quant::QuantizeValue(values[i], io.scale, io.zero_point));
        }
      }
  return image;
}

void RunCustomOp(const HostOp& op, const std::vector<std::vector<uint8_t>>& inputs,
                 std::vector<std::vector<uint8_t>>& outputs) {
  const std::shared_ptr<const ops::CustomOpKernel> kernel = ops::FindCustomOp(op.type);
  if (!kernel) throw Error("custom operator '" + op.type + "' is not registered");
  std::vector<std::vector<float>> in, out(op.custom_outputs.size());
  for (size_t k = 0; k < op.custom_inputs.size(); ++k) in.push_back(SurfaceValues(inputs.at(k), op.custom_inputs[k]));
  ops::CustomOpCall call{op.node, {}, {}, {}, {}};
  for (size_t k = 0; k < in.size(); ++k) {
    call.input_shapes.push_back(op.custom_inputs[k].shape);
    call.inputs.push_back(&in[k]);
  }
  for (size_t k = 0; k < out.size(); ++k) {
    call.output_shapes.push_back(op.custom_outputs[k].shape);
    call.outputs.push_back(&out[k]);
  }
  kernel->compute(call);
  outputs.clear();
  for (size_t k = 0; k < out.size(); ++k) {
    const isa::Surface& s = op.custom_outputs[k].surface;
    if (out[k].size() != uint64_t{s.channels} * s.height * s.width)
      throw Error("custom operator '" + op.type + "' wrote " + std::to_string(out[k].size()) + " values to output " +
                  std::to_string(k) + " of shape " + ir::ShapeToString(op.custom_outputs[k].shape));
    outputs.push_back(SurfaceImage(out[k], op.custom_outputs[k]));
  }
}

}  // namespace

void CheckHostOpsRegistered(const RegcmdProgram& program, const std::string& what) {
  for (const HostOp& op : program.host_ops)
    if (op.custom && !ops::FindCustomOp(op.type))
      throw Error(what + ": node '" + op.node.name + "' runs on the CPU with attributes, as a custom operator does, and no "
                         "custom operator '" + op.type + "' is registered",
                  "register its implementation first: Python rknn.reg_custom_op(obj) before load_rknn, C "
                  "rknn_register_custom_ops(ctx, ...) before rknn_run; `rknn-sim run` cannot run custom operators");
}

void RunHostOp(const RegcmdProgram& program, const isa::Task& task, const std::vector<std::vector<uint8_t>>& inputs,
               std::vector<std::vector<uint8_t>>& outputs) {
  const HostOp& op = program.host_ops.at(task.cpu_node);
  if (op.custom) return RunCustomOp(op, inputs, outputs);
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

}  // namespace rknnsim::rknn
