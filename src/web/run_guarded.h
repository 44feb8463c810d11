#pragma once
/// Running a request's statements on a pooled session under the time limit.
#include "base/error.h"
#include "query/sql_guard.h"
#include "web/http.h"
#include "web/warehouse_pool.h"

namespace aigc::web {

/// Runs `work` (which steps statements on `session`) under one deadline, the
/// server's --timeout from now. A statement stopped by the deadline becomes
/// HttpError 504; other errors pass through.
template <class Work>
void run_guarded(Session& session, Work&& work) {
  GuardedConnection& conn = session.connection();
  GuardedConnection::StatementScope scope(conn);
  try {
    work();
  } catch (const DataError&) {
    if (conn.stop_cause() == StopCause::timed_out) throw HttpError(504, timeout_message(conn.timeout()));
    throw;
  }
}

}  // namespace aigc::web
