#include "compiler/passes/fold_qdq.h"

#include <algorithm>
#include <cstring>

#include "common/error.h"
#include "compiler/ops/op_util.h"
#include "compiler/ops/quantize_linear.h"

namespace rknnsim::passes {
namespace {

bool IsQ(const ir::Node& n) { return n.op == ir::OpKind::kQuantizeLinear; }
bool IsDq(const ir::Node& n) { return n.op == ir::OpKind::kDequantizeLinear; }

bool SameParams(const ir::QuantParams& a, const ir::QuantParams& b) {
  return a.scale.size() == b.scale.size() && a.zero_point == b.zero_point &&
         std::memcmp(a.scale.data(), b.scale.data(), a.scale.size() * sizeof(float)) == 0;
}

std::string Describe(const ir::QuantParams& q) {
  return "scale " + std::to_string(q.scale.at(0)) + ", int8 zero point " + std::to_string(q.zero_point.at(0));
}

const char* kIntegerIoHint =
    "rknn-sim models take and return float tensors: keep QuantizeLinear right after each input and "
    "DequantizeLinear before each output, and let only DequantizeLinear read a QuantizeLinear";

class QdqFolder {
 public:
  explicit QdqFolder(ir::Graph& g)
      : g_(g), nodes_(g.nodes()), producer_(g.Producers()), removed_(nodes_.size(), false),
        replace_(g.tensors().size(), -1) {}

  int Run() {
    int pairs = 0;
    for (size_t i = 0; i < nodes_.size(); ++i)
      if (IsDq(nodes_[i])) FoldPair(nodes_[i]), ++pairs;
    CheckNoIntegerReaders();
    for (ir::Node& node : nodes_)
      for (int& id : node.inputs) id = Resolve(id);
    for (int& id : g_.outputs()) id = Resolve(id);
    g_.EraseNodes(removed_);
    return pairs;
  }

 private:
  int Resolve(int id) const {
    while (id >= 0 && replace_[static_cast<size_t>(id)] >= 0) id = replace_[static_cast<size_t>(id)];
    return id;
  }

  // y = DQ(Cast*(Q(x))) with equal parameters: y becomes x, x records the parameters.
  void FoldPair(const ir::Node& dq) {
    int src = dq.inputs[0];
    std::vector<int> chain;  // the Casts between Q and DQ (exporters write Q → Cast(uint8) → DQ)
    int p = producer_[static_cast<size_t>(src)];
    while (p >= 0 && nodes_[static_cast<size_t>(p)].op == ir::OpKind::kCast &&
           nodes_[static_cast<size_t>(p)].attrs.to == dq.attrs.to) {
      chain.push_back(p);
      src = nodes_[static_cast<size_t>(p)].inputs[0];
      p = producer_[static_cast<size_t>(src)];
    }
    if (p < 0 || !IsQ(nodes_[static_cast<size_t>(p)]))
      throw ops::NodeError(dq, "DequantizeLinear reads '" + g_.tensor(src).name +
                                   "', which is neither a constant nor the output of a QuantizeLinear",
                           kIntegerIoHint);
    const ir::Node& q = nodes_[static_cast<size_t>(p)];
    const ir::QuantParams qp = ops::QdqParams(g_, q), dqp = ops::QdqParams(g_, dq);
    const int x = q.inputs[0];
    if (q.attrs.axis >= 0)
      throw ops::NodeError(q, "per-axis quantization of the activation '" + g_.tensor(x).name + "' is not supported",
                           "quantize activations per tensor (only weights may be per channel)");
    if (q.attrs.to != dq.attrs.to || !SameParams(qp, dqp))
      throw ops::NodeError(dq, "DequantizeLinear uses other parameters (" + Describe(dqp) + ") than its QuantizeLinear '" +
                                   q.name + "' (" + Describe(qp) + ")",
                           "a Q/DQ pair must share its scale, zero point and integer type");
    Record(q, x, qp);
    replace_[static_cast<size_t>(dq.outputs[0])] = x;
    removed_[static_cast<size_t>(&dq - nodes_.data())] = true;
    removed_[static_cast<size_t>(p)] = true;
    for (int c : chain) removed_[static_cast<size_t>(c)] = true;
  }

  void Record(const ir::Node& q, int x, const ir::QuantParams& params) {
    ir::Tensor& t = g_.tensor(x);
    if (t.is_constant) return;  // a constant Q was folded at import; only its DQ's parameters matter
    // Q(DQ(...)): a requantization. Equal parameters fold (x keeps them); other ones would need an op.
    const int p = producer_[static_cast<size_t>(x)];
    if (p >= 0 && IsDq(nodes_[static_cast<size_t>(p)]) && !SameParams(ops::QdqParams(g_, nodes_[static_cast<size_t>(p)]), params))
      throw ops::NodeError(q, "QuantizeLinear re-quantizes the output of DequantizeLinear '" +
                                  nodes_[static_cast<size_t>(p)].name + "' with other parameters",
                           "give the two nodes the same scale and zero point, or insert an op between them");
    if (!t.quant.empty() && !SameParams(t.quant, params))
      throw ops::NodeError(q, "tensor '" + t.name + "' is quantized twice with different parameters (" +
                                  Describe(t.quant) + " and " + Describe(params) + ")",
                           "quantize each tensor once (share the observer)");
    t.quant = params;
    t.quant.axis = -1;
  }

  // After folding, nothing may read a removed node's output: such a reader would see integers.
  void CheckNoIntegerReaders() const {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (IsQ(nodes_[i]) && !removed_[i])
        throw ops::NodeError(nodes_[i], "QuantizeLinear is not followed by a DequantizeLinear", kIntegerIoHint);
      if (removed_[i]) continue;
      for (int in : nodes_[i].inputs) {
        const int p = producer_[static_cast<size_t>(in)];
        if (p >= 0 && removed_[static_cast<size_t>(p)] && !IsDq(nodes_[static_cast<size_t>(p)]))
          throw ops::NodeError(nodes_[i], "reads the integer tensor '" + g_.tensor(in).name + "' of a QuantizeLinear",
                               kIntegerIoHint);
      }
    }
    for (int out : g_.outputs()) {
      const int p = producer_[static_cast<size_t>(out)];
      if (p >= 0 && removed_[static_cast<size_t>(p)] && !IsDq(nodes_[static_cast<size_t>(p)]))
        throw Error("graph output '" + g_.tensor(out).name + "' holds the integers of a QuantizeLinear", kIntegerIoHint);
    }
  }

  ir::Graph& g_;
  std::vector<ir::Node>& nodes_;
  const std::vector<int> producer_;
  std::vector<bool> removed_;
  std::vector<int> replace_;  // tensor id → the tensor that replaces it (DQ output → Q input)
};

}  // namespace

bool HasQdq(const ir::Graph& graph) {
  return std::any_of(graph.nodes().begin(), graph.nodes().end(), [](const ir::Node& n) { return IsQ(n) || IsDq(n); });
}

int FoldQdq(ir::Graph& graph) { return HasQdq(graph) ? QdqFolder(graph).Run() : 0; }

}  // namespace rknnsim::passes
