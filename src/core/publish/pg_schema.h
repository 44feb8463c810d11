#pragma once
/// The warehouse's SQLite schema written for PostgreSQL: column types, keys,
/// foreign keys, CHECKs and indexes, read from SQLite itself (table_info.h)
/// so the schema files stay the one source of truth, and user tables made
/// by `aigc import` come along like the report's.
///
/// Constraints and indexes are kept apart from the CREATE TABLE: publish adds
/// them after the rows are copied, which is several times faster than
/// checking every row as it arrives, and leaves the same schema.
#include <sqlite3.h>

#include <string>
#include <string_view>
#include <vector>

#include "sqlite/table_info.h"

namespace aigc {

/// The four PostgreSQL types a warehouse column becomes. A STRICT column
/// keeps its type; ANY (imported columns) and the columns of a table that is
/// not STRICT become text, since they may hold values of several kinds.
enum class PgType { bigint, double_precision, text, bytea };

std::string_view pg_type_name(PgType type) noexcept;

/// `name` as a PostgreSQL identifier, always quoted: "Name", "a""b".
std::string pg_identifier(std::string_view name);

/// A GLOB pattern as an anchored POSIX regular expression with the same
/// matches (PostgreSQL's `~`): * -> .*, ? -> ., [a-z] and [^...] kept as
/// classes, everything else literal. Throws DataError for a pattern GLOB
/// itself would never match as written (an unterminated class).
std::string glob_to_regex(std::string_view glob);

/// An SQLite expression (a CHECK, an index's WHERE, a DEFAULT) in
/// PostgreSQL's SQL: GLOB -> ~ 'regex', length() -> char_length(),
/// a IS b -> IS NOT DISTINCT FROM, == -> =, names resolved against
/// `columns` (case-insensitively, as SQLite does) and quoted. Throws
/// DataError saying what has no translation; never drops a part.
std::string translate_expression(std::string_view sqlite_sql, const std::vector<TableColumn>& columns);

struct PgColumn {
  std::string name;
  PgType type = PgType::text;
};

/// One table, translated.
struct PgTable {
  std::string name;
  std::vector<PgColumn> columns;
  /// CREATE TABLE with the columns, their types, NOT NULL and DEFAULT.
  std::string create;
  /// ALTER TABLE adding the primary key, UNIQUE constraints and CHECKs (one
  /// statement, one pass over the rows), or empty when there are none.
  std::string constraints;
  /// ALTER TABLE ... ADD FOREIGN KEY, one per key: added once every table
  /// has its keys.
  std::vector<std::string> foreign_keys;
};

/// Throws DataError naming the table and the CHECK (or DEFAULT) that has no
/// translation.
PgTable translate_table(sqlite3* db, const std::string& table);

/// CREATE INDEX statements for the indexes the schema declares (not the
/// ones SQLite makes for keys, which the constraints above make on
/// PostgreSQL). Throws DataError for an index on an expression.
std::vector<std::string> translate_indexes(sqlite3* db);

}  // namespace aigc
