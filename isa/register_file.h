// The NPU's register state as a chain of tasks leaves it: each task's writes update the file and
// the units read it by name (isa/npu_registers.yaml gives the bit positions, so no decoder
// hard-codes a field). A register keeps the last value written to it, as the hardware does.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "isa/regcmd.h"
#include "isa/register_db.h"

namespace rknnsim::isa {

class RegisterFile {
 public:
  // `target` selects the register map (e.g. RK3566's CORE layout); `who` prefixes error messages.
  RegisterFile(const RegisterDb& db, std::string target);

  void Apply(const NpuTask& task);

  // The value of BLOCK.REGISTER, or of one of its fields (sign-extended when the database says
  // signed). Throws rknnsim::Error naming `who`, the register and the reason when the database
  // has no such register for the target or the program never wrote it.
  uint32_t Raw(const std::string& block, const std::string& reg, const std::string& who) const;
  int64_t Field(const std::string& block, const std::string& reg, const std::string& field,
                const std::string& who) const;
  bool Written(const std::string& block, const std::string& reg) const;
  // The command word index of the last write to BLOCK.REGISTER (to match relocations), or -1.
  int64_t WordOf(const std::string& block, const std::string& reg) const;

 private:
  struct Slot {
    uint32_t value = 0;
    int64_t word = -1;
  };
  const RegDef& Def(const std::string& block, const std::string& reg, uint16_t* code, const std::string& who) const;

  const RegisterDb& db_;
  std::string target_;
  std::map<uint32_t, Slot> values_;  // (block code << 16 | register offset) -> last write
};

}  // namespace rknnsim::isa
