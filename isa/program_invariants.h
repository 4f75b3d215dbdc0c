// The invariants every executor of an isa::Program relies on (ids in range, surfaces inside DDR,
// tiles inside their outputs, weights and tables inside the weight image, each task kind's own
// shape rules). Every loader checks them on the program it produces, so a program from a bad
// file is refused with one line instead of crashing a unit later.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "isa/program.h"

namespace rknnsim::isa {

constexpr uint32_t kMaxCores = 32;     // rknn_core_mask is a bit mask (RKNN_API.md)
constexpr uint32_t kMaxBatch = 65536;  // far beyond any rknn_batch_size; bounds a forged file's loops

// Where in the program an invariant fails: the program's own fields, a task, an input or output.
struct ProgramLocus {
  enum class Kind { kProgram, kTask, kInput, kOutput };
  Kind kind = Kind::kProgram;
  size_t index = 0;
};

// An invariant that does not hold, with where; loaders add their own context (a file offset).
class ProgramInvariantError : public Error {
 public:
  ProgramInvariantError(ProgramLocus locus, const std::string& message) : Error(message), locus_(locus) {}
  const ProgramLocus& locus() const { return locus_; }

 private:
  ProgramLocus locus_;
};

// How many inputs and outputs the graph node a kCpu task runs has.
struct NodeArity {
  size_t inputs = 0, outputs = 0;
};

// Throws ProgramInvariantError at the first invariant `p` breaks; `nodes` are the graph's nodes
// that kCpu tasks index (Task::cpu_node).
void CheckProgram(const Program& p, const std::vector<NodeArity>& nodes);

}  // namespace rknnsim::isa
