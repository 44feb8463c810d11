#pragma once
/// Turning SQLite's return codes into the errors users see: every C call's
/// code goes through check(), so a failure reads the same wherever it happens.
#include <sqlite3.h>

#include <string>
#include <string_view>

namespace aigc {

/// SQLite's message for a failed call, with the operating system's reason
/// when there is one and, for storage failures (disk full, I/O error,
/// locked, read-only, damaged or foreign file), what it means and what to do.
std::string explain_sqlite_error(int extended_code, std::string_view message, int system_errno = 0);
/// The same for the last failed call on `db`.
std::string explain_sqlite_error(sqlite3* db);

/// Returns `rc` when it is SQLITE_OK, SQLITE_ROW or SQLITE_DONE; any other
/// code throws DataError with explain_sqlite_error(db), after `context` and
/// ": " when a context is given (what was being done, e.g. "bind failed").
/// `db` must be the connection the failed call ran on, whose error state
/// still describes it (no other call on it in between).
int check(int rc, sqlite3* db, std::string_view context = {});

}  // namespace aigc
