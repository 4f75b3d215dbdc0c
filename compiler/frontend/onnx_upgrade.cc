#include "compiler/frontend/onnx_upgrade.h"

#include <map>
#include <set>

#include <onnx/checker.h>
#include <onnx/version_converter/convert.h>

#include "common/error.h"

namespace rknnsim::frontend {
namespace {

// Every name a node reads is a graph input, an initializer, an outer scope's name or an earlier
// node's output, and every graph output is one of those: the converter dereferences them unchecked
// (a fuzzed model with a dangling output crashed it).
void CheckWiring(const onnx::GraphProto& g, std::set<std::string> known, const std::string& what) {
  for (const auto& v : g.input()) known.insert(v.name());
  for (const auto& t : g.initializer()) known.insert(t.name());
  for (const auto& n : g.node()) {
    for (const std::string& in : n.input())
      if (!in.empty() && !known.count(in))
        throw Error(what + ": node '" + n.name() + "' (" + n.op_type() + ") reads '" + in +
                    "', which no graph input, initializer or earlier node provides");
    for (const auto& a : n.attribute()) {
      if (a.has_g()) CheckWiring(a.g(), known, what);
      for (const auto& sub : a.graphs()) CheckWiring(sub, known, what);
    }
    for (const std::string& out : n.output())
      if (!out.empty()) known.insert(out);
  }
  for (const auto& v : g.output())
    if (!known.count(v.name())) throw Error(what + ": graph output '" + v.name() + "' is produced by no node");
}

using RankMap = std::map<std::string, int>;  // tensor name → rank the model declares

void DeclareRank(RankMap& ranks, const onnx::ValueInfoProto& v) {
  if (v.type().has_tensor_type() && v.type().tensor_type().has_shape())
    ranks[v.name()] = v.type().tensor_type().shape().dim_size();
}

// The converter's Gemm 6→7 step reads A's and B's sizes as two dimensions each, from the shapes
// the model declares (it infers none): both must be declared 2-D.
void CheckGemmShapes(const onnx::GraphProto& g, RankMap ranks, const std::string& what) {
  for (const auto& v : g.input()) DeclareRank(ranks, v);
  for (const auto& v : g.value_info()) DeclareRank(ranks, v);
  for (const auto& v : g.output()) DeclareRank(ranks, v);
  for (const auto& t : g.initializer()) ranks[t.name()] = t.dims_size();
  for (const auto& n : g.node()) {
    if (n.op_type() == "Gemm" && (n.domain().empty() || n.domain() == "ai.onnx")) {
      for (int i = 0; i < 2 && i < n.input_size(); ++i) {
        auto it = ranks.find(n.input(i));
        if (it == ranks.end() || it->second != 2)
          throw Error(what + ": Gemm '" + n.name() + "' reads '" + n.input(i) + "' " +
                          (it == ranks.end() ? "without a declared shape"
                                             : "declared with rank " + std::to_string(it->second)) +
                          "; the converter needs A and B declared 2-D to upgrade a Gemm below opset 7 "
                          "(onnx.shape_inference.infer_shapes declares them)");
      }
    }
    for (const auto& a : n.attribute()) {
      if (a.has_g()) CheckGemmShapes(a.g(), ranks, what);
      for (const auto& sub : a.graphs()) CheckGemmShapes(sub, ranks, what);
    }
  }
}

}  // namespace

void UpgradeOpset(onnx::ModelProto& model, int64_t from_opset, int64_t to_opset, const std::string& what) {
  try {
    if (model.graph().name().empty()) model.mutable_graph()->set_name("graph");  // the checker wants one
    onnx::checker::check_model(model);
    CheckWiring(model.graph(), {}, what);
    if (from_opset < 7) CheckGemmShapes(model.graph(), {}, what);
    model = onnx::version_conversion::ConvertVersion(model, static_cast<int>(to_opset));
  } catch (const std::exception& e) {
    throw Error(what + ": ONNX opset " + std::to_string(from_opset) + " could not be upgraded to opset " +
                    std::to_string(to_opset) + " by ONNX's version converter: " + e.what(),
                "re-export with torch.onnx.export(..., opset_version=13)");
  }
}

}  // namespace rknnsim::frontend
