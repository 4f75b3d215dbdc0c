// Human-readable listing of a program: one line per task with its unit mask, operation, tile and
// the surfaces and register fields that configure it (`rknn-sim disasm`).
#pragma once

#include <string>

#include "isa/program.h"

namespace rknnsim::isa {

std::string Disassemble(const Program& program);

}  // namespace rknnsim::isa
