// The build-time settings of RKNN-Toolkit2's `config()` that shape quantization and
// preprocessing, with the toolkit's names and defaults (../docs/quantization.md).
#pragma once

#include <string>
#include <vector>

namespace rknnsim::quant {

struct QuantConfig {
  // Per model input, per channel: the model computes (x - mean) / std on its raw input.
  // Empty means mean 0 and std 1 for every input.
  std::vector<std::vector<float>> mean_values;
  std::vector<std::vector<float>> std_values;
  // Swap the channel order of calibration *images* (never of .npy samples), manual §4.5–4.6.
  bool quant_img_rgb2bgr = false;
  std::string quantized_dtype = "asymmetric_quantized-8";
  std::string quantized_algorithm = "normal";  // normal | kl_divergence | mmse
  std::string quantized_method = "channel";    // channel | layer
  std::string float_dtype = "float16";
  int optimization_level = 3;
};

}  // namespace rknnsim::quant
