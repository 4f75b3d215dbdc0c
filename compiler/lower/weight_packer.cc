#include "compiler/lower/weight_packer.h"

#include <cstring>

#include "compiler/ops/op_util.h"
#include "compiler/quant/arithmetic.h"

namespace rknnsim::lower {
namespace {

template <typename T>
void Append(std::vector<uint8_t>& out, T value) {
  const size_t at = out.size();
  out.resize(at + sizeof(T));
  std::memcpy(out.data() + at, &value, sizeof(T));
}

}  // namespace

PackedLayer PackLayer(const ir::Graph& g, const ir::Node& node, uint32_t in_channels_aligned, uint32_t kernel_atom,
                      bool depthwise) {
  const ir::Tensor& w = g.tensor(node.inputs[1]);
  const bool is_fp16 = w.dtype == ir::DType::kFloat16;
  const uint32_t kernels = static_cast<uint32_t>(w.shape[0]);
  const uint32_t channels = static_cast<uint32_t>(w.shape[1]);
  const uint32_t kh = w.shape.size() == 4 ? static_cast<uint32_t>(w.shape[2]) : 1;
  const uint32_t kw = w.shape.size() == 4 ? static_cast<uint32_t>(w.shape[3]) : 1;
  PackedLayer packed;
  packed.kernels_aligned = (kernels + kernel_atom - 1) / kernel_atom * kernel_atom;
  const uint32_t elem = is_fp16 ? 2 : 1;
  const uint32_t group_channels = depthwise ? 1 : in_channels_aligned;
  packed.weights.assign(size_t{packed.kernels_aligned} * kh * kw * group_channels * elem, 0);
  size_t at = 0;
  if (depthwise) {
    for (uint32_t group = 0; group < packed.kernels_aligned; group += kernel_atom)
      for (uint32_t ky = 0; ky < kh; ++ky)
        for (uint32_t kx = 0; kx < kw; ++kx)
          for (uint32_t k = group; k < group + kernel_atom; ++k, at += elem)
            if (k < kernels) std::memcpy(packed.weights.data() + at, w.bytes.data() + ((size_t{k} * kh + ky) * kw + kx) * elem, elem);
  }
  for (uint32_t group = 0; group < packed.kernels_aligned && !depthwise; group += kernel_atom)
    for (uint32_t ky = 0; ky < kh; ++ky)
      for (uint32_t kx = 0; kx < kw; ++kx)
        for (uint32_t ci = 0; ci < in_channels_aligned; ++ci)
          for (uint32_t k = group; k < group + kernel_atom; ++k, at += elem) {
            if (k >= kernels || ci >= channels) continue;  // padding stays zero
            const size_t src = ((size_t{k} * channels + ci) * kh + ky) * kw + kx;
            std::memcpy(packed.weights.data() + at, w.bytes.data() + src * elem, elem);
          }

  const ir::Tensor* bias = node.inputs.size() > 2 ? &g.tensor(node.inputs[2]) : nullptr;
  if (is_fp16) {
    for (uint32_t k = 0; k < packed.kernels_aligned; ++k)
      Append<float>(packed.dpu_table, bias && k < kernels ? bias->float_data[k] : 0.0f);
    return packed;
  }
  const ir::Tensor& x = g.tensor(node.inputs[0]);
  const ir::Tensor& y = g.tensor(node.outputs[0]);
  const int32_t* qbias = bias ? ops::ConstBytesAs<int32_t>(*bias) : nullptr;
  for (uint32_t k = 0; k < packed.kernels_aligned; ++k) {
    quant::Requant rq;
    if (k < kernels) rq = quant::MakeRequant(double(x.quant.scale[0]) * w.quant.scale[k] / y.quant.scale[0]);
    Append<int32_t>(packed.dpu_table, qbias && k < kernels ? qbias[k] : 0);
    Append<int32_t>(packed.dpu_table, rq.scale);
    Append<int32_t>(packed.dpu_table, rq.shift);
  }
  return packed;
}

}  // namespace rknnsim::lower
