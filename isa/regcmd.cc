#include "isa/regcmd.h"

#include <cstring>

#include "common/error.h"

namespace rknnsim::isa {
namespace {

uint32_t U32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

uint64_t U64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

NpuTaskRecord ReadRecord(const uint8_t* p) {
  NpuTaskRecord r;
  r.flags = U32(p), r.op_idx = U32(p + 4), r.enable_mask = U32(p + 8), r.int_mask = U32(p + 12);
  r.int_clear = U32(p + 16), r.int_status = U32(p + 20), r.regcfg_amount = U32(p + 24);
  r.regcfg_offset = U32(p + 28), r.regcmd_addr = U64(p + 32);
  return r;
}

}  // namespace

bool IsPcChainBlock(uint16_t block) { return block == kPcBlockCode || block == 0x0081 || block == 0x0041; }

std::vector<NpuTask> ParseNpuTasks(const uint8_t* tasks, size_t task_bytes, const uint8_t* regcmd,
                                   size_t regcmd_bytes, const std::string& what) {
  const size_t count = task_bytes / kNpuTaskRecordBytes;
  const size_t words = regcmd_bytes / kRegWordBytes;
  std::vector<NpuTask> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    NpuTask task;
    task.index = static_cast<uint32_t>(i);
    task.record = ReadRecord(tasks + i * kNpuTaskRecordBytes);
    const NpuTaskRecord& r = task.record;
    const std::string who = what + ": task " + std::to_string(i) + " (op " + std::to_string(r.op_idx) + ")";
    if (r.regcmd_addr % kRegWordBytes != 0)
      throw Error(who + ": its command address " + std::to_string(r.regcmd_addr) +
                  " is not a multiple of the 8-byte command word");
    if (r.regcmd_addr >= regcmd_bytes)
      throw Error(who + ": its command address " + std::to_string(r.regcmd_addr) + " lies outside the " +
                  std::to_string(regcmd_bytes) + "-byte regcmd section");
    const size_t first = static_cast<size_t>(r.regcmd_addr / kRegWordBytes);
    if (r.regcfg_amount > words - first)
      throw Error(who + ": its " + std::to_string(r.regcfg_amount) + " register writes from word " +
                  std::to_string(first) + " overrun the regcmd section (" + std::to_string(words) + " words)");
    task.writes.reserve(r.regcfg_amount);
    for (size_t w = 0; w < r.regcfg_amount; ++w)
      task.writes.push_back(DecodeRegWord(U64(regcmd + (first + w) * kRegWordBytes)));
    for (size_t w = first + r.regcfg_amount; w < words && task.chain.size() < kMaxChainWords; ++w) {
      const RegWrite c = DecodeRegWord(U64(regcmd + w * kRegWordBytes));
      if (!IsPcChainBlock(c.block)) break;
      task.chain.push_back(c);
    }
    out.push_back(std::move(task));
  }
  return out;
}

}  // namespace rknnsim::isa
