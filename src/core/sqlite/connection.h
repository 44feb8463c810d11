#pragma once
/// Opening a connection the way every aigc connection is opened: hardened
/// for untrusted SQL and files, with limits, foreign keys and a busy timeout.
#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <cstddef>
#include <filesystem>

#include "engine/access.h"

namespace aigc {

namespace fs = std::filesystem;

/// The file `db`'s main database lives in (absolute, as SQLite opened it);
/// empty for an in-memory or temporary database. Output written while
/// reading `db` must never land on it (core/base/output_file.h).
fs::path database_file(sqlite3* db);

/// Opens an existing warehouse with foreign keys enforced and a busy timeout.
/// Throws DataError naming the path if it is missing, unreadable or not a
/// SQLite database. A read-only open first rolls back what a killed or
/// failed writer left in a hot journal (that needs write access once).
SQLite::Database open_database(const fs::path& path, Access access);

/// Whether SQLite counts its memory, which a heap limit needs.
enum class HeapLimit {
  /// No accounting and no limit: the bulk writers (build, load, import), which
  /// run only the project's own SQL and whose every allocation would
  /// otherwise take a global mutex.
  none,
  /// A hard limit of `kSqliteHeapLimit` bytes on everything SQLite allocates:
  /// every command that runs SQL a user wrote.
  bounded,
};

/// The hard heap limit: generous for real work (the warehouse is a few MB),
/// bounded so that SQL cannot take all the machine's memory. A statement
/// that needs more fails with "out of memory" and aigc exits 1.
inline constexpr long long kSqliteHeapLimit = 1LL << 30;  // 1 GiB

/// Process-wide SQLite settings; call once at start-up, before any
/// connection is opened.
void configure_sqlite(HeapLimit heap = HeapLimit::bounded);

/// The limits every connection gets (sqlite3_limit), after SQLite's advice
/// for untrusted SQL (https://www.sqlite.org/security.html): generous for
/// the warehouse's real work, bounded against hostile SQL.
struct SqlLimit {
  int id;
  int value;
  const char* what;  ///< for documentation and tests
};
inline constexpr SqlLimit kSqlLimits[] = {
    {SQLITE_LIMIT_LENGTH, 64 << 20, "bytes in one string or BLOB (64 MiB)"},
    {SQLITE_LIMIT_SQL_LENGTH, 1 << 20, "bytes in one SQL statement (1 MiB)"},
    // SQLite's own default: a user's CSV of up to 2000 columns still imports.
    {SQLITE_LIMIT_COLUMN, 2000, "columns in a table, index, view or result"},
    {SQLITE_LIMIT_EXPR_DEPTH, 200, "depth of an expression tree"},
    {SQLITE_LIMIT_COMPOUND_SELECT, 100, "terms of a compound SELECT (UNION ...)"},
    {SQLITE_LIMIT_VDBE_OP, 1000000, "virtual machine instructions in one statement"},
    {SQLITE_LIMIT_FUNCTION_ARG, 100, "arguments to one function"},
    {SQLITE_LIMIT_ATTACHED, 4, "attached databases (none in read-only ad-hoc SQL)"},
    {SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 1000, "bytes in a LIKE or GLOB pattern"},
    // The loader's multi-row INSERT binds 64 rows of a table's columns: 64 x
    // 100 columns still fits (the widest warehouse table has far fewer).
    {SQLITE_LIMIT_VARIABLE_NUMBER, 6400, "parameters (?) in one statement"},
    {SQLITE_LIMIT_TRIGGER_DEPTH, 32, "depth of triggers firing triggers"},
    {SQLITE_LIMIT_WORKER_THREADS, 0, "sorter worker threads"},
};

/// One statement's SQL text may be at most this long (SQLITE_LIMIT_SQL_LENGTH).
inline constexpr std::size_t kMaxStatementBytes = 1 << 20;

/// Applies SQLite's advice for untrusted SQL and database files to `db`:
/// defensive mode (no writing the schema or pages by hand), an untrusted
/// schema (a view, trigger or CHECK in the file may call only functions
/// SQLite marks innocuous), fts3_tokenizer() unable to register a tokenizer
/// from a pointer, extension loading off, the limits above and
/// guard_printf(). Every connection aigc opens gets this. Throws DataError
/// if SQLite refuses.
void harden_connection(sqlite3* db);

/// Replaces printf() and format() on `db` (harden_connection does it): a
/// width or precision beyond SQLITE_LIMIT_LENGTH is "string or blob too big"
/// at once instead of ~10-40 s in one call that no progress handler (Ctrl-C,
/// --timeout) sees, and a result past the limit is that error, not NULL.
void guard_printf(sqlite3* db);

}  // namespace aigc
