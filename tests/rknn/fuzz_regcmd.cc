// libFuzzer target: arbitrary bytes through the register-command decoder. Inputs that start with
// "RKNN" go through the whole path `rknn-sim disasm` takes (reader, task records, relocations,
// listing with the register database) and the decoding `rknn-sim run` does before it executes
// (schedule, register groups, tasks into isa::Task, addresses against tensors); any other input is split into a task array and a command
// stream (first byte: how many 40-byte records) and decoded directly, so short inputs reach the
// record and word checks without a valid container. Anything but success or rknnsim::Error is a bug.
#include <cstdint>
#include <vector>

#include "common/error.h"
#include "compiler/rknn/model.h"
#include "compiler/rknn/npu_tasks.h"
#include "compiler/rknn/regcmd_program.h"
#include "isa/regcmd.h"
#include "isa/register_db.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const rknnsim::isa::RegisterDb& db = rknnsim::isa::RegisterDb::Builtin();
  try {
    if (size >= 4 && data[0] == 'R' && data[1] == 'K' && data[2] == 'N' && data[3] == 'N') {
      const rknnsim::rknn::RknnModel model = rknnsim::rknn::ReadRknn(std::vector<uint8_t>(data, data + size), "fuzz");
      const std::vector<rknnsim::isa::NpuTask> tasks = rknnsim::rknn::NpuTasksOf(model, "fuzz");
      rknnsim::rknn::DisassembleRknn(model, tasks, db);
      // The platform facts the decoder reads (models/*/platform.yaml), as for RK3588.
      rknnsim::isa::PlatformConfig platform;
      platform.platform = "rk3588";
      platform.dpu_bs_operand_group = 8;
      rknnsim::rknn::LowerRegcmdProgram(model, tasks, platform, "fuzz");
    } else if (size > 0) {
      const size_t task_bytes = std::min<size_t>(size - 1, size_t{data[0]} * rknnsim::isa::kNpuTaskRecordBytes);
      const uint8_t* tasks = data + 1;
      const uint8_t* regcmd = tasks + task_bytes;
      for (const rknnsim::isa::NpuTask& t :
           rknnsim::isa::ParseNpuTasks(tasks, task_bytes, regcmd, size - 1 - task_bytes, "fuzz"))
        for (const rknnsim::isa::RegWrite& w : t.writes) rknnsim::isa::DescribeWrite(db, w, "rk3588");
    }
  } catch (const rknnsim::Error&) {
  }
  return 0;
}
