#include "query/query_result.h"

#include <algorithm>

#include "base/error.h"
#include "base/suggest.h"
#include "sqlite/value.h"

namespace aigc {

std::vector<BoundQuery> bind_queries(sqlite3* db, const std::vector<SavedQuery>& queries, const ParamArgs& params) {
  std::vector<PreparedQuery> prepared;
  prepared.reserve(queries.size());
  for (const auto& saved : queries) prepared.emplace_back(db, saved);

  // A --param that no query takes is a mistake (a typo), not something to ignore.
  std::vector<std::string> taken;
  for (const auto& q : prepared)
    for (const auto& p : q.parameters())
      if (std::find(taken.begin(), taken.end(), p.name) == taken.end()) taken.push_back(p.name);
  for (const auto& [name, value] : params) {
    if (std::find(taken.begin(), taken.end(), name) != taken.end()) continue;
    std::string msg = "no saved query takes a parameter '" + shown_for_message(name) + "'";
    if (std::string hint = did_you_mean(name, taken); !hint.empty()) msg += " (" + hint + ")";
    throw UsageError(msg);
  }

  std::vector<BoundQuery> bound;
  bound.reserve(prepared.size());
  for (auto& q : prepared) {
    ParamArgs mine;
    for (const auto& a : params)
      for (const auto& p : q.parameters())
        if (p.name == a.first) mine.push_back(a);
    auto values = q.bind(mine);  // throws for a missing required parameter
    bound.push_back(BoundQuery{std::move(q), std::move(values)});
  }
  return bound;
}

std::optional<double> ResultCell::as_number() const {
  if (is_number()) return number;
  if (type != SQLITE_TEXT) return std::nullopt;
  std::string_view t = text;
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  if (!t.empty() && t.back() == '%') t.remove_suffix(1);
  double d = 0;
  if (!parse_real(t, d)) return std::nullopt;
  return d;
}

QueryResult QueryResult::fetch(sqlite3_stmt* stmt) {
  QueryResult r;
  const int ncols = sqlite3_column_count(stmt);
  for (int i = 0; i < ncols; ++i) {
    const char* name = sqlite3_column_name(stmt, i);
    r.columns.emplace_back(name ? name : "");
  }
  for (;;) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) throw DataError(sqlite3_errmsg(sqlite3_db_handle(stmt)));
    auto& row = r.rows.emplace_back(static_cast<std::size_t>(ncols));
    for (int i = 0; i < ncols; ++i) {
      ResultCell& c = row[static_cast<std::size_t>(i)];
      c.type = sqlite3_column_type(stmt, i);
      if (c.type == SQLITE_NULL) continue;
      if (c.type == SQLITE_BLOB) {
        static constexpr char kHex[] = "0123456789ABCDEF";
        const auto* b = static_cast<const unsigned char*>(sqlite3_column_blob(stmt, i));
        const int n = sqlite3_column_bytes(stmt, i);
        for (int k = 0; k < n; ++k) {
          c.text += kHex[b[k] >> 4];
          c.text += kHex[b[k] & 0xF];
        }
        continue;
      }
      // The double before the text: converting to text is what SQLite
      // documents as possibly changing the value's type.
      if (c.is_number()) c.number = sqlite3_column_double(stmt, i);
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      c.text.assign(t ? t : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
    }
  }
  return r;
}

std::optional<std::size_t> QueryResult::column(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return i;
  return std::nullopt;
}

}  // namespace aigc
