#pragma once
/// Ctrl-C while a statement runs: stop the statement, keep the session.
#include <signal.h>

#include "query/sql_guard.h"

namespace aigc::shell {

/// While alive, SIGINT asks `conn` to interrupt its running statement
/// instead of ending the process; the previous handler is restored on
/// destruction. One at a time.
class SigintInterrupts {
 public:
  explicit SigintInterrupts(GuardedConnection& conn);
  ~SigintInterrupts();
  SigintInterrupts(const SigintInterrupts&) = delete;
  SigintInterrupts& operator=(const SigintInterrupts&) = delete;

 private:
  struct sigaction previous_ {};
};

}  // namespace aigc::shell
