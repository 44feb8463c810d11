// /tables (every table with its row count), /tables/NAME (a page of rows,
// paginated by key, with a filter per column), /tables/NAME.EXT (the
// filtered rows as a file) and /api/tables/NAME.
//
// Pages follow the primary key (the rowid where there is none): each page
// starts after the last key of the one before (?_after=[...]), so a page
// deep in a large table costs what the first does, unlike OFFSET.
#include <charconv>
#include <sstream>

#include "base/error.h"
#include "base/json.h"
#include "query/catalog.h"
#include "query/query_result.h"
#include "render/render.h"
#include "sqlite/quote.h"
#include "sqlite/sqlite_engine.h"
#include "sqlite/table_info.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/limited_cursor.h"
#include "web/run_guarded.h"

namespace aigc::web {

namespace {

constexpr std::uint64_t kDefaultPageSize = 100;
constexpr std::uint64_t kMaxPageSize = 1000;

/// A value for a column filter or key, bound with its type.
struct Bound {
  enum class Kind { integer, real, text, blob, null } kind = Kind::text;
  std::int64_t i = 0;
  double d = 0;
  std::string s;
};

void bind(Statement& st, int index, const Bound& b) {
  switch (b.kind) {
    case Bound::Kind::integer: st.bind_int64(index, b.i); break;
    case Bound::Kind::real: st.bind_double(index, b.d); break;
    case Bound::Kind::null: st.bind_null(index); break;
    case Bound::Kind::text: st.bind_text(index, b.s); break;
    case Bound::Kind::blob: st.bind_blob(index, b.s.data(), b.s.size()); break;
  }
}

/// The statement for one request: filters, the key to start after, the order.
struct TableQuery {
  TableInfo info;
  std::vector<int> key_columns;  ///< indexes into the statement's columns
  bool rowid_key = false;        ///< paged by the rowid, selected as the last (hidden) column
  std::string sql;
  std::vector<Bound> values;
  std::vector<std::pair<std::string, std::string>> filters;  ///< as given, for links
};

std::uint64_t page_size(const Request& req) {
  const std::string* s = req.param("_size");
  if (!s || s->empty()) return kDefaultPageSize;
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), n);
  if (ec != std::errc() || end != s->data() + s->size() || n == 0 || n > kMaxPageSize)
    throw HttpError(400,
                    "_size takes a whole number from 1 to " + std::to_string(kMaxPageSize) + ", not '" +
                        shown_for_message(*s) + "'",
                    "_size");
  return n;
}

bool decode_hex(std::string_view hex, std::string& out) {
  if (hex.size() % 2) return false;
  out.clear();
  auto digit = [](char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : -1;
  };
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = digit(hex[i]), lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
  }
  return true;
}

/// The page's own parameters; any other name is a column to filter on.
bool page_parameter(std::string_view name) {
  return name == "_after" || name == "_size" || name == "_sort" || name == "_desc" || name == "_bom";
}

/// A name by which the table's rowid can be selected: one no column shadows.
std::optional<std::string> rowid_alias(sqlite3* db, const TableInfo& info) {
  for (const char* alias : {"_rowid_", "rowid", "oid"}) {
    if (info.find_column(alias) >= 0) continue;
    // A WITHOUT ROWID table has none.
    Statement probe;
    if (Statement::try_prepare(db, "SELECT " + std::string(alias) + " FROM " + quote_identifier(info.name), probe) !=
        SQLITE_OK)
      return std::nullopt;
    return std::string(alias);
  }
  return std::nullopt;
}

