#include "runtime/quality_report.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace rknnsim::runtime {
namespace {

std::string Row(const char* first, const quant::TensorQuality& q) {
  char local[32] = "-";
  if (q.local_cosine_min >= -1.0) std::snprintf(local, sizeof(local), "%.6f", q.local_cosine_min);
  char line[512];
  std::snprintf(line, sizeof(line), "%-6s %-18s %11.6f %12.6f %11s %11.4g %12.4g  %s\n", first, q.op_type.c_str(),
                q.cosine_min, q.cosine_mean, local, q.max_abs_error, q.float_abs_max, q.name.c_str());
  return line;
}

std::string Header(const char* first) {
  char line[256];
  std::snprintf(line, sizeof(line), "%-6s %-18s %11s %12s %11s %11s %12s  %s\n", first, "OpType", "Cosine(min)",
                "Cosine(mean)", "Alone(min)", "MaxAbsErr", "FloatAbsMax", "Name");
  return line;
}

nlohmann::json Entry(const quant::TensorQuality& q) {
  return {{"name", q.name},
          {"op_type", q.op_type},
          {"node", q.node},
          {"output_index", q.output_index},
          {"cosine_min", q.cosine_min},
          {"cosine_mean", q.cosine_mean},
          {"local_cosine_min", q.local_cosine_min >= -1.0 ? nlohmann::json(q.local_cosine_min) : nlohmann::json()},
          {"max_abs_error", q.max_abs_error},
          {"float_abs_max", q.float_abs_max}};
}

}  // namespace

std::string FormatQualityTable(const quant::QualityReport& report, size_t max_layers) {
  std::string out = "Quantization quality: int8 reference (dequantized) vs float reference over " +
                    std::to_string(report.samples) + " calibration sample(s), cosine similarity\n";
  out += Header("Output");
  for (const quant::TensorQuality& q : report.outputs) out += Row(std::to_string(q.output_index).c_str(), q);
  std::vector<quant::TensorQuality> worst = report.layers;
  std::stable_sort(worst.begin(), worst.end(), [](const quant::TensorQuality& a, const quant::TensorQuality& b) {
    return a.cosine_min < b.cosine_min;
  });
  worst.resize(std::min(worst.size(), max_layers));
  out += "Worst layers (" + std::to_string(worst.size()) + " of " + std::to_string(report.layers.size()) +
         "; Cosine accumulates the error from the input, Alone is the layer's own: its int8 kernel fed "
         "the float inputs):\n";
  out += Header("Node");
  for (const quant::TensorQuality& q : worst) out += Row(std::to_string(q.node).c_str(), q);
  return out;
}

nlohmann::json QualityToJson(const quant::QualityReport& report) {
  nlohmann::json outputs = nlohmann::json::array(), layers = nlohmann::json::array();
  for (const quant::TensorQuality& q : report.outputs) outputs.push_back(Entry(q));
  for (const quant::TensorQuality& q : report.layers) layers.push_back(Entry(q));
  return {{"samples", report.samples}, {"outputs", outputs}, {"layers", layers}};
}

}  // namespace rknnsim::runtime
