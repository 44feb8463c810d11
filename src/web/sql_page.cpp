// /sql and /api/sql: one read-only statement through the same guard as
// `aigc sql`, under the time limit, its rows capped at --max-rows.
#include <sstream>

#include "base/error.h"
#include "base/json.h"
#include "query/query_result.h"
#include "query/sql_script.h"
#include "render/render.h"
#include "sqlite/sqlite_engine.h"
#include "web/handlers.h"
#include "web/html.h"
#include "web/limited_cursor.h"
#include "web/run_guarded.h"

namespace aigc::web {

namespace {

constexpr std::size_t kMaxSqlBytes = 100'000;

/// Where in `sql` byte `offset` stands: 1-based line and column (in characters).
struct Position {
  std::size_t line = 1, column = 1;
  std::string line_text;
};

Position position_of(std::string_view sql, std::size_t offset) {
  Position p;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset && i < sql.size(); ++i) {
    if (sql[i] == '\n') {
      ++p.line;
      line_start = i + 1;
    }
  }
  for (std::size_t i = line_start; i < offset && i < sql.size(); ++i)
    if ((static_cast<unsigned char>(sql[i]) & 0xC0) != 0x80) ++p.column;
  const auto end = sql.find('\n', line_start);
  p.line_text = std::string(sql.substr(line_start, end == std::string_view::npos ? end : end - line_start));
  return p;
}

/// A statement the guard or SQLite refused, with where it went wrong.
class SqlError : public HttpError {
 public:
  SqlError(const std::string& message, std::optional<Position> where)
      : HttpError(400, with_position(message, where), "q"), reason_(message), where_(std::move(where)) {}
  /// The message without the position.
  const std::string& reason() const noexcept { return reason_; }
  const std::optional<Position>& where() const noexcept { return where_; }

 private:
  static std::string with_position(const std::string& message, const std::optional<Position>& where) {
    if (!where) return message;
    return message + " (at line " + std::to_string(where->line) + ", column " + std::to_string(where->column) + ")";
  }
  std::string reason_;
  std::optional<Position> where_;
};

/// The guard's message, with its hint for the command line (--write) replaced by the server's situation.
std::string for_the_server(std::string message) {
  const std::string hint = "(" + std::string(GuardedConnection::write_hint) + ")";
  if (const auto at = message.find(hint); at != std::string::npos)
    message.replace(at, hint.size(), "(this server only reads)");
  return message;
}

const char* const kExamples[] = {
    "SELECT name_zh, name_en FROM firm ORDER BY firm_id LIMIT 10",
    "SELECT part, count(*) AS pages FROM report_section GROUP BY part",
    "SELECT pricing_id, product_id, price_min, price_max, currency, unit FROM pricing WHERE price_min IS NOT NULL",
};

std::string seconds_text(std::chrono::milliseconds d) {
  const auto ms = d.count();
  std::string s = std::to_string(ms / 1000);
  if (ms % 1000) {
    std::string frac = std::to_string(1000 + ms % 1000).substr(1);
    while (frac.back() == '0') frac.pop_back();
    s += "." + frac;
  }
  return s;
}

}  // namespace

