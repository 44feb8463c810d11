#pragma once
/// Inserting rows several at a time with one multi-row INSERT.
///
/// Why: SQLite redoes a statement's per-execution set-up every time it is
/// stepped after a reset. For a CHECK such as `billing_basis IN ('tokens',
/// 'resources', ...)` that set-up builds a temporary lookup table, twice per
/// row in `pricing`: more than half of a 1,000,000-row load went there.
/// One statement with many VALUES rows pays it once per batch.
#include <sqlite3.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sqlite/statement.h"
#include "sqlite/value.h"

namespace aigc {

class MultiRowInsert {
 public:
  /// Prepares `INSERT INTO table (columns) VALUES (...), (...), ...` with as
  /// many rows as fit SQLite's limit on parameters, up to `max_rows`.
  /// `columns` are already quoted identifiers.
  MultiRowInsert(sqlite3* db, const std::string& table, const std::vector<std::string>& columns,
                 std::size_t max_rows = 64);

  /// Rows per execution; 1 means batching is pointless (a very wide table).
  std::size_t capacity() const noexcept { return rows_; }

  /// Inserts exactly capacity() rows, each `columns.size()` values whose
  /// text stays alive until this returns. Returns SQLITE_DONE, or SQLite's
  /// error code: then, for a constraint, the statement's rows were undone
  /// and the transaction goes on.
  int insert(const std::vector<const Value*>& rows);

 private:
  std::size_t columns_;
  std::size_t rows_;
  std::optional<Statement> statement_;
};

}  // namespace aigc
