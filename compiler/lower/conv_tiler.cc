#include "compiler/lower/conv_tiler.h"

#include <algorithm>

#include "common/error.h"

namespace rknnsim::lower {
namespace {

uint64_t CeilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

}  // namespace

void InputRowsFor(const ConvShape& s, uint32_t out_row_begin, uint32_t out_rows, uint32_t& first, uint32_t& last) {
  const int64_t top = int64_t{out_row_begin} * s.stride_h - s.pad_top;
  const int64_t bottom = int64_t{out_row_begin + out_rows - 1} * s.stride_h - s.pad_top +
                         int64_t{s.kernel_h - 1} * s.dilation_h;
  first = static_cast<uint32_t>(std::max<int64_t>(top, 0));
  last = static_cast<uint32_t>(std::min<int64_t>(bottom, int64_t{s.in_height} - 1));
}

std::vector<ConvTile> TileConvolution(const ConvShape& s, const isa::PlatformConfig& p, const std::string& layer_name) {
  const uint64_t bank = static_cast<uint64_t>(p.cbuf_bank_bytes);
  const uint64_t group_channels = s.depthwise ? 1 : s.in_channels_aligned;
  const uint64_t group_bytes = uint64_t{s.kernel_h} * s.kernel_w * group_channels * s.kernel_atom * s.elem_bytes;
  const uint32_t groups = s.kernels_aligned / s.kernel_atom;
  // Output rows whose input window fits: (n - 1) * stride + (kh - 1) * dilation + 1 <= rows_fit.
  const uint64_t window = uint64_t{s.kernel_h - 1} * s.dilation_h + 1;
  const uint64_t window_rows = std::min<uint64_t>(window, s.in_height);
  // One input row of a chunk of `g` kernel groups: all channels for a direct convolution, only
  // the chunk's own channels for a depthwise one (CNA loads just those C1 surfaces).
  auto row_bytes_for = [&](uint64_t g) {
    const uint64_t channels = s.depthwise ? std::min<uint64_t>(g * s.kernel_atom, s.in_channels_aligned)
                                          : s.in_channels_aligned;
    return uint64_t{s.in_width} * channels * s.elem_bytes;
  };
  // Kernel groups per chunk: as many as fit beside the data banks that one window of the chunk's
  // input rows needs (at least one data bank); fewer groups per chunk free banks for wide inputs.
  auto fits = [&](uint64_t g) {
    const uint64_t weight_banks = CeilDiv(g * group_bytes, bank);
    if (weight_banks >= static_cast<uint64_t>(p.cbuf_banks)) return false;
    return window_rows * row_bytes_for(g) <= (static_cast<uint64_t>(p.cbuf_banks) - weight_banks) * bank;
  };
  uint32_t groups_per_chunk = groups;
  while (groups_per_chunk > 0 && !fits(groups_per_chunk)) --groups_per_chunk;
  if (groups_per_chunk == 0)
    throw Error("layer '" + layer_name + "': one kernel group (" + std::to_string(group_bytes) +
                    " bytes) and one window of input rows (" + std::to_string(window_rows * row_bytes_for(1)) +
                    " bytes) do not fit the platform's " + std::to_string(p.CbufBytes()) + "-byte CBUF together",
                "reduce the input width, channels or kernel size of this layer");
  const uint64_t row_bytes = row_bytes_for(groups_per_chunk);
  const uint32_t weight_banks = static_cast<uint32_t>(CeilDiv(groups_per_chunk * group_bytes, bank));
  const uint32_t data_banks = static_cast<uint32_t>(p.cbuf_banks) - weight_banks;
  const uint64_t rows_fit = std::min(data_banks * bank / std::max<uint64_t>(row_bytes, 1), s.max_task_input_rows);
  // The whole input fits: one tile of all rows (also when the input is shorter than the window).
  const uint64_t rows_by_window = rows_fit >= window ? (rows_fit - window) / s.stride_h + 1 : 1;
  const uint32_t rows_per_tile = static_cast<uint32_t>(
      std::clamp<uint64_t>(rows_fit >= s.in_height ? s.out_height : rows_by_window, 1, s.out_height));

  std::vector<ConvTile> tiles;
  for (uint32_t g = 0; g < groups; g += groups_per_chunk)
    for (uint32_t r = 0; r < s.out_height; r += rows_per_tile) {
      ConvTile t;
      t.out_row_begin = r;
      t.out_rows = std::min(rows_per_tile, s.out_height - r);
      t.kernel_begin = g * s.kernel_atom;
      t.kernels = std::min(groups_per_chunk, groups - g) * s.kernel_atom;
      t.weight_banks = weight_banks;
      t.data_banks = data_banks;
      tiles.push_back(t);
    }
  return tiles;
}

}  // namespace rknnsim::lower
