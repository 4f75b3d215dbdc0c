// The program the board's NPU executes: a task list (the kernel driver's `struct rknpu_task`
// records) and a register-command stream, as Rockchip's compiler stores them in a .rknn file
// (docs/rknn-format.md §7). This layer splits and validates them; isa/register_db.h names what
// each write means. It depends on nothing but the standard library and common/error.h, so the
// fuzz target (tests/rknn/fuzz_regcmd.cc) builds it alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rknnsim::isa {

// One register write: a 64-bit command word is block code (bits 63..48) | value (47..16) |
// register offset (15..0). Verified on every word of the shared files against Mesa's rocket
// register map (docs/rknn-format.md §7).
struct RegWrite {
  uint16_t block = 0;  // e.g. 0x0201 CNA, 0x1001 DPU (isa/npu_registers.yaml)
  uint16_t reg = 0;    // register offset in the NPU's register space, e.g. 0x1070
  uint32_t value = 0;
};

inline RegWrite DecodeRegWord(uint64_t word) {
  return RegWrite{static_cast<uint16_t>(word >> 48), static_cast<uint16_t>(word & 0xFFFF),
                  static_cast<uint32_t>((word >> 16) & 0xFFFFFFFFu)};
}

// `struct rknpu_task` of Rockchip's rknpu kernel driver (include/uapi/drm/rknpu_drm.h, also the
// records of the file's `task` tensor): 40 bytes, little-endian.
struct NpuTaskRecord {
  uint32_t flags = 0;
  uint32_t op_idx = 0;       // the file node the task belongs to
  uint32_t enable_mask = 0;  // units the task starts (GLOBAL_OPERATION_ENABLE bits)
  uint32_t int_mask = 0;     // interrupt that ends the task (e.g. 0x300 DPU, 0xc00 PPU)
  uint32_t int_clear = 0;
  uint32_t int_status = 0;
  uint32_t regcfg_amount = 0;  // register writes the PC fetches for the task
  uint32_t regcfg_offset = 0;
  uint64_t regcmd_addr = 0;    // byte offset of the task's first command word in the regcmd stream
};
constexpr size_t kNpuTaskRecordBytes = 40;
constexpr size_t kRegWordBytes = 8;

// The PC chains a task to the next with a short tail after its register writes: the next task's
// command address and amount (PC block), then the enable of this task (docs/rknn-format.md §7).
constexpr size_t kMaxChainWords = 4;

// A task with its command words decoded: `writes` are the regcfg_amount unit writes, `chain` the
// PC words that follow them (at most kMaxChainWords, only words whose block is a PC block).
struct NpuTask {
  uint32_t index = 0;
  NpuTaskRecord record;
  std::vector<RegWrite> writes;
  std::vector<RegWrite> chain;
};

// Splits `task_count` records (or all whole records when task_count is 0) and the command stream
// into tasks. Throws rknnsim::Error with one line naming the task when a record points outside
// the stream, is misaligned, or its amount overruns the stream. `what` names the file in messages.
std::vector<NpuTask> ParseNpuTasks(const uint8_t* tasks, size_t task_bytes, const uint8_t* regcmd,
                                   size_t regcmd_bytes, const std::string& what);

// True for the block codes of the PC's chaining words (0x0101, 0x0081, 0x0041).
bool IsPcChainBlock(uint16_t block);

// The chaining word that names the next task's command address (PC BASE_ADDRESS, block PC).
constexpr uint16_t kPcBlockCode = 0x0101;
constexpr uint16_t kPcBaseAddressRegister = 0x0010;

}  // namespace rknnsim::isa
