#include "shell/sigint.h"

#include <atomic>
#include <cerrno>

#include "base/error.h"

namespace aigc::shell {

namespace {

/// The handler's only state: lock-free, so reading it is async-signal-safe.
std::atomic<GuardedConnection*> target{nullptr};
static_assert(std::atomic<GuardedConnection*>::is_always_lock_free);

extern "C" void on_sigint(int) {
  const int saved_errno = errno;
  if (GuardedConnection* conn = target.load()) conn->interrupt();
  errno = saved_errno;
}

}  // namespace

SigintInterrupts::SigintInterrupts(GuardedConnection& conn) {
  GuardedConnection* expected = nullptr;
  if (!target.compare_exchange_strong(expected, &conn)) throw Error("a SIGINT handler is already installed");
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  // Restart interrupted reads and writes: output being written when Ctrl-C
  // arrives must not fail; the statement itself stops via the progress handler.
  action.sa_flags = SA_RESTART;
  if (sigaction(SIGINT, &action, &previous_) != 0) {
    target.store(nullptr);
    throw Error("cannot install the Ctrl-C handler");
  }
}

SigintInterrupts::~SigintInterrupts() {
  sigaction(SIGINT, &previous_, nullptr);
  target.store(nullptr);
}

}  // namespace aigc::shell
