#include "runtime/tensor_io.h"

#include <cstring>

#include "common/error.h"
#include "common/fp16.h"
#include "compiler/quant/arithmetic.h"

namespace rknnsim::runtime {
namespace {

// Calls fn(nchw_index, surface_byte_offset) for every element of a batch-1 tensor. Along a row
// the offset steps by one atom (Surface::Offset's x term), computed once per row.
template <typename Fn>
void ForEachElement(const isa::Surface& s, Fn fn) {
  const uint64_t step = uint64_t{s.c2} * isa::ElemBytes(s.type);
  size_t i = 0;
  for (uint32_t c = 0; c < s.channels; ++c)
    for (uint32_t y = 0; y < s.height; ++y) {
      uint64_t offset = s.Offset(c, y, 0);
      for (uint32_t x = 0; x < s.width; ++x, offset += step) fn(i++, offset);
    }
}

}  // namespace

std::vector<uint8_t> SurfaceToNchw(const isa::Surface& s, const std::vector<uint8_t>& image) {
  const uint32_t eb = isa::ElemBytes(s.type);
  if (image.size() != s.bytes()) throw Error("surface image has the wrong size");
  std::vector<uint8_t> nchw(uint64_t{s.channels} * s.height * s.width * eb);
  ForEachElement(s, [&](size_t i, uint64_t off) { std::memcpy(nchw.data() + i * eb, image.data() + off, eb); });
  return nchw;
}

std::vector<uint8_t> NchwToSurface(const isa::Surface& s, const std::vector<uint8_t>& nchw) {
  const uint32_t eb = isa::ElemBytes(s.type);
  if (nchw.size() != uint64_t{s.channels} * s.height * s.width * eb) throw Error("tensor has the wrong size for its surface");
  std::vector<uint8_t> image(s.bytes(), 0);
  ForEachElement(s, [&](size_t i, uint64_t off) { std::memcpy(image.data() + off, nchw.data() + i * eb, eb); });
  return image;
}

std::vector<uint8_t> PackInput(const std::vector<float>& nchw, const isa::IoTensor& io) {
  const isa::Surface& s = io.surface;
  if (nchw.size() != uint64_t{s.channels} * s.height * s.width)
    throw Error("input '" + io.name + "' has " + std::to_string(nchw.size()) + " elements, expected " +
                std::to_string(uint64_t{s.channels} * s.height * s.width));
  std::vector<uint8_t> bytes(s.bytes(), 0);
  if (s.type == isa::ElemType::kInt8 && io.stored_scale > 0) {
    ForEachElement(s, [&](size_t i, uint64_t off) {
      bytes[off] = static_cast<uint8_t>(quant::QuantizeUint8(nchw[i], io.stored_scale, io.stored_zero_point));
    });
  } else if (s.type == isa::ElemType::kInt8) {
    ForEachElement(s, [&](size_t i, uint64_t off) {
      bytes[off] = static_cast<uint8_t>(quant::QuantizeValue(nchw[i], io.scale, io.zero_point));
    });
  } else {
    ForEachElement(s, [&](size_t i, uint64_t off) {
      const uint16_t h = FloatToHalfBits(nchw[i]);
      std::memcpy(bytes.data() + off, &h, 2);
    });
  }
  return bytes;
}

std::vector<float> UnpackOutput(const std::vector<uint8_t>& surface, const isa::IoTensor& io) {
  const isa::Surface& s = io.surface;
  if (surface.size() != s.bytes()) throw Error("output '" + io.name + "' surface has the wrong size");
  std::vector<float> nchw(uint64_t{s.channels} * s.height * s.width);
  if (s.type == isa::ElemType::kInt8) {
    ForEachElement(s, [&](size_t i, uint64_t off) {
      nchw[i] = quant::DequantizeValue(static_cast<int8_t>(surface[off]), io.scale, io.zero_point);
    });
  } else {
    ForEachElement(s, [&](size_t i, uint64_t off) {
      uint16_t h;
      std::memcpy(&h, surface.data() + off, 2);
      nchw[i] = HalfBitsToFloat(h);
    });
  }
  return nchw;
}

}  // namespace rknnsim::runtime
