#pragma once
/// Running several saved queries together, and holding a result in memory
/// for outputs that need every row before they write (the HTML report draws a
/// chart and a table from one result).
#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "query/catalog.h"

namespace aigc {

/// A saved query prepared on a database with its parameters bound.
struct BoundQuery {
  PreparedQuery prepared;
  std::vector<std::pair<std::string, ParamValue>> params;  ///< the values bound, in parameter order
};

/// Prepares every query of `queries` and binds its parameters: each --param
/// in `params` goes to the queries that take it. Throws UsageError for a
/// --param that no query takes (with the closest name) or a required
/// parameter left out, DataError for a query that does not prepare: all
/// before any row is read.
std::vector<BoundQuery> bind_queries(engine::Connection& db, const std::vector<SavedQuery>& queries,
                                     const ParamArgs& params);

/// One value of a result.
struct ResultCell {
  /// SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL:
  /// SQLite's codes name the types whatever engine gave the value.
  int type = SQLITE_NULL;
  std::string text;   ///< as the engine prints it (0.03, 42); a BLOB as hex digits; empty for NULL
  double number = 0;  ///< the value of an INTEGER or FLOAT

  bool is_null() const noexcept { return type == SQLITE_NULL; }
  bool is_number() const noexcept { return type == SQLITE_INTEGER || type == SQLITE_FLOAT; }
  /// The value as a number: a number itself, or text that is a plain decimal
  /// number ("91.2", " 85 ", "90.1%"), as a score printed as text is. None
  /// for NULL, a BLOB or other text.
  std::optional<double> as_number() const;
};

/// Every row of a statement, held in memory.
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<ResultCell>> rows;

  /// Steps `rows` to completion. Throws DataError with the engine's message if a step fails.
  static QueryResult fetch(engine::Cursor& rows);
  /// The index of the column called `name`, if there is one.
  std::optional<std::size_t> column(std::string_view name) const;
};

}  // namespace aigc
