#pragma once
/// The validating, all-or-nothing CSV loader.
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "csv/csv_reader.h"
#include "sqlite/savepoint.h"  // Savepoint and exec() lived here; kept for its includers
#include "sqlite/statement.h"

namespace aigc {

struct LoadProgress {
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  std::uint64_t total_bytes = 0;  ///< 0 when unknown (standard input)
};

struct LoadOptions {
  /// A row whose primary key exists replaces the stored row's columns.
  bool upsert = false;
  /// Errors collected before reading stops; all are reported together.
  std::size_t max_errors = 100;
  /// For `import`: drop an existing table of the same name first.
  bool replace_table = false;
  /// Check everything as a load would, then roll back: the database is left
  /// byte-for-byte as it was, and the summary says what would have happened.
  bool dry_run = false;
  /// For `import`: tables the name given may not take, even with
  /// replace_table (the warehouse's own, created by schema/).
  std::vector<std::string> reserved_tables;
  /// The user chose the delimiter: a one-column header holding ';', tab or
  /// '|' is then taken as meant rather than refused.
  bool delimiter_given = false;
  /// Called every few thousand rows.
  std::function<void(const LoadProgress&)> progress;
};

struct LoadSummary {
  std::string table;
  std::uint64_t rows = 0;  ///< data rows read
  std::uint64_t added = 0;
  std::uint64_t replaced = 0;  ///< with upsert: rows whose key existed
};

/// Appends the CSV's rows to an existing table. The header names columns
/// (any order, case-insensitive); columns left out take their defaults.
/// Every value is checked against the column's type, NOT NULL, CHECK,
/// UNIQUE and foreign-key constraints. All or nothing: on any problem the
/// table is left as it was and LoadError lists every problem found as
/// file:line:column. Runs inside a savepoint, so it composes with an
/// enclosing transaction.
LoadSummary load_table(sqlite3* db, CsvReader& csv, const std::string& table, const LoadOptions& options);

/// Throws UsageError, naming the rule, when `name` may not be the name of an
/// imported table: empty, sqlite_*, pragma_*, the name of a table-valued
/// function or other eponymous virtual table of this SQLite build
/// (json_each, ...), which a table would shadow, or one of `reserved`.
void check_import_name(const std::string& name, const std::vector<std::string>& reserved);

/// Creates a new table `name` whose columns are the CSV's header names and
/// fills it. The name is checked with check_import_name first. Columns are untyped (STRICT ANY): a value is stored as a
/// number only where that keeps its exact text, so "0870" stays "0870". All or nothing: on failure no table is created.
LoadSummary import_table(sqlite3* db, CsvReader& csv, const std::string& name, const LoadOptions& options);

}  // namespace aigc
