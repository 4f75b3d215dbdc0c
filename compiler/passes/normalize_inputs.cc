// Why a separate node rather than folding mean/std into the first Conv (what the board's toolkit
// does): folding rewrites W' = W/std, b' = b - Σ W·mean/std, which is exact only where every tap
// reads real input. A padded Conv reads zeros at the border; after folding those zeros stand for
// the raw value 0, i.e. the normalized value -mean/std, not the 0 the original model pads with.
// The border outputs would then differ from the model's float semantics. A depthwise 1x1 Conv is
// exact for any consumer (padded Conv, Pool, Add, CPU ops, several consumers), runs on the NPU as
// an ordinary depthwise Conv, and needs no new kernel in either executor, so the int8 reference
// and the platform stay bit-exact by construction. Its cost is one small NPU layer per input
// (docs/quantization.md §16). The int8 input is then the raw data quantized with the raw range
// (for 8-bit pixels 0..255: scale 1, zero point -128, i.e. exact).
#include "compiler/passes/normalize_inputs.h"

#include <cmath>
#include <sstream>

#include "common/error.h"
#include "compiler/passes/pass_util.h"

namespace rknnsim::passes {
namespace {

// Numbers as Python prints short floats in the toolkit's message: 128, 123.675, nan.
std::string Number(float v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

std::string ListText(const std::vector<float>& values) {
  std::string text = "[";
  for (size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + Number(values[i]);
  return text + "]";
}

// The channel dimension of an NCHW (or N×C...) input: dimension 1, or the only one of a 1-D input.
int64_t Channels(const ir::Shape& shape) {
  if (shape.size() >= 2) return shape[1];
  return shape.empty() ? 1 : shape[0];
}

void ValidateList(const ir::Graph& graph, const PerInputValues& values, const std::string& name) {
  if (values.empty()) return;
  const size_t inputs = graph.inputs().size();
  if (values.size() != inputs)
    throw Error(name + " has " + std::to_string(values.size()) + " list(s) but the model has " +
                    std::to_string(inputs) + " input(s)",
                "give one list of per-channel values per model input, in input order, e.g. " + name +
                    "=[[...],[...]] for two inputs (manual §4.7)");
  for (size_t i = 0; i < inputs; ++i) {
    const ir::Tensor& input = graph.tensor(graph.inputs()[i]);
    const int64_t channels = Channels(input.shape);
    // The toolkit's own message (manual §7.8): "The len of mean_values ([128, 128, 128]) for input 0
    // is wrong, expect 32!". It does not broadcast a single value, so neither do we.
    if (static_cast<int64_t>(values[i].size()) != channels)
      throw Error("The len of " + name + " (" + ListText(values[i]) + ") for input " + std::to_string(i) + " ('" +
                      input.name + "', shape " + ir::ShapeToString(input.shape) + ") is wrong, expect " +
                      std::to_string(channels),
                  "give one value per input channel; leave mean/std unset for inputs that are not images "
                  "(manual §7.8)");
    for (size_t c = 0; c < values[i].size(); ++c) {
      const float v = values[i][c];
      if (!std::isfinite(v) || (name == "std_values" && v == 0.0f))
        throw Error(name + " for input " + std::to_string(i) + " channel " + std::to_string(c) + " is " +
                        Number(v),
                    name == "std_values" ? "std divides the input: use finite, non-zero values"
                                         : "use finite values");
    }
  }
}

bool IsIdentity(const std::vector<float>& mean, const std::vector<float>& stdv) {
  for (float m : mean)
    if (m != 0.0f) return false;
  for (float s : stdv)
    if (s != 1.0f) return false;
  return true;
}

std::string UniqueName(const ir::Graph& graph, const std::string& base) {
  std::string name = base;
  for (int k = 1; graph.FindTensor(name) >= 0; ++k) name = base + "_" + std::to_string(k);
  return name;
}

}  // namespace

void ValidateMeanStd(const ir::Graph& graph, const PerInputValues& mean, const PerInputValues& std_values) {
  ValidateList(graph, mean, "mean_values");
  ValidateList(graph, std_values, "std_values");
}

int NormalizeInputs(ir::Graph& graph, const PerInputValues& mean, const PerInputValues& std_values) {
  ValidateMeanStd(graph, mean, std_values);
  int normalized = 0;
  std::vector<ir::Node> added;
  for (size_t i = 0; i < graph.inputs().size(); ++i) {
    const int input_id = graph.inputs()[i];
    const ir::Shape shape = graph.tensor(input_id).shape;
    const std::string input_name = graph.tensor(input_id).name;
    const int64_t channels = Channels(shape);
    const std::vector<float> m = mean.empty() ? std::vector<float>(static_cast<size_t>(channels), 0.0f) : mean[i];
    const std::vector<float> s = std_values.empty() ? std::vector<float>(static_cast<size_t>(channels), 1.0f) : std_values[i];
    if (IsIdentity(m, s)) continue;
    if (shape.size() != 4)
      throw Error("mean/std for input " + std::to_string(i) + " ('" + input_name + "', shape " +
                      ir::ShapeToString(shape) + "): only 4-D NCHW inputs are normalized inside the model",
                  "normalize this input before the model and give it mean 0 and std 1");

    // weight[c] = 1/std[c], bias[c] = -mean[c]/std[c], each rounded once from double.
    ir::Tensor weight;
    weight.name = UniqueName(graph, input_name + "_std_weight");
    weight.shape = {channels, 1, 1, 1};
    weight.is_constant = true;
    ir::Tensor bias;
    bias.name = UniqueName(graph, input_name + "_mean_bias");
    bias.shape = {channels};
    bias.is_constant = true;
    for (int64_t c = 0; c < channels; ++c) {
      weight.float_data.push_back(static_cast<float>(1.0 / double(s[c])));
      bias.float_data.push_back(static_cast<float>(-double(m[c]) / double(s[c])));
    }
    ir::Tensor out;
    out.name = UniqueName(graph, input_name + "_normalized");
    out.shape = shape;
    const int w_id = graph.AddTensor(std::move(weight));
    const int b_id = graph.AddTensor(std::move(bias));
    const int out_id = graph.AddTensor(std::move(out));

    // Every reader of the raw input now reads the normalized tensor. A graph output that is the
    // input itself stays raw (it is the data the caller passed in).
    for (ir::Node& node : graph.nodes())
      for (int& in : node.inputs)
        if (in == input_id) in = out_id;

    // An ordinary ONNX-style Conv, not a fused kind (scripts/op_table.py lists the kinds passes
    // create by `.op = ` assignments; this pass creates none).
    ir::Node node{ir::OpKind::kConv, input_name + "_mean_std", {input_id, w_id, b_id}, {out_id}, {}, false};
    node.attrs = Depthwise1x1(channels);
    added.push_back(std::move(node));
    ++normalized;
  }
  // Graph inputs have no producer, so the new nodes go first and the order stays topological.
  graph.nodes().insert(graph.nodes().begin(), added.begin(), added.end());
  return normalized;
}

}  // namespace rknnsim::passes