Response sql_page(Context& ctx, const Request& req, std::string_view format) {
  const bool api = format == "api";
  const std::string* q = req.param("q");
  const std::string sql = q ? *q : "";
  if (sql.size() > kMaxSqlBytes)
    throw HttpError(413, "the SQL is " + std::to_string(sql.size()) + " bytes; at most " + std::to_string(kMaxSqlBytes),
                    "q");

  std::optional<QueryResult> result;
  std::string rendered;
  bool truncated = false;
  std::optional<SqlError> failure;
  if (!is_blank_sql(sql)) {
    auto session = ctx.pool.acquire();
    GuardedConnection& conn = session->connection();
    try {
      run_guarded(*session, [&] {
        std::size_t consumed = 0;
        Statement st;
        try {
          st = conn.prepare(sql, &consumed);
        } catch (const DataError& e) {
          const int offset = sqlite3_error_offset(conn.handle());
          std::optional<Position> where;
          if (offset >= 0) where = position_of(sql, static_cast<std::size_t>(offset));
          throw SqlError(for_the_server(e.what()), where);
        }
        if (!is_blank_sql(std::string_view(sql).substr(consumed)))
          throw SqlError("one statement at a time: more SQL follows the first statement",
                         position_of(sql, skip_sql_blanks(sql, consumed)));
        SqliteCursor cursor(st.get());
        LimitedCursor limited(cursor, ctx.options.max_rows);
        try {
          if (api) {
            std::ostringstream out;
            RenderOptions ro;
            ro.format = Format::json;
            render(limited, out, ro);
            rendered = std::move(out).str();
          } else {
            result = QueryResult::fetch(limited);
          }
        } catch (const DataError& e) {
          if (conn.stop_cause() == StopCause::timed_out) throw;
          throw SqlError(for_the_server(conn.explain_failure(e.what())), std::nullopt);
        }
        truncated = limited.truncated();
        if (!sqlite3_get_autocommit(conn.handle())) {
          sqlite3_exec(conn.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
          throw SqlError("transactions are not available here: each request reads on its own (rolled back)",
                         std::nullopt);
        }
      });
    } catch (SqlError& e) {
      if (api) throw;
      failure = std::move(e);
    }
  }

  if (api) {
    if (is_blank_sql(sql)) throw HttpError(400, "give the SQL in q: /api/sql?q=SELECT+1", "q");
    while (!rendered.empty() && rendered.back() == '\n') rendered.pop_back();
    Response r;
    r.content_type = "application/json; charset=utf-8";
    r.body = "{\"rows\":" + (rendered.empty() ? std::string("[]") : rendered) +
             ",\"truncated\":" + (truncated ? "true" : "false") +
             ",\"max_rows\":" + std::to_string(ctx.options.max_rows) + "}\n";
    return r;
  }

  std::string html = page_start("SQL", {{"Report", "/"}, {"SQL", ""}});
  html += "<h1>SQL</h1>\n<p class=\"help\">One read-only statement; it stops after " +
          seconds_text(ctx.options.timeout) + " s and shows at most " + std::to_string(ctx.options.max_rows) +
          " rows. Tables: <a href=\"/tables\">list</a>.</p>\n";
  html +=
      "<form id=\"sql-form\" method=\"get\" action=\"/sql\"><label for=\"q\">Statement</label>"
      "<textarea id=\"q\" name=\"q\" rows=\"6\" spellcheck=\"false\"";
  if (failure) html += " aria-invalid=\"true\" aria-describedby=\"sql-error\"";
  html += ">" + esc(sql) + "</textarea><button type=\"submit\">Run</button></form>\n";
  Response r;
  if (failure) {
    r.status = 400;
    html += "<pre class=\"sql-error\" id=\"sql-error\" role=\"alert\">" + esc(failure->reason());
    if (const auto& w = failure->where()) {
      html += "\nat line " + std::to_string(w->line) + ", column " + std::to_string(w->column) + ":\n";
      html += esc(w->line_text) + "\n" + std::string(w->column - 1, ' ') + "^";
    }
    html += "</pre>\n";
  } else if (result) {
    html += "<p class=\"count\">" + std::to_string(result->rows.size()) +
            (result->rows.size() == 1 ? " row" : " rows") +
            (truncated
                 ? " shown; the result has more (the server shows at most " + std::to_string(ctx.options.max_rows) + ")"
                 : "") +
            "</p>\n";
    TableOptions to;
    to.caption = "Result";
    append_result_table(html, *result, to);
    html += "<nav class=\"downloads\" aria-label=\"downloads\"><ul><li><a href=\"/api/sql?q=" + esc(url_encode(sql)) +
            "\">JSON</a></li></ul></nav>\n";
  } else {
    html += "<h2>Examples</h2><ul class=\"examples\">";
    for (const char* e : kExamples)
      html += "<li><a href=\"/sql?q=" + esc(url_encode(e)) + "\"><code>" + esc(e) + "</code></a></li>";
    html += "</ul>\n";
  }
  html += page_end();
  r.body = std::move(html);
  return r;
}

}  // namespace aigc::web
