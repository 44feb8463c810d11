#include "query/query_result.h"

#include <algorithm>

#include "base/error.h"
#include "base/suggest.h"
#include "render/render.h"
#include "sqlite/value.h"

namespace aigc {

std::vector<BoundQuery> bind_queries(engine::Connection& db, const std::vector<SavedQuery>& queries,
                                     const ParamArgs& params) {
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

namespace {

int sqlite_type(engine::ColumnType type) {
  switch (type) {
    case engine::ColumnType::integer: return SQLITE_INTEGER;
    case engine::ColumnType::real: return SQLITE_FLOAT;
    case engine::ColumnType::text: return SQLITE_TEXT;
    case engine::ColumnType::blob: return SQLITE_BLOB;
    case engine::ColumnType::null: break;
  }
  return SQLITE_NULL;
}

}  // namespace

QueryResult QueryResult::fetch(engine::Cursor& rows) {
  QueryResult r;
  const int ncols = rows.column_count();
  for (int i = 0; i < ncols; ++i) r.columns.emplace_back(rows.column_name(i));
  while (rows.step()) {
    auto& row = r.rows.emplace_back(static_cast<std::size_t>(ncols));
    for (int i = 0; i < ncols; ++i) {
      ResultCell& c = row[static_cast<std::size_t>(i)];
      c.type = sqlite_type(rows.column_type(i));
      if (c.type == SQLITE_NULL) continue;
      if (c.type == SQLITE_BLOB) {
        append_hex(c.text, rows.column_blob(i));
        continue;
      }
      // The double before the text: converting to text is what SQLite
      // documents as possibly changing the value's type.
      if (c.is_number()) c.number = rows.column_double(i);
      c.text.assign(rows.column_text(i));
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
