#pragma once
/// Opening the warehouse, and the small SQL helpers every module needs.
#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <filesystem>
#include <string>
#include <string_view>

namespace aigc {

namespace fs = std::filesystem;

/// Where the warehouse lives when neither --db nor AIGC_DB names one:
/// $XDG_DATA_HOME/aigc/warehouse.db, else ~/.local/share/aigc/warehouse.db.
fs::path default_warehouse_path();

/// `flag` (from --db) if not empty, else $AIGC_DB if set, else the default.
fs::path resolve_warehouse_path(const std::string& flag);

/// The file `db`'s main database lives in (absolute, as SQLite opened it);
/// empty for an in-memory or temporary database. Output written while
/// reading `db` must never land on it (core/output_file.h).
fs::path database_file(sqlite3* db);

enum class Access { read_only, read_write };

/// Opens an existing warehouse with foreign keys enforced and a busy timeout.
/// Throws DataError naming the path if it is missing, unreadable or not a
/// SQLite database. A read-only open first rolls back what a killed or
/// failed writer left in a hot journal (that needs write access once).
SQLite::Database open_database(const fs::path& path, Access access);

/// How long to wait for another process's lock, in milliseconds:
/// $AIGC_BUSY_TIMEOUT if set to a number, else 5000.
int busy_timeout_ms();

/// SQLite's message for a failed call, with the operating system's reason
/// when there is one and, for storage failures (disk full, I/O error,
/// locked, read-only, damaged or foreign file), what it means and what to do.
std::string explain_sqlite_error(int extended_code, std::string_view message, int system_errno = 0);
/// The same for the last failed call on `db`.
std::string explain_sqlite_error(sqlite3* db);

/// Process-wide SQLite settings; call once at start-up, before any
/// connection is opened. Turns off SQLite's memory statistics, which take a
/// global mutex on every allocation.
void configure_sqlite();

/// Double-quotes an SQL identifier ("a""b").
std::string quote_identifier(std::string_view name);

/// Quotes a value as an SQL string literal, for messages only (never for SQL).
std::string quote_literal(std::string_view value);

/// A prepared statement on the raw C API, for hot loops that bind
/// string_views without copying (SQLiteCpp binds only NUL-terminated text).
class RawStatement {
 public:
  RawStatement(sqlite3* db, std::string_view sql);
  ~RawStatement();
  RawStatement(const RawStatement&) = delete;
  RawStatement& operator=(const RawStatement&) = delete;
  RawStatement(RawStatement&& other) noexcept;

  sqlite3_stmt* get() const noexcept { return stmt_; }
  /// Binds text that must stay alive until the next step().
  void bind_text(int index, std::string_view value);
  void bind_int64(int index, std::int64_t value);
  void bind_double(int index, double value);
  void bind_null(int index);
  /// SQLITE_ROW, SQLITE_DONE, or an error code (the statement is then reset
  /// on the caller's reset()).
  int step() noexcept;
  void reset() noexcept;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace aigc
