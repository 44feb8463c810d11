#include "publish/pg_schema.h"

#include <map>
#include <optional>

#include "base/error.h"
#include "base/text.h"
#include "sqlite/quote.h"
#include "sqlite/sql_tokenizer.h"
#include "sqlite/statement.h"

namespace aigc {
namespace {

/// Raised inside the translation with the reason alone; translate_table()
/// adds the table and the expression.
struct Untranslatable {
  std::string reason;
};

/// A character of a regular expression outside a bracket expression.
void append_regex_literal(std::string& out, char c) {
  if (std::string_view(".^$*+?()[]{}|\\").find(c) != std::string_view::npos) out += '\\';
  out += c;
}

/// A character inside a bracket expression: PostgreSQL's advanced regular
/// expressions take a backslash escape there, so ] [ ^ - \ are escaped.
void append_class_char(std::string& out, std::string_view c) {
  if (c.size() == 1 && std::string_view("]\\[^-").find(c[0]) != std::string_view::npos) out += '\\';
  out += c;
}

/// The UTF-8 character starting at `at`: GLOB's ranges are of characters,
/// not bytes.
std::string_view utf8_char(std::string_view s, std::size_t at) {
  const auto lead = static_cast<unsigned char>(s[at]);
  std::size_t n = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  return s.substr(at, std::min(n, s.size() - at));
}

/// The text of a string literal: 'it''s' -> it's.
std::string unquote_sql_string(std::string_view literal) {
  std::string out;
  for (std::size_t i = 1; i + 1 < literal.size(); ++i) {
    out += literal[i];
    if (literal[i] == '\'' && literal[i + 1] == '\'') ++i;
  }
  return out;
}

const std::map<std::string, std::string, std::less<>>& function_names() {
  // SQLite's function -> PostgreSQL's, where both compute the same thing on
  // the values a CHECK sees. length() counts characters in both; PostgreSQL's
  // length() of bytea would count bytes, so char_length says which is meant.
  static const std::map<std::string, std::string, std::less<>> names = {
      {"length", "char_length"}, {"lower", "lower"},     {"upper", "upper"},   {"abs", "abs"},
      {"coalesce", "coalesce"},  {"ifnull", "coalesce"}, {"nullif", "nullif"}, {"trim", "btrim"},
      {"ltrim", "ltrim"},        {"rtrim", "rtrim"},     {"substr", "substr"}, {"substring", "substr"}};
  return names;
}

/// Words that mean the same in both dialects, written as they are.
bool is_shared_keyword(std::string_view w) {
  for (const char* k :
       {"and", "or", "not", "in", "null", "between", "true", "false", "case", "when", "then", "else", "end"})
    if (iequals(w, k)) return true;
  return false;
}

std::string translate(std::string_view sql, const std::vector<TableColumn>& columns) {
  std::vector<SqlToken> tokens;
  for (SqlTokenizer t(sql); auto tok = t.next_significant();) tokens.push_back(tok);
  std::string out;
  auto emit = [&out](std::string_view s) {
    if (!out.empty() && out.back() != '(' && s != ")" && s != ",") out += ' ';
    out += s;
  };
  auto glob = [&](std::size_t& i, bool negated) {
    // tokens[i] is GLOB; its pattern must be a literal to become a regex.
    if (i + 1 >= tokens.size() || tokens[i + 1].kind != SqlTokenKind::string)
      throw Untranslatable{"GLOB is translated only with a literal pattern ('...')"};
    const std::string pattern = unquote_sql_string(tokens[i + 1].text);
    emit(negated ? "!~" : "~");
    emit(quote_literal(glob_to_regex(pattern)));
    ++i;
  };
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const SqlToken& tok = tokens[i];
    const SqlToken* next = i + 1 < tokens.size() ? &tokens[i + 1] : nullptr;
    switch (tok.kind) {
      case SqlTokenKind::string:
        if (!tok.closed) throw Untranslatable{"an unterminated string"};
        emit(tok.text);  // '...' with '' inside: the same in both
        break;
      case SqlTokenKind::number:
        if (tok.text.size() > 1 && (tok.text[1] == 'x' || tok.text[1] == 'X'))
          throw Untranslatable{"hexadecimal number " + std::string(tok.text)};
        emit(tok.text);
        break;
      case SqlTokenKind::quoted_identifier:
      case SqlTokenKind::word: {
        const std::string word(tok.text);
        if (tok.kind == SqlTokenKind::word) {
          if (iequals(word, "like"))
            throw Untranslatable{"LIKE (case-insensitive for ASCII only in SQLite) has no exact translation"};
          if (iequals(word, "glob")) {
            glob(i, false);
            break;
          }
          if (iequals(word, "not") && next && is_keyword(*next, "glob")) {
            ++i;
            glob(i, true);
            break;
          }
          if (iequals(word, "isnull") || iequals(word, "notnull")) {
            emit(iequals(word, "isnull") ? "IS NULL" : "IS NOT NULL");
            break;
          }
          if (iequals(word, "is")) {
            // a IS NULL stays; a IS b is SQLite's null-safe equality.
            std::size_t j = i + 1;
            const bool negated = j < tokens.size() && is_keyword(tokens[j], "not");
            if (negated) ++j;
            if (j < tokens.size() && is_keyword(tokens[j], "null")) {
              emit(negated ? "IS NOT NULL" : "IS NULL");
            } else {
              emit(negated ? "IS DISTINCT FROM" : "IS NOT DISTINCT FROM");
              --j;
            }
            i = j;
            break;
          }
          if (is_shared_keyword(word)) {
            emit(ascii_upper(word));
            break;
          }
          if (next && next->text == "(") {
            const auto f = function_names().find(ascii_lower(word));
            if (f == function_names().end()) throw Untranslatable{"function " + word + "() has no translation"};
            emit(f->second);
            out += '(';
            ++i;
            break;
          }
        }
        const std::string name = unquote_identifier(tok.text);
        TableInfo lookup;
        lookup.columns = columns;
        const int c = lookup.find_column(name);
        if (c < 0) throw Untranslatable{"'" + name + "' is neither a column of the table nor a known keyword"};
        emit(pg_identifier(columns[static_cast<std::size_t>(c)].name));
        break;
      }
      case SqlTokenKind::punctuation: {
        const std::string_view p = tok.text;
        if (p == "==")
          emit("=");
        else if (p == "!=")
          emit("<>");
        else if (p == "(" || p == ")" || p == "," || p == "=" || p == "<>" || p == "<" || p == "<=" || p == ">" ||
                 p == ">=" || p == "+" || p == "-" || p == "*" || p == "/" || p == "%" || p == "||")
          emit(p);
        else
          throw Untranslatable{"operator " + std::string(p) + " has no translation"};
        break;
      }
      default: throw Untranslatable{"'" + std::string(tok.text) + "' has no translation"};
    }
  }
  if (out.empty()) throw Untranslatable{"an empty expression"};
  return out;
}

PgType pg_type_of(const TableColumn& column, bool strict) {
  if (!strict) return PgType::text;
  switch (column.type) {
    case ColumnType::integer: return PgType::bigint;
    case ColumnType::real: return PgType::double_precision;
    case ColumnType::blob: return PgType::bytea;
    default: return PgType::text;
  }
}

template <typename F>
void each_row(sqlite3* db, const std::string& sql, F f) {
  Statement s(db, sql);
  while (s.step()) {
    std::vector<std::string> row;
    for (int i = 0; i < s.column_count(); ++i) {
      const auto* t = sqlite3_column_text(s.get(), i);
      row.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
    }
    f(row);
  }
}

std::string column_list(const std::vector<std::string>& names) {
  std::string out = "(";
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + pg_identifier(names[i]);
  return out + ")";
}

}  // namespace

