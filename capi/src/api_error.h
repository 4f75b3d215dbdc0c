// Failures inside the C API carry the RKNPU2 error code to return; the entry points in
// rknn_api.cc turn each into one `E RKNN: ...` line on stderr and that code.
#pragma once

#include <stdexcept>
#include <string>

namespace rknnsim::capi {

class ApiError : public std::runtime_error {
 public:
  ApiError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

}  // namespace rknnsim::capi
