// The NPU register database: blocks, registers and fields with what each means and where that
// is known from. isa/npu_registers.yaml is the single source; the build embeds its text and this
// layer parses it once. Registers or fields the file does not list stay unknown and are printed
// raw, never guessed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "isa/regcmd.h"

namespace rknnsim::isa {

struct RegField {
  std::string name;
  uint32_t lo = 0, hi = 0;  // bit range, inclusive
  bool is_signed = false;
  bool minus_one = false;  // the field stores a count minus one (RK3576's CNA sizes)
  std::string meaning;

  uint32_t Bits(uint32_t value) const;      // the field's raw bits
  int64_t Value(uint32_t value) const;      // sign-extended when is_signed; the count when minus_one
};

struct RegDef {
  std::string name;
  uint16_t offset = 0;
  // The targets whose map places this register here; empty: every target of its block. Lets one
  // block describe a unit whose maps differ in a few registers (RV110x's input converter).
  std::vector<std::string> targets;
  bool address = false;  // the whole value is a DDR address (relocated by the runtime)
  std::string source, meaning;
  std::vector<RegField> fields;

  bool AppliesTo(const std::string& target) const;
};

struct RegBlock {
  std::string name;
  std::vector<std::string> targets;  // the targets whose register map this is; empty: every target
  uint16_t code = 0;  // bits 63..48 of a command word
  uint16_t base = 0;
  int enable_bit = -1;
  std::string source, meaning;
  std::vector<RegDef> registers;
};

class RegisterDb {
 public:
  // The database built into this binary (isa/npu_registers.yaml).
  static const RegisterDb& Builtin();
  // Parses a database text; throws rknnsim::Error naming the entry on a malformed file.
  static RegisterDb Parse(const std::string& yaml_text, const std::string& what);

  const std::vector<RegBlock>& blocks() const { return blocks_; }
  // The block a command word of `target` (e.g. "rk3566") addresses; nullptr when the database
  // has no map of that block for the target.
  const RegBlock* Block(uint16_t code, const std::string& target) const;
  const RegDef* Register(uint16_t code, uint16_t offset, const std::string& target) const;  // nullptr when unknown

 private:
  std::vector<RegBlock> blocks_;
};

// The name of the register a write of a `target` program addresses: `BLOCK.REGISTER`, or
// `block_0x0201.reg_0x1234` parts where the database has no name.
std::string WriteName(const RegisterDb& db, const RegWrite& w, const std::string& target);

// One write of a `target` program as `BLOCK.REGISTER field=value ...` (fields from the high bits
// down, signed ones sign-extended, addresses in hex); unknown blocks or registers print raw:
// `block_0x0201.reg_0x1234 = 0x0000000e`. `known` tells whether the register (not only its block)
// is in the database.
std::string DescribeWrite(const RegisterDb& db, const RegWrite& w, const std::string& target, bool* known = nullptr);

}  // namespace rknnsim::isa
