// The NPU's register state as a chain of tasks leaves it: each task's writes update the file and
// the units read it by name (isa/npu_registers.yaml gives the bit positions, so no decoder
// hard-codes a field). A register keeps the last value written to it, as the hardware does, in one
// of its unit's two register groups: the files program every unit in ping-pong mode (S_POINTER
// POINTER_PP_EN, EXECUTER_PP_EN), so the k-th task that enables a unit runs on group k mod 2 and
// its writes complete what that group held two tasks back (docs/rknn-format.md §8).
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

  // Makes `task` the current one: its writes go to, and later reads come from, the group each
  // unit uses for it.
  void Apply(const NpuTask& task);

  // The value of BLOCK.REGISTER, or of one of its fields (sign-extended when the database says
  // signed). Throws rknnsim::Error naming `who`, the register and the reason when the database
  // has no such register for the target or the program never wrote it.
  uint32_t Raw(const std::string& block, const std::string& reg, const std::string& who) const;
  int64_t Field(const std::string& block, const std::string& reg, const std::string& field,
                const std::string& who) const;
  bool Written(const std::string& block, const std::string& reg) const;
  // The target's map has BLOCK.REGISTER (some registers exist in one target's map only).
  bool Known(const std::string& block, const std::string& reg) const;
  // ... and its BLOCK.REGISTER has FIELD (RV110x's BS_CFG carries a multiplier shift).
  bool HasField(const std::string& block, const std::string& reg, const std::string& field) const;
  // The command word index of the last write to BLOCK.REGISTER (to match relocations), or -1.
  int64_t WordOf(const std::string& block, const std::string& reg) const;

 private:
  struct Slot {
    uint32_t value = 0;
    int64_t word = -1;
  };
  // The register's definition for this target (nullptr when the database has none) and its code.
  const RegDef* Lookup(const std::string& block, const std::string& reg, uint16_t* code) const;
  const Slot* SlotOf(uint16_t code, const RegDef& def) const;  // nullptr when never written
  // The value, throwing with `who` when the register is unknown or unwritten; `def` is set.
  uint32_t Value(const std::string& block, const std::string& reg, const std::string& who, const RegDef** def) const;
  int Group(uint16_t code) const;  // the current task's register group of the block's unit

  const RegisterDb& db_;
  std::string target_;
  std::map<uint32_t, Slot> values_[2];  // per group: (block code << 16 | register offset) -> last write
  uint32_t enabled_before_[32] = {};    // per enable bit: tasks before the current one that enabled the unit
  int group_[32] = {};                  // per enable bit: the current task's group
};

}  // namespace rknnsim::isa
