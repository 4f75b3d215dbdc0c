// `rknn-sim info FILE.rknn`: what the file says about itself, as text.
#pragma once

#include <string>

#include "compiler/rknn/model.h"

namespace rknnsim::rknn {

std::string FormatInfo(const RknnModel& model);

}  // namespace rknnsim::rknn
