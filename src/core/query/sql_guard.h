#pragma once
/// A connection for ad-hoc SQL (`aigc sql`, `aigc shell`) that is safe by
/// default and can be stopped: a deadline (--timeout) or an interrupt
/// (Ctrl-C) ends the running statement.
///
/// Without --write, four independent layers keep the warehouse and the file
/// system untouched; each one alone would leave a gap:
///  1. an authorizer that allows only reads (SELECT, reading pragmas) and
///     names what it refused;
///  2. sqlite3_stmt_readonly() after prepare, which catches VACUUM (and
///     VACUUM INTO, which writes a new file even on a read-only connection
///     and is invisible to the authorizer until it runs);
///  3. a read-only connection with `PRAGMA query_only`, and no room for
///     attached databases (SQLITE_LIMIT_ATTACHED = 0);
///  4. SQLITE_DBCONFIG_DEFENSIVE and extension loading switched off, which
///     stay on even with --write.
#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

#include "base/error.h"
#include "sqlite/connection.h"
#include "sqlite/statement.h"

namespace aigc {

/// Why a statement did not run to completion, besides an SQL error.
enum class StopCause { none, interrupted, timed_out };

/// The guarded connection. Not movable: SQLite's callbacks hold its address.
class GuardedConnection {
 public:
  /// Opens the warehouse at `path` (building it on first use). `read_only`
  /// installs every guard; `read_write` allows changes but still refuses
  /// extensions.
  GuardedConnection(const fs::path& path, Access access);
  /// Guards an already open database (tests use ":memory:").
  GuardedConnection(SQLite::Database db, Access access);
  ~GuardedConnection();
  GuardedConnection(const GuardedConnection&) = delete;
  GuardedConnection& operator=(const GuardedConnection&) = delete;

  sqlite3* handle() const noexcept { return db_.getHandle(); }
  Access access() const noexcept { return access_; }

  /// Longest time one statement may run; zero (the default) means no limit.
  void set_timeout(std::chrono::milliseconds limit) noexcept { timeout_ = limit; }

  /// At the end of a session: if the SQL left a transaction open (BEGIN
  /// with no COMMIT), rolls it back and throws DataError saying so. SQLite
  /// would roll it back silently on close, and the user would believe the
  /// writes were kept.
  void finish_session();
  std::chrono::milliseconds timeout() const noexcept { return timeout_; }

  /// Asks the running statement (or the next one, if none runs) to stop.
  /// Async-signal-safe: it only stores to a lock-free atomic that the
  /// progress handler polls, so a SIGINT handler may call it.
  void interrupt() noexcept { interrupt_requested_.store(true, std::memory_order_relaxed); }
  /// Forgets an interrupt that has not stopped anything yet.
  void clear_interrupt() noexcept { interrupt_requested_.store(false, std::memory_order_relaxed); }

  /// While alive, one statement runs under the deadline; the last refusal
  /// and stop cause are forgotten when it starts.
  class StatementScope {
   public:
    explicit StatementScope(GuardedConnection& conn);
    ~StatementScope() { conn_.armed_ = false; }
    StatementScope(const StatementScope&) = delete;
    StatementScope& operator=(const StatementScope&) = delete;

   private:
    GuardedConnection& conn_;
  };

  /// Prepares the first statement of `sql`; `consumed` receives how many
  /// bytes it used. Returns an empty Statement for whitespace or comments.
  /// Throws DataError with SQLite's message, or with the guard's refusal.
  Statement prepare(std::string_view sql, std::size_t* consumed);

  /// The message for a statement that failed with SQLite's `sqlite_message`:
  /// the refusal, the timeout or the interrupt if one of those caused it.
  std::string explain_failure(const std::string& sqlite_message) const;

  /// The cause recorded by the progress handler in the current or last StatementScope.
  StopCause stop_cause() const noexcept { return stop_cause_; }

  /// The hint appended to refusals in read-only mode.
  static constexpr std::string_view write_hint = "use --write to allow changes";

 private:
  void install_guards();
  static int authorize(void* self, int action, const char* a, const char* b, const char* db, const char* trigger);
  static int progress(void* self);
  int deny(std::string message);

  SQLite::Database db_;
  Access access_;
  std::chrono::milliseconds timeout_{0};
  std::chrono::steady_clock::time_point deadline_{};
  bool armed_ = false;  ///< a StatementScope with a deadline is alive
  std::atomic<bool> interrupt_requested_{false};
  StopCause stop_cause_ = StopCause::none;
  std::string refusal_;         ///< the first refusal in the current StatementScope
  std::string_view preparing_;  ///< the SQL being prepared, to name what a refusal refuses
  static_assert(std::atomic<bool>::is_always_lock_free, "interrupt() must be async-signal-safe");
};

/// Offset of the first character of `sql` at or after `from` that is
/// neither whitespace nor part of a comment (-- to the end of the line,
/// /* to */), as SQLite's tokenizer sees them.
std::size_t skip_sql_blanks(std::string_view sql, std::size_t from = 0);

/// "query stopped after 2 s (--timeout)", "query stopped after 0.5 s (--timeout)".
std::string timeout_message(std::chrono::milliseconds limit);

/// The longest --timeout: about 31 years. Larger values are clamped to it
/// (a longer deadline would overflow the clock).
inline constexpr long long kMaxTimeoutSeconds = 1'000'000'000;

/// --timeout's SECONDS (fractions allowed) as a duration of at least 1 ms,
/// at most kMaxTimeoutSeconds. Throws UsageError for 0, a negative or a
/// non-finite number.
std::chrono::milliseconds timeout_from_seconds(double seconds);

/// --timeout's text as given: a plain decimal number ("5", "0.5", "1e3").
/// Throws UsageError naming the text for anything else (empty, "nan",
/// "inf", "5s", "0x10") and for what timeout_from_seconds() refuses.
std::chrono::milliseconds timeout_from_text(std::string_view text);

/// Whether `name` (lower case) is a pragma that read-only mode allows, given
/// whether it came with an argument. Exposed for tests.
bool pragma_allowed_read_only(std::string_view name, bool has_argument);

}  // namespace aigc
