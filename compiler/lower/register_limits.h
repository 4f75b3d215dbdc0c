// The register fields a compiled program's conv tasks must fit: each task's sizes as the hardware
// takes them (the CNA's input cube and kernels, the DPU's output cube), checked against the width
// of their fields in the register database (isa/npu_registers.yaml) for the program's target. The
// conv tiler cuts rows into tasks below the rows field (ConvTaskInputRowLimit); a task whose size
// a field still cannot hold is refused at convert, naming the layer, the field and its limit,
// instead of producing a program no board could be programmed with.
#pragma once

#include <cstdint>
#include <string>

#include "isa/program.h"

namespace rknnsim::lower {

// Throws rknnsim::Error for the first task whose size does not fit its register field. Fields
// the database does not list for the target are not checked (never guessed).
void CheckRegisterLimits(const isa::Program& program);

// The most input rows one conv task of `target` may fetch (CNA.DATA_SIZE0.DATAIN_HEIGHT), or
// UINT64_MAX when the database does not list that field.
uint64_t ConvTaskInputRowLimit(const std::string& target);

}  // namespace rknnsim::lower