std::string_view pg_type_name(PgType type) noexcept {
  switch (type) {
    case PgType::bigint: return "bigint";
    case PgType::double_precision: return "double precision";
    case PgType::bytea: return "bytea";
    default: return "text";
  }
}

std::string pg_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string glob_to_regex(std::string_view glob) {
  std::string out = "^";
  for (std::size_t i = 0; i < glob.size();) {
    const char c = glob[i];
    if (c == '*') {
      out += ".*";
      ++i;
    } else if (c == '?') {
      out += '.';
      ++i;
    } else if (c == '[') {
      // GLOB's class: [^...] negates, a ']' first is literal, a-b is a range.
      std::size_t j = i + 1;
      out += '[';
      if (j < glob.size() && glob[j] == '^') {
        out += '^';
        ++j;
      }
      bool first = true;
      for (;;) {
        if (j >= glob.size()) throw DataError("GLOB pattern '" + std::string(glob) + "' has an unterminated [");
        if (glob[j] == ']' && !first) break;
        first = false;
        const std::string_view lo = utf8_char(glob, j);
        j += lo.size();
        if (j + 1 < glob.size() && glob[j] == '-' && glob[j + 1] != ']') {
          const std::string_view hi = utf8_char(glob, j + 1);
          append_class_char(out, lo);
          out += '-';
          append_class_char(out, hi);
          j += 1 + hi.size();
        } else {
          append_class_char(out, lo);
        }
      }
      out += ']';
      i = j + 1;
    } else {
      append_regex_literal(out, c);
      ++i;
    }
  }
  return out + "$";
}

std::string translate_expression(std::string_view sqlite_sql, const std::vector<TableColumn>& columns) {
  try {
    return translate(sqlite_sql, columns);
  } catch (const Untranslatable& u) {
    throw DataError(u.reason);
  }
}

