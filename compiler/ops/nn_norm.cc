// Normalizations:
//   BatchNormalization (opset 9-15): y = (x - mean) / sqrt(var + epsilon) * scale + B per channel
//     (axis 1) of an input [N, C, ...] of rank >= 2. With training_mode=1 (opset 14+) mean and var
//     are the batch's (population variance over every axis but 1), and the optional outputs are
//     running_mean = mean_in * momentum + batch_mean * (1 - momentum), likewise running_var.
//   InstanceNormalization (opset 6-21): per (n, c) mean and variance over the spatial axes.
//   LayerNormalization (opset 17-21): mean and variance over the axes [axis, rank); Scale and B
//     broadcast to those axes. The optional outputs Mean and InvStdDev are produced when listed.
#include <algorithm>
#include <cmath>

#include "compiler/ops/nn.h"
#include "compiler/ops/op_util.h"

namespace rknnsim::ops {
namespace {

void RequirePerChannel(const ir::Graph& g, const ir::Node& node, size_t input, int64_t channels, const char* what) {
  const ir::Shape& s = InputShape(g, node, input);
  if (s != ir::Shape{channels})
    throw NodeError(node, std::string(what) + " must have shape (" + std::to_string(channels) + "), got " +
                              ir::ShapeToString(s));
}

void RequireInputs(const ir::Node& node, size_t min, size_t max, const char* op) {
  if (node.inputs.size() < min || node.inputs.size() > max)
    throw NodeError(node, std::string(op) + " takes " + std::to_string(min) +
                              (min == max ? "" : " to " + std::to_string(max)) + " inputs, got " +
                              std::to_string(node.inputs.size()));
  for (size_t i = 0; i < min; ++i)
    if (node.inputs[i] < 0) throw NodeError(node, std::string(op) + " input " + std::to_string(i) + " is missing");
}

void ReadEpsilon(const AttrReader& reader, ir::Node& node) {
  node.attrs.epsilon = reader.Float("epsilon", 1e-5f);
  if (!(node.attrs.epsilon >= 0.0f)) throw NodeError(node, "epsilon must not be negative");
}

// ---- BatchNormalization ----

void ParseBatchNorm(const AttrReader& reader, const ir::Graph&, ir::Node& node) {
  RequireInputs(node, 5, 5, "BatchNormalization");
  if (reader.Has("spatial") && reader.Int("spatial", 1) != 1)
    throw NodeError(node, "BatchNormalization with spatial=0 is not supported");
  if (reader.Int("training_mode", 0) != 0) {
    if (node.outputs.size() > 3)
      throw NodeError(node, "BatchNormalization in training mode has at most 3 outputs (Y, running_mean, running_var)");
    node.attrs.floats = {reader.Float("momentum", 0.9f)};  // its presence marks training mode
  } else if (node.outputs.size() > 1) {  // opset < 14: the outputs of training
    throw NodeError(node, "BatchNormalization with running mean/var outputs and no training_mode is not supported",
                    "export the model in eval mode (model.eval())");
  }
  ReadEpsilon(reader, node);
}

std::vector<ir::Shape> InferBatchNorm(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  if (x.size() < 2) throw NodeError(node, "expects an input [N, C, ...], got " + ir::ShapeToString(x));
  static const char* const kNames[] = {"scale", "B", "mean", "var"};
  for (size_t i = 1; i < 5; ++i) RequirePerChannel(g, node, i, x[1], kNames[i - 1]);
  std::vector<ir::Shape> shapes = {x};
  if (node.outputs.size() > 1) shapes.resize(node.outputs.size(), {x[1]});  // running_mean, running_var
  return shapes;
}

void BatchNormFloat(FloatArgs& args) {
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const int64_t n = x[0], c = x[1], inner = ir::NumElements(x) / std::max<int64_t>(n * c, 1);
  const std::vector<float>&scale = *args.in[1], &bias = *args.in[2];
  std::vector<float> mean = *args.in[3], var = *args.in[4];
  const float* src = args.in[0]->data();
  if (IsTrainingBatchNorm(args.node)) {
    const float momentum = args.node.attrs.floats[0];
    for (int64_t ch = 0; ch < c; ++ch) {
      double sum = 0, squares = 0;
      for (int64_t img = 0; img < n; ++img)
        for (int64_t i = 0; i < inner; ++i) {
          const double v = src[(img * c + ch) * inner + i];
          sum += v, squares += v * v;
        }
      const double count = double(n * inner), batch_mean = sum / count;
      const double batch_var = std::max(0.0, squares / count - batch_mean * batch_mean);
      const double running[2] = {mean[ch] * momentum + batch_mean * (1 - momentum),
                                 var[ch] * momentum + batch_var * (1 - momentum)};
      for (size_t k = 1; k < args.outputs.size(); ++k) {
        args.outputs[k]->resize(static_cast<size_t>(c));
        (*args.outputs[k])[static_cast<size_t>(ch)] = float(running[k - 1]);
      }
      mean[ch] = float(batch_mean), var[ch] = float(batch_var);
    }
  }
  args.out.resize(args.in[0]->size());
  float* dst = args.out.data();
  for (int64_t ch = 0; ch < c; ++ch) {
    const float inv = 1.0f / std::sqrt(var[ch] + args.node.attrs.epsilon);
    const float a = scale[ch] * inv, b = bias[ch] - mean[ch] * a;
    for (int64_t img = 0; img < n; ++img) {
      const int64_t off = (img * c + ch) * inner;
      for (int64_t i = 0; i < inner; ++i) dst[off + i] = src[off + i] * a + b;
    }
  }
}

}  // namespace

bool IsTrainingBatchNorm(const ir::Node& node) {
  return node.op == ir::OpKind::kBatchNormalization && !node.attrs.floats.empty();
}

namespace {

// ---- InstanceNormalization ----

void ParseInstanceNorm(const AttrReader& reader, const ir::Graph&, ir::Node& node) {
  RequireInputs(node, 3, 3, "InstanceNormalization");
  ReadEpsilon(reader, node);
}

std::vector<ir::Shape> InferInstanceNorm(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  if (x.size() < 3) throw NodeError(node, "expects an input [N, C, spatial...], got " + ir::ShapeToString(x));
  RequirePerChannel(g, node, 1, x[1], "scale");
  RequirePerChannel(g, node, 2, x[1], "B");
  return {x};
}

// Normalizes `count` rows of `size` values: y = (x - mean) * rsqrt(var + eps) * scale[j] + bias[j],
// with scale/bias indexed by `param(row, j)`. Optionally stores each row's mean and 1/stddev.
template <typename Param>
void NormalizeRows(const float* src, float* dst, int64_t count, int64_t size, float epsilon, Param param,
                   float* means = nullptr, float* inv_stds = nullptr) {
  for (int64_t r = 0; r < count; ++r) {
    const float* row = src + r * size;
    double sum = 0.0;
    for (int64_t j = 0; j < size; ++j) sum += row[j];
    const double mean = sum / static_cast<double>(size);
    double sq = 0.0;
    for (int64_t j = 0; j < size; ++j) sq += (row[j] - mean) * (row[j] - mean);
    const double inv = 1.0 / std::sqrt(sq / static_cast<double>(size) + epsilon);
    if (means) means[r] = static_cast<float>(mean);
    if (inv_stds) inv_stds[r] = static_cast<float>(inv);
    float* out = dst + r * size;
    for (int64_t j = 0; j < size; ++j) {
      float s, b;
      param(r, j, s, b);
      out[j] = static_cast<float>((row[j] - mean) * inv) * s + b;
    }
  }
}

void InstanceNormFloat(FloatArgs& args) {
  const ir::Shape& x = InputShape(args.graph, args.node, 0);
  const int64_t c = x[1], planes = x[0] * c, size = ir::NumElements(x) / std::max<int64_t>(planes, 1);
  const std::vector<float>&scale = *args.in[1], &bias = *args.in[2];
  args.out.resize(args.in[0]->size());
  NormalizeRows(args.in[0]->data(), args.out.data(), planes, size, args.node.attrs.epsilon,
                [&](int64_t r, int64_t, float& s, float& b) {
                  s = scale[static_cast<size_t>(r % c)];
                  b = bias[static_cast<size_t>(r % c)];
                });
}

// ---- LayerNormalization ----

void ParseLayerNorm(const AttrReader& reader, const ir::Graph&, ir::Node& node) {
  RequireInputs(node, 2, 3, "LayerNormalization");
  if (node.outputs.size() > 3) throw NodeError(node, "LayerNormalization has at most 3 outputs");
  node.attrs.axis = reader.Int("axis", -1);
  ReadEpsilon(reader, node);
  const int64_t stash = reader.Int("stash_type", 1);
  if (stash != 1) throw NodeError(node, "LayerNormalization stash_type=" + std::to_string(stash) + " is not supported");
}

// Expands a parameter of shape `s` (numpy-broadcastable to `target`) to NumElements(target) values.
std::vector<float> BroadcastTo(const std::vector<float>& v, const ir::Shape& s, const ir::Shape& target) {
  const int64_t total = ir::NumElements(target);
  if (s == target) return v;
  if (s.size() > target.size())  // InferLayerNorm rejects this; a graph pass must not create it
    throw Error("a LayerNormalization parameter of shape " + ir::ShapeToString(s) + " has more axes than " +
                ir::ShapeToString(target));
  std::vector<float> out(static_cast<size_t>(total));
  const size_t off = target.size() - s.size();
  std::vector<int64_t> stride(target.size(), 0);
  for (int64_t i = static_cast<int64_t>(s.size()) - 1, st = 1; i >= 0; --i) {
    stride[off + i] = s[i] == 1 ? 0 : st;
    st *= s[i];
  }
  std::vector<int64_t> index(target.size(), 0);
  int64_t src = 0;
  for (int64_t j = 0; j < total; ++j) {
    out[j] = v[static_cast<size_t>(src)];
    for (int64_t i = static_cast<int64_t>(target.size()) - 1; i >= 0; --i) {
      src += stride[i];
      if (++index[i] < target[i]) break;
      src -= stride[i] * target[i];
      index[i] = 0;
    }
  }
  return out;
}

std::vector<ir::Shape> InferLayerNorm(const ir::Graph& g, const ir::Node& node) {
  const ir::Shape& x = InputShape(g, node, 0);
  if (x.empty()) throw NodeError(node, "LayerNormalization needs an input of rank >= 1");
  const int64_t axis = NormalizeAxis(node, node.attrs.axis, x.size());
  const ir::Shape normalized(x.begin() + axis, x.end());
  for (size_t i = 1; i < node.inputs.size(); ++i) {
    const ir::Shape& s = InputShape(g, node, i);
    bool ok = s.size() <= normalized.size();
    for (size_t d = 0; ok && d < s.size(); ++d) {
      const int64_t t = normalized[normalized.size() - s.size() + d];
      ok = s[d] == t || s[d] == 1;
    }
    if (!ok)
      throw NodeError(node, std::string(i == 1 ? "Scale" : "B") + " shape " + ir::ShapeToString(s) +
                                " does not broadcast to the normalized shape " + ir::ShapeToString(normalized));
  }
  // Mean and InvStdDev (when the node lists them): X's shape with the normalized axes set to 1.
  ir::Shape stat = x;
  for (size_t i = static_cast<size_t>(axis); i < stat.size(); ++i) stat[i] = 1;
  std::vector<ir::Shape> shapes = {x};
  for (size_t i = 1; i < std::min<size_t>(node.outputs.size(), 3); ++i) shapes.push_back(stat);
  return shapes;
}

void LayerNormFloat(FloatArgs& args) {
  const ir::Graph& g = args.graph;
  const ir::Node& node = args.node;
  const ir::Shape& x = InputShape(g, node, 0);
  const int64_t axis = NormalizeAxis(node, node.attrs.axis, x.size());
  const ir::Shape normalized(x.begin() + axis, x.end());
  const int64_t size = ir::NumElements(normalized), rows = ir::NumElements(ir::Shape(x.begin(), x.begin() + axis));
  const std::vector<float> scale = BroadcastTo(*args.in[1], InputShape(g, node, 1), normalized);
  const std::vector<float> bias = args.in.size() > 2 ? BroadcastTo(*args.in[2], InputShape(g, node, 2), normalized)
                                                     : std::vector<float>(static_cast<size_t>(size), 0.0f);
  args.out.resize(args.in[0]->size());
  float* means = nullptr;
  float* inv_stds = nullptr;
  if (args.outputs.size() > 1) args.outputs[1]->resize(static_cast<size_t>(rows)), means = args.outputs[1]->data();
  if (args.outputs.size() > 2) args.outputs[2]->resize(static_cast<size_t>(rows)), inv_stds = args.outputs[2]->data();
  NormalizeRows(
      args.in[0]->data(), args.out.data(), rows, size, node.attrs.epsilon,
      [&](int64_t, int64_t j, float& s, float& b) {
        s = scale[static_cast<size_t>(j)];
        b = bias[static_cast<size_t>(j)];
      },
      means, inv_stds);
}

}  // namespace

// limits: training_mode=1 (batch statistics, optional running mean/var outputs) in float models only; spatial=1
const OpDef kBatchNormalizationOp{ir::OpKind::kBatchNormalization, "BatchNormalization", ParseBatchNorm,
                                  InferBatchNorm, BatchNormFloat, nullptr, nullptr, false};
const OpDef kInstanceNormalizationOp{ir::OpKind::kInstanceNormalization, "InstanceNormalization", ParseInstanceNorm,
                                     InferInstanceNorm, InstanceNormFloat, nullptr, nullptr, false};
// opsets: 17-21
// limits: stash_type=1 only
const OpDef kLayerNormalizationOp{ir::OpKind::kLayerNormalization, "LayerNormalization", ParseLayerNorm,
                                  InferLayerNorm, LayerNormFloat, nullptr, nullptr, false};

}  // namespace rknnsim::ops
