#include "compiler/rknn/npu_tasks.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "common/error.h"
#include "common/hex.h"

namespace rknnsim::rknn {
namespace {

const RTensor* OnlyTensorOfKind(const RknnModel& model, TensorKind kind, const std::string& what) {
  const RTensor* found = nullptr;
  for (const RTensor& t : model.tensors) {
    if (t.kind != static_cast<uint8_t>(kind)) continue;
    if (found)
      throw Error(what + ": the file holds two '" + KindName(t.kind) + "' tensors ('" + found->name + "', '" + t.name +
                  "'); one program per file is what the runtime loads");
    found = &t;
  }
  return found;
}

std::string UnitNames(const isa::RegisterDb& db, uint32_t mask) {
  std::string out;
  for (int bit = 0; bit < 32; ++bit) {
    if (!(mask & (1u << bit))) continue;
    std::string name = "bit" + std::to_string(bit);
    for (const isa::RegBlock& b : db.blocks())
      if (b.enable_bit == bit) name = b.name;
    out += (out.empty() ? "" : " ") + name;
  }
  return out;
}

}  // namespace

std::vector<isa::NpuTask> NpuTasksOf(const RknnModel& model, const std::string& what) {
  const RTensor* tasks = OnlyTensorOfKind(model, TensorKind::kTask, what);
  const RTensor* regcmd = OnlyTensorOfKind(model, TensorKind::kRegcmd, what);
  if (!tasks || !regcmd) return {};
  const size_t task_bytes =
      std::min(tasks->data.size(), static_cast<size_t>(model.task_count) * isa::kNpuTaskRecordBytes);
  const int64_t words = static_cast<int64_t>(regcmd->data.size() / isa::kRegWordBytes);
  for (const RRelocation& r : model.relocations)
    if (r.word < 0 || r.word >= words)
      throw Error(what + ": the relocation of tensor '" + r.tensor + "' points at command word " +
                  std::to_string(r.word) + ", outside the regcmd section (" + std::to_string(words) + " words)");
  return isa::ParseNpuTasks(tasks->data.data(), task_bytes, regcmd->data.data(), regcmd->data.size(), what);
}

std::string DisassembleRknn(const RknnModel& model, const std::vector<isa::NpuTask>& tasks, const isa::RegisterDb& db,
                            DecodeCoverage* coverage) {
  DecodeCoverage cov;
  std::map<std::string, uint64_t> unknown;  // raw register name -> writes
  std::map<int64_t, const RRelocation*> relocated;  // command word -> the address patched into it
  for (const RRelocation& r : model.relocations) relocated[r.word] = &r;
  std::string out;
  uint64_t chain_words = 0;
  for (const isa::NpuTask& t : tasks) chain_words += t.chain.size();
  out += "# " + model.target + " program: " + std::to_string(tasks.size()) + " tasks, " +
         std::to_string(model.regcmd_bytes / isa::kRegWordBytes) + " command words (" + std::to_string(chain_words) +
         " PC chaining words)\n";
  for (const isa::NpuTask& t : tasks) {
    const isa::NpuTaskRecord& r = t.record;
    std::string node = "?";
    if (r.op_idx < model.nodes.size()) node = model.nodes[r.op_idx].type + " " + model.nodes[r.op_idx].name;
    out += "task " + std::to_string(t.index) + "  op " + std::to_string(r.op_idx) + " (" + node + ")  enable=" +
           Hex(r.enable_mask) + " [" + UnitNames(db, r.enable_mask) + "]  int_mask=" + Hex(r.int_mask) +
           "  amount=" + std::to_string(r.regcfg_amount) + "  regcmd@" + std::to_string(r.regcmd_addr);
    if (r.flags) out += "  flags=" + Hex(r.flags);
    if (r.regcfg_offset) out += "  regcfg_offset=" + std::to_string(r.regcfg_offset);
    out += "\n";
    int64_t word = static_cast<int64_t>(r.regcmd_addr / isa::kRegWordBytes);
    auto line = [&](const isa::RegWrite& w, const char* indent) {
      bool known = false;
      out += indent + isa::DescribeWrite(db, w, model.target, &known);
      if (const auto it = relocated.find(word++); it != relocated.end())
        out += "  <- &'" + it->second->tensor + "' + " + std::to_string(it->second->offset);
      out += "\n";
      ++cov.writes;
      if (known) {
        ++cov.known;
      } else {
        char raw[40];
        std::snprintf(raw, sizeof(raw), "block 0x%04x reg 0x%04x", w.block, w.reg);
        ++unknown[raw];
      }
    };
    for (const isa::RegWrite& w : t.writes) line(w, "  ");
    for (const isa::RegWrite& w : t.chain) line(w, "  > ");
  }
  char pct[32];
  std::snprintf(pct, sizeof(pct), "%.1f%%", cov.writes ? 100.0 * cov.known / cov.writes : 100.0);
  out += "coverage: " + std::to_string(cov.known) + "/" + std::to_string(cov.writes) +
         " register writes decoded (" + pct + ")\n";
  for (const auto& [name, n] : unknown) out += "unknown: " + name + " x" + std::to_string(n) + "\n";
  if (coverage) *coverage = cov;
  return out;
}

}  // namespace rknnsim::rknn