/// _after's JSON array read into typed values, one per key column.
std::vector<Bound> read_after(sqlite3* db, const std::string& text, std::size_t expected) {
  std::vector<Bound> out;
  Statement st(db,
               "SELECT type, value, CASE type WHEN 'object' THEN json_extract(value, '$.hex') END FROM json_each(?1) "
               "WHERE json_valid(?1) AND json_type(?1) = 'array' ORDER BY key");
  st.bind_text(1, text);
  try {
    while (st.step()) {
      const std::string_view type = st.column_text(0);
      Bound b;
      if (type == "integer") {
        b.kind = Bound::Kind::integer;
        b.i = st.column_int64(1);
      } else if (type == "real") {
        b.kind = Bound::Kind::real;
        b.d = st.column_double(1);
      } else if (type == "text") {
        b.s = st.column_string(1);
      } else if (type == "null") {
        b.kind = Bound::Kind::null;
      } else if (type == "object" && st.column_type(2) == SQLITE_TEXT && decode_hex(st.column_text(2), b.s)) {
        b.kind = Bound::Kind::blob;  // {"hex":"00FF"}: a BLOB key (LimitedCursor writes them so)
      } else {
        break;
      }
      out.push_back(std::move(b));
    }
  } catch (const DataError&) {
    out.clear();
  }
  if (out.size() != expected)
    throw HttpError(400,
                    "_after takes the key of the last row of the page before, a JSON array of " +
                        std::to_string(expected) + (expected == 1 ? " value" : " values") + ", not '" +
                        shown_for_message(text) + "'",
                    "_after");
  return out;
}

bool numeric(const TableColumn& c) { return c.type == ColumnType::integer || c.type == ColumnType::real; }

TableQuery plan(sqlite3* db, std::string_view name, const Request& req, bool paged) {
  TableQuery q;
  q.info = TableInfo::read(db, std::string(name));
  std::string where;
  for (const auto& [param, value] : req.params) {
    if (page_parameter(param)) continue;
    const int col = q.info.find_column(param);
    if (col < 0)
      throw HttpError(400, "table " + q.info.name + " has no column '" + shown_for_message(param) + "'", param);
    for (const auto& f : q.filters)
      if (f.first == param) throw HttpError(400, "column " + param + " is filtered twice", param);
    if (value.empty()) continue;
    q.filters.emplace_back(param, value);
    const auto& c = q.info.columns[static_cast<std::size_t>(col)];
    where += where.empty() ? " WHERE " : " AND ";
    Bound b;
    if (numeric(c)) {
      // A number column matches the number exactly: source_line=51 is not 514.
      const ParamValue v = ParamValue::from_text(value);
      if (v.kind == ParamValue::Kind::text)
        throw HttpError(400, "column " + c.name + " holds numbers; '" + shown_for_message(value) + "' is not one",
                        param);
      b.kind = v.kind == ParamValue::Kind::integer ? Bound::Kind::integer : Bound::Kind::real;
      b.i = v.i;
      b.d = v.d;
      where += quote_identifier(c.name) + " = ?";
    } else {
      // Text matches anywhere inside, ignoring ASCII case (LIKE), with % and _ taken literally.
      b.s = "%";
      for (char ch : value) {
        if (ch == '%' || ch == '_' || ch == '\\') b.s += '\\';
        b.s += ch;
      }
      b.s += '%';
      where += quote_identifier(c.name) + " LIKE ? ESCAPE '\\'";
    }
    q.values.push_back(std::move(b));
  }

  // The key pages follow: the rowid where the table has one (unique, never
  // NULL, an integer, and the order rows were added: the report's own order
  // for its tables); else the primary key, which a WITHOUT ROWID table holds
  // NOT NULL.
  std::string key_sql, order;
  std::size_t key_count = 0;
  const std::string table = quote_identifier(q.info.name);
  std::string select = "SELECT *";
  if (const auto alias = rowid_alias(db, q.info)) {
    q.rowid_key = true;
    key_sql = *alias;
    key_count = 1;
    if (paged) {
      select = "SELECT *, " + *alias;
      q.key_columns = {static_cast<int>(q.info.columns.size())};
    }
    order = " ORDER BY " + *alias;
  } else {
    const auto pk = q.info.primary_key();
    if (pk.empty()) throw HttpError(400, "table " + q.info.name + " has neither a rowid nor a primary key to page by");
    std::string list;
    for (std::size_t k = 0; k < pk.size(); ++k) {
      if (k) list += ", ";
      list += quote_identifier(q.info.columns[pk[k]].name);
      q.key_columns.push_back(static_cast<int>(pk[k]));
    }
    key_sql = pk.size() == 1 ? list : "(" + list + ")";
    key_count = pk.size();
    order = " ORDER BY " + list;
  }
  if (paged) {
    if (const std::string* after = req.param("_after"); after && !after->empty()) {
      auto key = read_after(db, *after, key_count);
      where += where.empty() ? " WHERE " : " AND ";
      std::string marks;
      for (std::size_t k = 0; k < key_count; ++k) marks += k ? ", ?" : "?";
      where += key_sql + " > " + (key_count == 1 ? marks : "(" + marks + ")");
      for (auto& b : key) q.values.push_back(std::move(b));
    }
  }
  q.sql = select + " FROM " + table + where + order;
  return q;
}

