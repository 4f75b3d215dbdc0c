// Conversion between user tensors (float32 NCHW) and the NPU's native surfaces, as the board's
// runtime does on the CPU: quantize (int8) or round (fp16) and lay out in NC1HWC2, and back.
#pragma once

#include <cstdint>
#include <vector>

#include "isa/program.h"

namespace rknnsim::runtime {

std::vector<uint8_t> PackInput(const std::vector<float>& nchw, const isa::IoTensor& io);
std::vector<float> UnpackOutput(const std::vector<uint8_t>& surface, const isa::IoTensor& io);

// Raw element bytes between a surface image and NCHW order (no conversion of values).
std::vector<uint8_t> SurfaceToNchw(const isa::Surface& surface, const std::vector<uint8_t>& image);
std::vector<uint8_t> NchwToSurface(const isa::Surface& surface, const std::vector<uint8_t>& nchw);

}  // namespace rknnsim::runtime