PgTable translate_table(sqlite3* db, const std::string& table) {
  const TableInfo info = TableInfo::read(db, table);
  PgTable out;
  out.name = info.name;
  const std::string qname = pg_identifier(info.name);
  auto refuse = [&](std::string_view what, std::string_view sql, const std::string& reason) {
    throw DataError("cannot publish table " + info.name + ": its " + std::string(what) + " (" + std::string(sql) +
                    ") has no PostgreSQL translation: " + reason);
  };
  out.create = "CREATE TABLE " + qname + " (";
  for (std::size_t i = 0; i < info.columns.size(); ++i) {
    const TableColumn& c = info.columns[i];
    const PgType type = pg_type_of(c, info.strict);
    out.columns.push_back({c.name, type});
    out.create += (i ? ", " : "") + pg_identifier(c.name) + " " + std::string(pg_type_name(type));
    // SQLite compares text byte by byte (BINARY); so does PostgreSQL's "C"
    // collation, whatever the server's default: ORDER BY, keys and the saved
    // queries' results come out as on SQLite.
    if (type == PgType::text) out.create += " COLLATE \"C\"";
    if (c.not_null) out.create += " NOT NULL";
    if (c.has_default) {
      try {
        out.create += " DEFAULT " + translate(c.default_expr, {});
      } catch (const Untranslatable& u) {
        refuse("DEFAULT of column " + c.name, c.default_expr, u.reason);
      }
    }
  }
  out.create += ")";

  std::vector<std::string> constraints;
  std::vector<std::string> key;
  for (std::size_t i : info.primary_key()) key.push_back(info.columns[i].name);
  if (!key.empty()) constraints.push_back("ADD PRIMARY KEY " + column_list(key));
  // UNIQUE constraints are the indexes SQLite made for them (origin 'u').
  each_row(db,
           "SELECT name FROM pragma_index_list(" + quote_literal(info.name) + ") WHERE origin = 'u' ORDER BY seq DESC",
           [&](const std::vector<std::string>& r) {
             std::vector<std::string> cols;
             each_row(db, "SELECT name FROM pragma_index_info(" + quote_literal(r[0]) + ") ORDER BY seqno",
                      [&](const std::vector<std::string>& c) { cols.push_back(c[0]); });
             constraints.push_back("ADD UNIQUE " + column_list(cols));
           });
  for (const std::string& check : info.checks) {
    try {
      constraints.push_back("ADD CHECK (" + translate(check, info.columns) + ")");
    } catch (const Untranslatable& u) {
      refuse("CHECK", check, u.reason);
    }
  }
  if (!constraints.empty()) {
    out.constraints = "ALTER TABLE " + qname + " ";
    for (std::size_t i = 0; i < constraints.size(); ++i) out.constraints += (i ? ", " : "") + constraints[i];
  }

  const std::vector<std::string> tables = table_names(db);
  for (const ForeignKey& fk : info.foreign_keys) {
    std::vector<std::string> child;
    for (std::size_t i : fk.child_columns) child.push_back(info.columns[i].name);
    // The parent as SQLite stores its name: REFERENCES may spell it in another case.
    std::string parent = fk.parent_table;
    for (const auto& t : tables)
      if (iequals(t, parent)) parent = t;
    out.foreign_keys.push_back("ALTER TABLE " + qname + " ADD FOREIGN KEY " + column_list(child) + " REFERENCES " +
                               pg_identifier(parent) + " " + column_list(fk.parent_columns));
  }
  return out;
}

std::vector<std::string> translate_indexes(sqlite3* db) {
  std::vector<std::string> out;
  each_row(db,
           "SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL "
           "AND tbl_name NOT LIKE 'sqlite_%' ORDER BY name",
           [&](const std::vector<std::string>& r) {
             const std::string& name = r[0];
             const TableInfo info = TableInfo::read(db, r[1]);
             std::vector<std::string> keys;
             bool unique = false;
             each_row(db,
                      "SELECT cid, name, \"desc\" FROM pragma_index_xinfo(" + quote_literal(name) +
                          ") WHERE key ORDER BY seqno",
                      [&](const std::vector<std::string>& c) {
                        if (c[0] == "-2")
                          throw DataError("cannot publish index " + name + " of table " + info.name +
                                          ": it indexes an expression, which has no PostgreSQL translation");
                        keys.push_back(pg_identifier(c[1]) + (c[2] == "1" ? " DESC" : ""));
                      });
             each_row(db,
                      "SELECT \"unique\" FROM pragma_index_list(" + quote_literal(info.name) +
                          ") WHERE name = " + quote_literal(name),
                      [&](const std::vector<std::string>& u) { unique = u[0] == "1"; });
             std::string create = std::string(unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") + pg_identifier(name) +
                                  " ON " + pg_identifier(info.name) + " (";
             for (std::size_t i = 0; i < keys.size(); ++i) create += (i ? ", " : "") + keys[i];
             create += ")";
             // A partial index: the WHERE after the column list, at the top level.
             const std::string& sql = r[2];
             int depth = 0;
             bool seen_columns = false;
             for (SqlTokenizer t(sql); auto tok = t.next_significant();) {
               if (tok.text == "(") ++depth;
               if (tok.text == ")" && --depth == 0) seen_columns = true;
               if (seen_columns && depth == 0 && is_keyword(tok, "where")) {
                 const std::string where = sql.substr(tok.end());
                 try {
                   create += " WHERE " + translate(where, info.columns);
                 } catch (const Untranslatable& u) {
                   throw DataError("cannot publish index " + name + " of table " + info.name + ": its WHERE (" + where +
                                   ") has no PostgreSQL translation: " + u.reason);
                 }
                 break;
               }
             }
             out.push_back(std::move(create));
           });
  return out;
}

}  // namespace aigc
