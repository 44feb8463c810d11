#pragma once
/// What the loader needs to know about a table, read from SQLite itself so
/// the schema stays the one source of truth.
#include <sqlite3.h>

#include <string>
#include <vector>

namespace aigc {

/// How a column's values are bound: by the column's declared STRICT type.
enum class ColumnType { integer, real, text, blob, any };

struct TableColumn {
  std::string name;
  ColumnType type = ColumnType::any;
  std::string declared_type;
  bool not_null = false;
  bool has_default = false;
  std::string default_expr;  ///< the DEFAULT expression's SQL text, if any
  int pk_position = 0;       ///< 1-based position in the primary key, 0 if not part of it
};

/// One foreign key: child columns (by index into TableInfo::columns) and the
/// parent table's columns they reference.
struct ForeignKey {
  std::string parent_table;
  std::vector<std::size_t> child_columns;
  std::vector<std::string> parent_columns;
};

struct TableInfo {
  std::string name;  ///< as stored in sqlite_schema
  std::vector<TableColumn> columns;
  std::vector<ForeignKey> foreign_keys;
  std::vector<std::string> checks;  ///< each CHECK constraint's expression, as written
  bool strict = false;

  /// Reads the table's definition; throws DataError if there is no such table
  /// (suggesting close names).
  static TableInfo read(sqlite3* db, const std::string& table);
  /// Index of the column named `name` (case-insensitive), or -1.
  int find_column(const std::string& name) const;
  /// Primary-key column indexes, in key order.
  std::vector<std::size_t> primary_key() const;
};

/// The expressions of every CHECK constraint in a CREATE TABLE statement,
/// column and table constraints alike, in order. Skips string literals,
/// quoted identifiers and comments.
std::vector<std::string> check_expressions(std::string_view create_table_sql);

/// Names of the user-visible tables of the database, sorted.
std::vector<std::string> table_names(sqlite3* db);

}  // namespace aigc
