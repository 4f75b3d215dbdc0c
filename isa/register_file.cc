#include "isa/register_file.h"

#include "common/error.h"

namespace rknnsim::isa {

RegisterFile::RegisterFile(const RegisterDb& db, std::string target) : db_(db), target_(std::move(target)) {}

void RegisterFile::Apply(const NpuTask& task) {
  for (int bit = 0; bit < 32; ++bit) {
    group_[bit] = static_cast<int>(enabled_before_[bit] % 2);
    if (task.record.enable_mask & (1u << bit)) ++enabled_before_[bit];
  }
  int64_t word = static_cast<int64_t>(task.record.regcmd_addr / kRegWordBytes);
  for (const RegWrite& w : task.writes) values_[Group(w.block)][uint32_t{w.block} << 16 | w.reg] = Slot{w.value, word++};
}

int RegisterFile::Group(uint16_t code) const {
  const RegBlock* b = db_.Block(code, target_);
  return b && b->enable_bit >= 0 && b->enable_bit < 32 ? group_[b->enable_bit] : 0;
}

const RegDef* RegisterFile::Lookup(const std::string& block, const std::string& reg, uint16_t* code) const {
  for (const RegBlock& b : db_.blocks()) {
    if (b.name != block || b.code == 0 || db_.Block(b.code, target_) != &b) continue;
    for (const RegDef& r : b.registers)
      if (r.name == reg && r.AppliesTo(target_)) {
        *code = b.code;
        return &r;
      }
  }
  return nullptr;
}

const RegisterFile::Slot* RegisterFile::SlotOf(uint16_t code, const RegDef& def) const {
  const std::map<uint32_t, Slot>& values = values_[Group(code)];
  const auto it = values.find(uint32_t{code} << 16 | def.offset);
  return it == values.end() ? nullptr : &it->second;
}

uint32_t RegisterFile::Value(const std::string& block, const std::string& reg, const std::string& who,
                             const RegDef** def) const {
  uint16_t code = 0;
  *def = Lookup(block, reg, &code);
  if (!*def)
    throw Error(who + ": the register database has no " + block + "." + reg + " for " + target_,
                "isa/npu_registers.yaml lists the registers known per target");
  const Slot* slot = SlotOf(code, **def);
  if (!slot) throw Error(who + ": " + block + "." + reg + " was never written, and its value decides the task");
  return slot->value;
}

uint32_t RegisterFile::Raw(const std::string& block, const std::string& reg, const std::string& who) const {
  const RegDef* def = nullptr;
  return Value(block, reg, who, &def);
}

int64_t RegisterFile::Field(const std::string& block, const std::string& reg, const std::string& field,
                            const std::string& who) const {
  const RegDef* def = nullptr;
  const uint32_t value = Value(block, reg, who, &def);
  for (const RegField& f : def->fields)
    if (f.name == field) return f.Value(value);
  throw Error(who + ": the register database has no field " + field + " in " + block + "." + reg);
}

bool RegisterFile::Written(const std::string& block, const std::string& reg) const {
  return WordOf(block, reg) >= 0;
}

bool RegisterFile::Known(const std::string& block, const std::string& reg) const {
  uint16_t code = 0;
  return Lookup(block, reg, &code) != nullptr;
}

bool RegisterFile::HasField(const std::string& block, const std::string& reg, const std::string& field) const {
  uint16_t code = 0;
  const RegDef* def = Lookup(block, reg, &code);
  if (!def) return false;
  for (const RegField& f : def->fields)
    if (f.name == field) return true;
  return false;
}

int64_t RegisterFile::WordOf(const std::string& block, const std::string& reg) const {
  uint16_t code = 0;
  const RegDef* def = Lookup(block, reg, &code);
  const Slot* slot = def ? SlotOf(code, *def) : nullptr;
  return slot ? slot->word : -1;
}

}  // namespace rknnsim::isa