std::string content_type_for(std::string_view format) {
  if (format == "csv") return "text/csv; charset=utf-8";
  if (format == "json") return "application/json; charset=utf-8";
  if (format == "jsonl") return "application/x-ndjson; charset=utf-8";
  return "text/markdown; charset=utf-8";
}

}  // namespace

Response tables_page(Context& ctx, const Request&) {
  auto session = ctx.pool.acquire();
  std::string html = page_start("Tables", {{"Report", "/"}, {"Tables", ""}});
  html +=
      "<h1>Tables</h1>\n<div class=\"table-wrap\"><table id=\"tables\"><caption>Every table of the warehouse</caption>"
      "<thead><tr><th scope=\"col\">table</th><th scope=\"col\" class=\"num\">rows</th>"
      "<th scope=\"col\" class=\"num\">columns</th></tr></thead><tbody>\n";
  run_guarded(*session, [&] {
    for (const auto& name : table_names(session->handle())) {
      Statement count(session->handle(), "SELECT count(*) FROM " + quote_identifier(name));
      count.step();
      const auto info = TableInfo::read(session->handle(), name);
      html += "<tr><td><a href=\"/tables/" + esc(url_encode(name)) + "\">" + esc(name) + "</a></td><td class=\"num\">" +
              std::to_string(count.column_int64(0)) + "</td><td class=\"num\">" + std::to_string(info.columns.size()) +
              "</td></tr>\n";
    }
  });
  html += "</tbody></table></div>\n" + page_end();
  Response r;
  r.body = std::move(html);
  r.cacheable = true;
  return r;
}

