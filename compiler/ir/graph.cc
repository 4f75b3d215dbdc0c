#include "compiler/ir/graph.h"

#include <stdexcept>

namespace rknnsim::ir {

int Graph::AddTensor(Tensor tensor) {
  const int id = static_cast<int>(tensors_.size());
  if (!tensor.name.empty()) by_name_[tensor.name] = id;
  tensors_.push_back(std::move(tensor));
  return id;
}

int Graph::FindTensor(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? -1 : it->second;
}

void Graph::EraseNodes(const std::vector<bool>& removed) {
  std::vector<Node> kept;
  kept.reserve(nodes_.size());
  for (size_t i = 0; i < nodes_.size(); ++i)
    if (i >= removed.size() || !removed[i]) kept.push_back(std::move(nodes_[i]));
  nodes_ = std::move(kept);
}

std::vector<int> Graph::Producers() const {
  std::vector<int> producer(tensors_.size(), -1);
  for (size_t n = 0; n < nodes_.size(); ++n)
    for (int out : nodes_[n].outputs) producer[static_cast<size_t>(out)] = static_cast<int>(n);
  return producer;
}

std::vector<int> Graph::ConsumerCounts() const {
  std::vector<int> count(tensors_.size(), 0);
  for (const Node& node : nodes_)
    for (int in : node.inputs) ++count[static_cast<size_t>(in)];
  for (int out : outputs_) ++count[static_cast<size_t>(out)];
  return count;
}

}  // namespace rknnsim::ir
