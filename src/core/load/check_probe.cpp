#include "load/check_probe.h"

#include <algorithm>

#include "base/error.h"
#include "sqlite/quote.h"

namespace aigc {

CheckProbe::CheckProbe(sqlite3* db, const TableInfo& table, std::vector<std::size_t> field_to_column)
    : db_(db), table_(table), field_to_column_(std::move(field_to_column)) {}

std::vector<std::size_t> CheckProbe::failing(const Value* values) {
  if (!prepared_) {
    // SELECT (expr) FROM (SELECT ?1 AS "a", ... , <default> AS "omitted"):
    // the row's values under the table's column names, so each expression
    // evaluates exactly as SQLite evaluates it on insert.
    std::string row = "SELECT ";
    for (std::size_t c = 0; c < table_.columns.size(); ++c) {
      auto it = std::find(field_to_column_.begin(), field_to_column_.end(), c);
      std::string source = it != field_to_column_.end() ? "?" + std::to_string(it - field_to_column_.begin() + 1)
                           : table_.columns[c].default_expr.empty() ? "NULL"
                                                                    : "(" + table_.columns[c].default_expr + ")";
      row += (c ? ", " : "") + source + " AS " + quote_identifier(table_.columns[c].name);
    }
    for (const auto& expr : table_.checks) {
      try {
        probes_.emplace_back(std::in_place, db_, "SELECT (" + expr + ") FROM (" + row + ")", Prepare::persistent);
      } catch (const DataError&) {
        probes_.emplace_back(std::nullopt);
      }
    }
    prepared_ = true;
  }
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < probes_.size(); ++k) {
    if (!probes_[k]) continue;
    auto& st = *probes_[k];
    const int params = st.parameter_count();
    for (int p = 0; p < params; ++p) bind_value(st, p + 1, values[static_cast<std::size_t>(p)]);
    // A CHECK fails only when its expression is false: NULL passes. One that
    // fails to evaluate names nothing, and SQLite's own message stands.
    if (st.try_step() == SQLITE_ROW && !st.column_is_null(0) && st.column_int64(0) == 0 && st.column_double(0) == 0.0)
      out.push_back(k);
    st.reset();
  }
  return out;
}

}  // namespace aigc
