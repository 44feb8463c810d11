#include "load/multi_row_insert.h"

#include <algorithm>

#include "base/error.h"
#include "sqlite/quote.h"

namespace aigc {

MultiRowInsert::MultiRowInsert(sqlite3* db, const std::string& table, const std::vector<std::string>& columns,
                               std::size_t max_rows)
    : columns_(columns.size()) {
  const auto limit = static_cast<std::size_t>(std::max(1, sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, -1)));
  rows_ = columns_ == 0 ? 1 : std::clamp<std::size_t>(limit / columns_, 1, max_rows);
  if (rows_ < 2) return;
  std::string sql = "INSERT INTO " + quote_identifier(table) + " (";
  for (std::size_t c = 0; c < columns_; ++c) sql += (c ? ", " : "") + columns[c];
  sql += ") VALUES ";
  std::string row = "(";
  for (std::size_t c = 0; c < columns_; ++c) row += c ? ", ?" : "?";
  row += ")";
  for (std::size_t r = 0; r < rows_; ++r) sql += (r ? ", " : "") + row;
  statement_.emplace(db, sql, Prepare::persistent);
}

int MultiRowInsert::insert(const std::vector<const Value*>& rows) {
  if (!statement_ || rows.size() != rows_)
    throw Error("internal error: a multi-row insert given the wrong number of rows");
  int index = 1;
  for (const Value* values : rows)
    for (std::size_t c = 0; c < columns_; ++c) bind_value(*statement_, index++, values[c]);
  const int rc = statement_->try_step();  // a refused batch is replayed row by row
  statement_->reset();
  return rc;
}

}  // namespace aigc
