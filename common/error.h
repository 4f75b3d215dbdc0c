// The single error type for user-facing failures (bad files, unsupported models, bad options).
// It carries what went wrong, where (file offset, node name) and a hint on how to fix it, so the
// CLI can print one actionable line. Internal invariant violations are not Errors: they are bugs.
#pragma once

#include <stdexcept>
#include <string>

namespace rknnsim {

class Error : public std::runtime_error {
 public:
  explicit Error(std::string message, std::string hint = {})
      : std::runtime_error(Compose(message, hint)), message_(std::move(message)), hint_(std::move(hint)) {}

  const std::string& message() const { return message_; }
  const std::string& hint() const { return hint_; }

 private:
  static std::string Compose(const std::string& message, const std::string& hint) {
    return hint.empty() ? message : message + " (hint: " + hint + ")";
  }
  std::string message_;
  std::string hint_;
};

}  // namespace rknnsim
