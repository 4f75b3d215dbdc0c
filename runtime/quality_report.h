// The quantization quality report of `rknn-sim convert`: a table for the console and JSON for
// `--quant-report FILE.json` (README.md lists the keys), from compiler/quant/quality.h.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "compiler/quant/quality.h"

namespace rknnsim::runtime {

// Every output, then the `max_layers` layers with the lowest worst-sample cosine, worst first.
std::string FormatQualityTable(const quant::QualityReport& report, size_t max_layers = 10);

// {"samples", "outputs": [...], "layers": [...]} with every matched layer in node order; each
// entry has name, op_type, node, output_index, cosine_min, cosine_mean, local_cosine_min (the
// layer alone, null when not measurable), max_abs_error, float_abs_max.
nlohmann::json QualityToJson(const quant::QualityReport& report);

}  // namespace rknnsim::runtime
