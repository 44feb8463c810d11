#include "sqlite/table_info.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "base/error.h"
#include "base/suggest.h"
#include "base/text.h"
#include "sqlite/quote.h"
#include "sqlite/sql_tokenizer.h"
#include "sqlite/statement.h"

namespace aigc {

namespace {

/// Runs a query and hands each row's columns, as text (NULL as ""), to `fn`.
template <typename Fn>
void each_row(sqlite3* db, const std::string& sql, Fn fn) {
  Statement st(db, sql);
  while (st.step()) {
    std::vector<std::string> row;
    for (int i = 0; i < st.column_count(); ++i) row.emplace_back(st.column_text(i));
    fn(row);
  }
}

ColumnType type_of(const std::string& declared) {
  // STRICT tables allow exactly these names; for non-STRICT tables apply
  // SQLite's affinity rules (section 3.1 of the datatype documentation).
  const std::string t = ascii_upper(declared);
  if (t == "INT" || t == "INTEGER") return ColumnType::integer;
  if (t == "REAL") return ColumnType::real;
  if (t == "TEXT") return ColumnType::text;
  if (t == "BLOB") return ColumnType::blob;
  if (t.empty() || t == "ANY") return ColumnType::any;
  if (t.find("INT") != std::string::npos) return ColumnType::integer;
  if (t.find("CHAR") != std::string::npos || t.find("CLOB") != std::string::npos || t.find("TEXT") != std::string::npos)
    return ColumnType::text;
  if (t.find("REAL") != std::string::npos || t.find("FLOA") != std::string::npos || t.find("DOUB") != std::string::npos)
    return ColumnType::real;
  return ColumnType::any;  // NUMERIC affinity: keep the value's own type
}

}  // namespace

std::vector<std::string> check_expressions(std::string_view sql) {
  std::vector<std::string> out;
  SqlTokenizer tokens(sql);
  while (const SqlToken t = tokens.next()) {
    if (!is_keyword(t, "check")) continue;
    // Looked at, not taken: if it is not "(", it is read again as usual.
    const SqlToken open = next_significant_token(sql, tokens.position());
    if (open.text != "(") continue;
    // The expression runs to the matching parenthesis.
    SqlTokenizer inside(sql, open.end());
    int depth = 1;
    SqlToken u;
    while (depth > 0 && (u = inside.next())) {
      if (u.text == "(") ++depth;
      if (u.text == ")") --depth;
    }
    if (depth == 0) out.emplace_back(sql.substr(open.end(), u.offset - open.end()));
    tokens = inside;
  }
  return out;
}

std::vector<std::string> table_names(sqlite3* db) {
  std::vector<std::string> names;
  each_row(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
           [&](const auto& r) { names.push_back(r[0]); });
  return names;
}

TableInfo TableInfo::read(sqlite3* db, const std::string& table) {
  TableInfo info;
  std::string sql_text;
  each_row(
      db,
      "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name = " + quote_literal(table) + " COLLATE NOCASE",
      [&](const auto& r) {
        info.name = r[0];
        sql_text = r[1];
      });
  if (info.name.empty()) {
    std::string msg = "no table named " + table;
    if (auto hint = did_you_mean(table, table_names(db)); !hint.empty()) msg += "; " + hint;
    throw UsageError(msg);
  }
  each_row(db, "SELECT strict FROM pragma_table_list WHERE name = " + quote_literal(info.name),
           [&](const auto& r) { info.strict = r[0] == "1"; });
  // table_xinfo: cid, name, type, notnull, dflt_value, pk, hidden. Generated
  // columns (hidden 2 or 3) cannot be inserted into and are left out.
  info.checks = check_expressions(sql_text);
  each_row(db,
           "SELECT name, type, \"notnull\", dflt_value IS NOT NULL, pk, hidden, dflt_value FROM pragma_table_xinfo(" +
               quote_literal(info.name) + ") ORDER BY cid",
           [&](const auto& r) {
             if (r[5] == "2" || r[5] == "3") return;
             TableColumn c;
             c.name = r[0];
             c.declared_type = r[1];
             c.type = type_of(r[1]);
             c.not_null = r[2] == "1";
             c.has_default = r[3] == "1";
             c.default_expr = r[6];
             c.pk_position = std::stoi(r[4]);
             info.columns.push_back(std::move(c));
           });
  // foreign_key_list: id, seq, table, from, to (to empty = parent's primary key).
  std::map<int, ForeignKey> fks;
  std::map<int, std::vector<std::string>> to_cols;
  each_row(db,
           "SELECT id, seq, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(" + quote_literal(info.name) +
               ") ORDER BY id, seq",
           [&](const auto& r) {
             auto& fk = fks[std::stoi(r[0])];
             fk.parent_table = r[2];
             int idx = info.find_column(r[3]);
             if (idx < 0) throw DataError("foreign key of " + info.name + " names unknown column " + r[3]);
             fk.child_columns.push_back(static_cast<std::size_t>(idx));
             to_cols[std::stoi(r[0])].push_back(r[4]);
           });
  for (auto& [id, fk] : fks) {
    auto& to = to_cols[id];
    if (std::any_of(to.begin(), to.end(), [](const std::string& s) { return s.empty(); })) {
      auto parent = TableInfo::read(db, fk.parent_table);
      to.clear();
      for (auto i : parent.primary_key()) to.push_back(parent.columns[i].name);
    }
    fk.parent_columns = to;
    info.foreign_keys.push_back(std::move(fk));
  }
  return info;
}

int TableInfo::find_column(const std::string& name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const auto& c = columns[i].name;
    if (c.size() == name.size() && std::equal(c.begin(), c.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        }))
      return static_cast<int>(i);
  }
  return -1;
}

std::vector<std::size_t> TableInfo::primary_key() const {
  std::vector<std::size_t> pk;
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].pk_position > 0) pk.push_back(i);
  std::sort(pk.begin(), pk.end(), [&](auto a, auto b) { return columns[a].pk_position < columns[b].pk_position; });
  return pk;
}

}  // namespace aigc
