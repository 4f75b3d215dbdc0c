#include "common/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

namespace rknnsim {
namespace {

constexpr int kBarWidth = 24;
// Redraw at most ten times a second: a fast loop must not be slowed by terminal writes.
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);

std::string Duration(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
  return std::to_string(s / 3600) + "h" + (s / 60 % 60 < 10 ? "0" : "") + std::to_string(s / 60 % 60) + "m";
}

}  // namespace

// Quiet when stderr is not a terminal, and under `-q` (the bar is information, like `I` logs).
Progress::Progress(std::string label, size_t total)
    : Progress(std::move(label), total, stderr,
               isatty(fileno(stderr)) == 1 && spdlog::default_logger()->should_log(spdlog::level::info)) {}

Progress::Progress(std::string label, size_t total, std::FILE* stream, bool enabled)
    : label_(std::move(label)),
      total_(total),
      stream_(stream),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {
  Draw(true);
}

Progress::~Progress() {
  if (!enabled_ || !drawn_) return;
  if (drawn_done_ != done_) Draw(true);
  std::fputc('\n', stream_);
  std::fflush(stream_);
}

void Progress::Advance(size_t n) {
  done_ += n;
  Draw(done_ >= total_);
}

std::string Progress::Format(const std::string& label, size_t done, size_t total, double seconds) {
  const double fraction = total ? std::min(1.0, double(done) / double(total)) : 1.0;
  const int filled = static_cast<int>(fraction * kBarWidth);
  std::string bar(static_cast<size_t>(filled), '=');
  if (filled < kBarWidth) bar += '>';
  bar.resize(kBarWidth, ' ');
  std::string line = label + " [" + bar + "] " + std::to_string(done) + "/" + std::to_string(total);
  if (done == 0 || seconds <= 0.0) return line;
  const double rate = double(done) / seconds;
  char rate_text[32];
  std::snprintf(rate_text, sizeof(rate_text), " %.1f/s", rate);
  line += rate_text;
  line += done < total ? " ETA " + Duration(double(total - done) / rate) : " in " + Duration(seconds);
  return line;
}

void Progress::Draw(bool force) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  // \r returns to the line start; \033[K clears what a longer previous line left behind.
  std::fprintf(stream_, "\r%s\033[K", Format(label_, done_, total_, seconds).c_str());
  std::fflush(stream_);
  drawn_ = true;
  drawn_done_ = done_;
}

}  // namespace rknnsim
