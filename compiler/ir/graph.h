// A dataflow graph: tensors, nodes in topological order, graph inputs and outputs.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/ir/op.h"
#include "compiler/ir/tensor.h"

namespace rknnsim::ir {

class Graph {
 public:
  int AddTensor(Tensor tensor);
  int FindTensor(const std::string& name) const;  // -1 when absent

  Tensor& tensor(int id) { return tensors_.at(static_cast<size_t>(id)); }
  const Tensor& tensor(int id) const { return tensors_.at(static_cast<size_t>(id)); }
  std::vector<Tensor>& tensors() { return tensors_; }
  const std::vector<Tensor>& tensors() const { return tensors_; }

  std::vector<Node>& nodes() { return nodes_; }
  const std::vector<Node>& nodes() const { return nodes_; }

  std::vector<int>& inputs() { return inputs_; }
  const std::vector<int>& inputs() const { return inputs_; }
  std::vector<int>& outputs() { return outputs_; }
  const std::vector<int>& outputs() const { return outputs_; }

  // The source model's default-domain opset (semantics of some ops changed across opsets).
  int64_t opset() const { return opset_; }
  void set_opset(int64_t opset) { opset_ = opset; }

  // Removes the nodes flagged in `removed` (indexed like nodes()), keeping the order of the rest.
  void EraseNodes(const std::vector<bool>& removed);

  // Index of the node producing each tensor (-1 for graph inputs and constants).
  std::vector<int> Producers() const;
  // Number of node inputs and graph outputs reading each tensor.
  std::vector<int> ConsumerCounts() const;

 private:
  std::vector<Tensor> tensors_;
  std::vector<Node> nodes_;
  std::vector<int> inputs_;
  std::vector<int> outputs_;
  std::unordered_map<std::string, int> by_name_;
  int64_t opset_ = 13;
};

}  // namespace rknnsim::ir