Response table_rows(Context& ctx, const Request& req, std::string_view path_name, std::string_view format) {
  auto session = ctx.pool.acquire();
  // /tables/x.csv is table "x.csv" when there is one, else table x as CSV.
  std::string_view name = path_name;
  const auto tables = table_names(session->handle());
  auto exists = [&](std::string_view n) { return std::find(tables.begin(), tables.end(), n) != tables.end(); };
  if (format.empty() && !exists(name)) {
    for (std::string_view ext : {"csv", "jsonl", "json", "md"}) {
      if (name.size() > ext.size() + 1 && name.ends_with(ext) && name[name.size() - ext.size() - 1] == '.') {
        format = ext;
        name = name.substr(0, name.size() - ext.size() - 1);
        break;
      }
    }
  }
  if (!exists(name)) throw HttpError(404, "no table called '" + shown_for_message(name) + "'");
  const bool download = !format.empty() && format != "api";
  TableQuery q = plan(session->handle(), name, req, !download);
  Response r;

  if (download) {
    // Every filtered row, however many: streamed as it is read, not held.
    RenderOptions ro;
    ro.format = format == "md" ? Format::markdown : parse_format(format);
    const std::string* bom = req.param("_bom");
    ro.bom = format == "csv" && bom && !bom->empty() && *bom != "0";
    struct Download {
      WarehousePool::Lease session;
      TableQuery query;
      RenderOptions render;
    };
    auto state = std::make_shared<Download>(Download{std::move(session), std::move(q), ro});
    r.content_type = content_type_for(format);
    r.headers.emplace_back("Content-Disposition", attachment(state->query.info.name, format));
    r.stream = [state](std::ostream& out) {
      Session& s = *state->session;
      Statement st(s.handle(), state->query.sql);
      for (std::size_t i = 0; i < state->query.values.size(); ++i)
        bind(st, static_cast<int>(i + 1), state->query.values[i]);
      SqliteCursor cursor(st.get());
      run_guarded(s, [&] { render(cursor, out, state->render); });
    };
    return r;
  }

  Statement st(session->handle(), q.sql);
  for (std::size_t i = 0; i < q.values.size(); ++i) bind(st, static_cast<int>(i + 1), q.values[i]);
  SqliteCursor cursor(st.get());
  r.cacheable = true;

  const std::uint64_t size = page_size(req);
  LimitedCursor page(cursor, size, q.key_columns, q.rowid_key);
  std::vector<std::pair<std::string, std::string>> base = q.filters;
  if (const std::string* s = req.param("_size"); s && !s->empty()) base.emplace_back("_size", *s);

  if (format == "api") {
    std::ostringstream rows;
    RenderOptions ro;
    ro.format = Format::json;
    run_guarded(*session, [&] { render(page, rows, ro); });
    std::string rendered = std::move(rows).str();
    while (!rendered.empty() && rendered.back() == '\n') rendered.pop_back();
    r.content_type = "application/json; charset=utf-8";
    r.body =
        "{\"table\":" + json_string(q.info.name) + ",\"rows\":" + (rendered.empty() ? "[]" : rendered) + ",\"next\":";
    if (page.truncated()) {
      auto next = base;
      next.emplace_back("_after", page.last_key_json());
      r.body += json_string(page.last_key_json()) +
                ",\"next_url\":" + json_string("/api/tables/" + url_encode(q.info.name) + query_string(next));
    } else {
      r.body += "null,\"next_url\":null";
    }
    r.body += "}\n";
    return r;
  }

  QueryResult result;
  run_guarded(*session, [&] { result = QueryResult::fetch(page); });
  std::string html = page_start(q.info.name, {{"Report", "/"}, {"Tables", "/tables"}, {q.info.name, ""}});
  html += "<h1>Table <code>" + esc(q.info.name) + "</code></h1>\n";
  html += "<form id=\"filters\" method=\"get\" action=\"/tables/" + esc(url_encode(q.info.name)) +
          "\"><fieldset><legend>Filter</legend><p class=\"help\">Text matches anywhere (ignoring case of A–Z); numbers "
          "match exactly.</p><div class=\"filters\">";
  for (const auto& c : q.info.columns) {
    if (page_parameter(c.name)) continue;  // its name is the page's own (_size, _after, ...)
    const std::string id = "filter-" + c.name;
    const std::string* v = req.param(c.name);
    html += "<div class=\"field\"><label for=\"" + esc(id) + "\">" + esc(c.name) +
            "</label><input type=\"text\" id=\"" + esc(id) + "\" name=\"" + esc(c.name) + "\" value=\"" +
            esc(v ? *v : "") + "\"" + (numeric(c) ? " inputmode=\"decimal\"" : "") + "></div>";
  }
  html += "</div><button type=\"submit\">Filter</button> <a href=\"/tables/" + esc(url_encode(q.info.name)) +
          "\">clear</a></fieldset></form>\n";
  const bool first_page = !req.param("_after") || req.param("_after")->empty();
  html += "<p class=\"count\">" + std::to_string(result.rows.size()) + (result.rows.size() == 1 ? " row" : " rows") +
          (first_page ? "" : " after the previous page") + (page.truncated() ? "; more follow" : "") + "</p>\n";
  TableOptions to;
  to.id = "rows";
  to.caption = "Rows of " + q.info.name;
  append_result_table(html, result, to);
  html += "<nav class=\"pager\" aria-label=\"pages\">";
  if (!first_page)
    html += "<a href=\"/tables/" + esc(url_encode(q.info.name)) + esc(query_string(base)) + "\">first page</a> ";
  if (page.truncated()) {
    auto next = base;
    next.emplace_back("_after", page.last_key_json());
    html +=
        "<a rel=\"next\" href=\"/tables/" + esc(url_encode(q.info.name)) + esc(query_string(next)) + "\">next page</a>";
  }
  html += "</nav>\n<nav class=\"downloads\" aria-label=\"downloads\"><h2>Download the filtered rows</h2><ul>";
  const std::string qs = query_string(q.filters);
  for (auto [ext, label] : {std::pair{"csv", "CSV"}, {"json", "JSON"}, {"jsonl", "JSON Lines"}, {"md", "Markdown"}})
    html += "<li><a download href=\"/tables/" + esc(url_encode(q.info.name)) + "." + ext + esc(qs) + "\">" + label +
            "</a></li>";
  html += "</ul></nav>\n" + page_end();
  r.body = std::move(html);
  return r;
}

}  // namespace aigc::web
