// SystemC elaborates one platform per process (simulator.h): the first platform a process
// simulates is the only one it can ever simulate. This is the one guard every front door uses:
// the simulator marks the platform it elaborates, a C API context holds a claim from rknn_init to
// rknn_destroy (a context for another platform is refused at init), and Python checks before each
// run (init_runtime, inference, eval_perf), all with the same message.
#pragma once

#include <string>

#include "common/error.h"

namespace rknnsim::sim {

// Thrown when a platform cannot be simulated in this process; message() names the platform the
// process holds, hint() says what to do instead.
class PlatformBusy : public Error {
 public:
  using Error::Error;
};

// A hold on the process's platform while a model that may still run on it is alive (a C API
// context): while any claim on one platform lives, no other platform can be claimed or elaborated.
class PlatformClaim {
 public:
  // Throws PlatformBusy when the process simulates or holds another platform. `what` names the
  // model in the message ("the 'rk3566' model"), `hint` is the front door's advice.
  PlatformClaim(const std::string& platform, const std::string& what, const std::string& hint);
  ~PlatformClaim();
  PlatformClaim(const PlatformClaim&) = delete;
  PlatformClaim& operator=(const PlatformClaim&) = delete;

 private:
  std::string platform_;
};

// Throws PlatformBusy unless `platform` could be claimed now (the same check, nothing held).
void CheckPlatformAvailable(const std::string& platform, const std::string& what, const std::string& hint);

// The simulator elaborates `platform`: from now on the process belongs to it. Throws PlatformBusy
// as CheckPlatformAvailable does.
void MarkElaborated(const std::string& platform);

}  // namespace rknnsim::sim
