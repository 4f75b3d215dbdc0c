#include "sim/platform_claim.h"

#include <map>
#include <mutex>

namespace rknnsim::sim {
namespace {

struct Holders {
  std::mutex lock;
  std::string elaborated;                 // empty until the simulator builds a platform
  std::map<std::string, int> live_claims;  // platform -> claims alive
};

Holders& State() {
  static Holders* state = new Holders;  // never destroyed: claims may be released from atexit handlers
  return *state;
}

// With the lock held: the platform that keeps `platform` out, or empty.
std::string Blocking(const Holders& s, const std::string& platform) {
  if (!s.elaborated.empty() && s.elaborated != platform) return s.elaborated;
  for (const auto& [held, count] : s.live_claims)
    if (count > 0 && held != platform) return held;
  return {};
}

void ThrowIfBlocked(const Holders& s, const std::string& platform, const std::string& what, const std::string& hint) {
  const std::string busy = Blocking(s, platform);
  if (busy.empty()) return;
  throw PlatformBusy("this process already simulates platform '" + busy +
                         "'; SystemC allows one platform per process, so " + what + " (platform '" + platform +
                         "') cannot run here",
                     hint);
}

}  // namespace

PlatformClaim::PlatformClaim(const std::string& platform, const std::string& what, const std::string& hint)
    : platform_(platform) {
  Holders& s = State();
  std::lock_guard<std::mutex> hold(s.lock);
  ThrowIfBlocked(s, platform, what, hint);
  ++s.live_claims[platform];
}

PlatformClaim::~PlatformClaim() {
  Holders& s = State();
  std::lock_guard<std::mutex> hold(s.lock);
  --s.live_claims[platform_];
}

void CheckPlatformAvailable(const std::string& platform, const std::string& what, const std::string& hint) {
  Holders& s = State();
  std::lock_guard<std::mutex> hold(s.lock);
  ThrowIfBlocked(s, platform, what, hint);
}

void MarkElaborated(const std::string& platform) {
  Holders& s = State();
  std::lock_guard<std::mutex> hold(s.lock);
  ThrowIfBlocked(s, platform, "its model", "run each platform in its own process");
  s.elaborated = platform;
}

}  // namespace rknnsim::sim
