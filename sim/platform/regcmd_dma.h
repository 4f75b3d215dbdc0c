// How the DMAs of CNA and DPU move the strided cubes of Rockchip's programs (isa/regcmd_task.h):
// one transaction per C1 surface, spanning its rows; writes carry byte enables so that only the
// cube's elements change.
#pragma once

#include <algorithm>
#include <vector>

#include "isa/regcmd_task.h"
#include "sim/kernels/npu_kernels.h"
#include "sim/platform/dma_port.h"

namespace rknnsim::sim {

// Bytes of C1 block b of a cube, from its first element to its last.
inline uint64_t CubeBlockSpan(const isa::StridedCube& cube, uint32_t channels, uint32_t rows, uint32_t width,
                              uint32_t b) {
  const uint32_t lanes = std::min(cube.c2, channels - b * cube.c2);
  return uint64_t{rows - 1} * cube.line + uint64_t{width - 1} * cube.pixel + uint64_t{lanes} * cube.elem_bytes;
}

template <typename Port>
RegcmdTile ReadCube(Port& dma, const isa::StridedCube& cube, uint32_t channels, uint32_t rows, uint32_t width,
                    std::vector<uint8_t>& buffer, bool functional, TaskTiming& timing) {
  RegcmdTile tile{nullptr, rows, cube.line, cube.pixel, cube.c2, cube.elem_bytes};
  const uint32_t blocks = (channels + cube.c2 - 1) / cube.c2;
  if (functional) buffer.assign(blocks * tile.block(), 0);
  for (uint32_t b = 0; b < blocks; ++b)
    dma.Read(cube.addr + b * cube.surface, functional ? buffer.data() + b * tile.block() : nullptr,
             CubeBlockSpan(cube, channels, rows, width, b), timing);
  tile.data = buffer.data();
  return tile;
}

// `values`: the cube's elements (cube.elem_bytes each, little-endian) in [c][y][x] order; null for
// timing-only runs.
template <typename Port>
void WriteCube(Port& dma, const isa::StridedCube& cube, uint32_t channels, uint32_t rows, uint32_t width,
               const uint8_t* values, TaskTiming& timing) {
  const uint32_t blocks = (channels + cube.c2 - 1) / cube.c2;
  const uint32_t e = cube.elem_bytes;
  for (uint32_t b = 0; b < blocks; ++b) {
    const uint64_t span = CubeBlockSpan(cube, channels, rows, width, b);
    const uint32_t lanes = std::min(cube.c2, channels - b * cube.c2);
    std::vector<uint8_t> data(values ? span : 0), enables(span, TLM_BYTE_DISABLED);
    for (uint32_t l = 0; l < lanes; ++l)
      for (uint32_t y = 0; y < rows; ++y)
        for (uint32_t x = 0; x < width; ++x) {
          const uint64_t at = uint64_t{y} * cube.line + uint64_t{x} * cube.pixel + uint64_t{l} * e;
          const size_t element = (size_t{b * cube.c2 + l} * rows + y) * width + x;
          for (uint32_t i = 0; i < e; ++i) {
            enables[at + i] = TLM_BYTE_ENABLED;
            if (values) data[at + i] = values[element * e + i];
          }
        }
    dma.WriteMasked(cube.addr + b * cube.surface, values ? data.data() : nullptr, enables.data(), span,
                    uint64_t{lanes} * rows * width * e, timing);
  }
}

}  // namespace rknnsim::sim
