// The CPU side of a .rknn program (compiler/rknn/regcmd_program.h's HostOp): ArgMax and Reshape,
// and custom operators through the kernel the caller registered (compiler/ops/custom_op.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/rknn/regcmd_program.h"

namespace rknnsim::rknn {

// The CPU runner of the platform for a program's host ops (the shape of sim::CpuOpRunner):
// `inputs` and `outputs` are the task's surface images. A custom operator runs the kernel
// registered for its op_type (throws Error when there is none: CheckHostOpsRegistered first).
void RunHostOp(const RegcmdProgram& program, const isa::Task& task, const std::vector<std::vector<uint8_t>>& inputs,
               std::vector<std::vector<uint8_t>>& outputs);

// Throws Error naming the first custom operator of `program` that has no registered kernel (call
// before simulating: nothing may throw out of a run).
void CheckHostOpsRegistered(const RegcmdProgram& program, const std::string& what);

}  // namespace rknnsim::rknn
