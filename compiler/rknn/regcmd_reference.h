// The register-level reference: executes the tasks of a RegcmdProgram on a flat DDR image with
// plain scalar loops, straight from the integer specification in docs/rknn-format.md §8, without
// SystemC, tiles in CBUF or the platform's kernels. `rknn-sim run FILE.rknn --reference int8`
// runs it; tests require its outputs to equal the platform's byte for byte.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/rknn/regcmd_program.h"

namespace rknnsim::rknn {

// `inputs`: one native surface image per program input (as sim::Simulate takes them); returns one
// raw surface image per program output. The host ops (ArgMax, Reshape) run here too.
std::vector<std::vector<uint8_t>> RunRegcmdReference(const RegcmdProgram& program,
                                                     const std::vector<std::vector<uint8_t>>& inputs);

}  // namespace rknnsim::rknn
