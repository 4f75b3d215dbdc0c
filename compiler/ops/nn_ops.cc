// Registers the nn op group (see op_list.h).
#include "compiler/ops/op_list.h"

namespace rknnsim::ops {

void AppendNnOps(std::vector<const OpDef*>& ops) { (void)ops; }

}  // namespace rknnsim::ops
