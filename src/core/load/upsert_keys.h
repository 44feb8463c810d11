#pragma once
/// The keys an --upsert load has written so far, so that a key given twice
/// in one file is refused at the second line, naming the first, instead of
/// the second row silently replacing the first (PostgreSQL refuses the
/// same: "ON CONFLICT DO UPDATE command cannot affect row a second time").
///
/// The keys live in a temporary table, in SQLite's temp store, so memory
/// stays bounded whatever the file's size.
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "sqlite/statement.h"
#include "sqlite/value.h"

namespace aigc {

class UpsertKeys {
 public:
  /// `key_fields`: the CSV fields holding the table's primary key, in key order.
  UpsertKeys(sqlite3* db, std::vector<std::size_t> key_fields);
  ~UpsertKeys();  ///< drops the temporary table; never throws
  UpsertKeys(const UpsertKeys&) = delete;
  UpsertKeys& operator=(const UpsertKeys&) = delete;

  /// Records the key of a row starting at `line`. Returns the line of an
  /// earlier row with the same key, or 0 when the key is new (or has a NULL,
  /// which the table's own NOT NULL rule reports).
  std::uint64_t first_line_of(const Value* values, std::uint64_t line);

 private:
  sqlite3* db_;
  std::vector<std::size_t> key_fields_;
  std::optional<Statement> insert_;
  std::optional<Statement> lookup_;
};

}  // namespace aigc
