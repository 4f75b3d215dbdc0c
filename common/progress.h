// A one-line progress bar on stderr for long loops (calibration samples): items done, rate and
// estimated time left. It draws only when stderr is a terminal (and info logs are on), so logs,
// CI output and test captures stay clean.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace rknnsim {

class Progress {
 public:
  // `label` names the work ("calibrating"); `total` is the number of Advance() calls expected.
  Progress(std::string label, size_t total);
  // `stream` and `enabled` are for tests; the default draws on stderr when it is a terminal and
  // the log level shows info (not under -q).
  Progress(std::string label, size_t total, std::FILE* stream, bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Advance(size_t n = 1);

  // The line drawn after `done` items in `seconds`, e.g. "calibrating [=====>    ] 5/10 2.5/s ETA 2s".
  static std::string Format(const std::string& label, size_t done, size_t total, double seconds);

 private:
  void Draw(bool force);

  std::string label_;
  size_t total_;
  size_t done_ = 0;
  std::FILE* stream_;
  bool enabled_;
  bool drawn_ = false;
  size_t drawn_done_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace rknnsim
