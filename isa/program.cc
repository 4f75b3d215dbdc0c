#include "isa/program.h"

namespace rknnsim::isa {

const char* TaskOpName(TaskOp op) {
  switch (op) {
    case TaskOp::kConv: return "conv";
    case TaskOp::kEltwiseAdd: return "ew_add";
    case TaskOp::kMaxPool: return "maxpool";
    case TaskOp::kGlobalAvgPool: return "gap";
  }
  return "?";
}

}  // namespace rknnsim::isa
