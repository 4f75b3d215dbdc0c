// RKNN-Toolkit2's dataset.txt: one sample per line, one file per model input separated by spaces,
// paths relative to the dataset file's directory (troubleshooting manual §4.4). Each file is a
// .npy of the input's element count (any numeric dtype, C or Fortran order) or, for (1,3,H,W)
// inputs, a .jpg/.jpeg/.png/.bmp image (common/image.h). Samples are raw: the model's own
// mean/std normalization (compiler/passes/normalize_inputs.h) applies to them as to inference inputs.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/graph.h"

namespace rknnsim::quant {

using Sample = std::vector<std::vector<float>>;  // one float NCHW array per model input

// Loads and validates every sample against the graph's inputs (count and element count).
// `quant_img_rgb2bgr` swaps the channel order of images only, never of .npy (manual §4.5-4.6).
std::vector<Sample> LoadDataset(const std::string& dataset_txt, const ir::Graph& graph,
                                bool quant_img_rgb2bgr = false);

// Loads one .npy or image per model input for inference, validated the same way. Images keep
// RGB order: quant_img_rgb2bgr affects the calibration set only, as in the toolkit.
Sample LoadInputs(const std::vector<std::string>& paths, const ir::Graph& graph);

// One input file (.npy of the input's element count, or an image for a (1,3,H,W) input) for a
// model input described by `input` (its name and shape), as LoadInputs reads each.
std::vector<float> LoadInputArray(const std::string& path, const ir::Tensor& input, bool rgb2bgr);

}  // namespace rknnsim::quant
