// aigc sql: runs ad-hoc SQL against the warehouse, read-only unless --write.
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "base/environment.h"
#include "base/error.h"
#include "base/output_file.h"
#include "cmd/commands.h"
#include "cmd/query_options.h"
#include "postgres/pg_engine.h"
#include "query/sql_guard.h"
#include "query/sql_script.h"
#include "render/render.h"

namespace aigc::cmd {

namespace {

/// Standard input is read one statement at a time (see run_script_stream),
/// so `yes 'SELECT 1;' | aigc sql` runs in constant memory.
void check_stdin_is_not_a_terminal() {
  if (::isatty(STDIN_FILENO))
    throw UsageError("give the SQL as an argument or on standard input (for an interactive session: aigc shell)");
}

ScriptSummary run_statements(GuardedConnection& conn, const std::string& sql, std::ostream& out,
                             const ScriptOptions& so) {
  if (sql == "-") return run_script_stream(conn, std::cin, "standard input", out, so);
  return run_script(conn, sql, out, so);
}

/// The statements of `sql` on PostgreSQL, one by one, each result rendered
/// as run_script renders SQLite's. The server splits nothing: the
/// statements are split here (postgres/pg_sql.h), so that each is named in
/// a message as run_script names SQLite's.
void run_on_server(PgConnection& pg, std::string_view sql, std::ostream& out, const ScriptOptions& so) {
  std::size_t pos = 0, line = 1, ordinal = 1, results = 0;
  while (pos < sql.size()) {
    const std::string_view rest = sql.substr(pos);
    StatementInfo info;
    info.ordinal = ordinal;
    const std::size_t start = std::min(rest.find_first_not_of(" \t\r\n;"), rest.size());
    info.line =
        line + static_cast<std::size_t>(std::count(rest.begin(), rest.begin() + static_cast<long>(start), '\n'));
    std::string_view after;
    std::unique_ptr<engine::Cursor> cursor;
    try {
      cursor = pg.prepare_first(rest, after);
    } catch (const DataError& e) {
      info.text = std::string(rest.substr(start, rest.find(';', start) - start));
      throw StatementError(std::move(info), e.what(), StopCause::none);
    }
    const std::size_t consumed = rest.size() - after.size();
    info.text = std::string(rest.substr(start, consumed > start ? consumed - start : 0));
    while (!info.text.empty() && (info.text.back() == ';' || info.text.back() == ' ' || info.text.back() == '\n'))
      info.text.pop_back();
    line += static_cast<std::size_t>(std::count(rest.begin(), rest.begin() + static_cast<long>(consumed), '\n'));
    pos += consumed;
    if (!cursor) break;
    ++ordinal;
    try {
      if (cursor->column_count() > 0) {
        if (results > 0 && (so.render.format == Format::table || so.render.format == Format::markdown)) out << "\n";
        render(*cursor, out, so.render);
        ++results;
      } else {
        while (cursor->step()) {
        }
      }
    } catch (const DataError& e) {
      const std::string reason = e.what();
      const bool timed_out = reason.find("statement timeout") != std::string::npos;
      throw StatementError(std::move(info), reason, timed_out ? StopCause::timed_out : StopCause::none);
    }
  }
}

void run_sql_on_server(const SqlCommandOptions& options, std::ostream& out, const ScriptOptions& so,
                       std::chrono::milliseconds timeout) {
  const bool to_stdout = !options.output || *options.output == "-";
  if (!to_stdout) check_output_path(*options.output, {});
  std::string sql = options.sql;
  if (sql == "-") {
    check_stdin_is_not_a_terminal();
    std::ostringstream text;
    text << std::cin.rdbuf();
    sql = text.str();
  }
  std::optional<int> timeout_ms;
  if (timeout.count() > 0) timeout_ms = static_cast<int>(std::min<long long>(timeout.count(), 2147483647));
  auto pg = open_server(options.server, options.write ? Access::read_write : Access::read_only, timeout_ms);
  ScriptOptions render_so = so;
  if (to_stdout) {
    if (render_so.render.format == Format::table) render_so.render.max_width = terminal_width_for(out);
    run_on_server(*pg, sql, out, render_so);
    out.flush();
    return;
  }
  OutputFile file(*options.output, {}, &out);
  run_on_server(*pg, sql, file.stream(), render_so);
  file.commit();
}

}  // namespace

void setup_sql(CLI::App& app, GlobalOptions& global) {
  auto opts = std::make_shared<SqlCommandOptions>();
  auto* sub = app.add_subcommand("sql", "Run SQL against the warehouse (read-only unless --write)");
  sub->add_option("sql", opts->sql, "SQL text, one statement or several separated by ';'; - or none: standard input");
  add_format_option(sub, opts->out, "table");
  sub->add_option("-o,--output", opts->output,
                  "Write to FILE instead of standard output (- is standard output; complete or not at all: replaced "
                  "only when every statement succeeded; a device or pipe is written in place; never the warehouse)");
  add_csv_options(sub, opts->out);
  sub->add_flag("--write", opts->write, "Allow statements that change the warehouse (INSERT, CREATE, ATTACH, ...)");
  sub->add_option(
      "--timeout", opts->timeout,
      "Stop a statement that runs longer than SECONDS, a positive number such as 5 or 0.5 (default: no limit)");
  add_server_options(sub, opts->server);
  sub->footer(R"(Statements run in order; each one that returns rows is printed. The first
failing statement stops the run (exit status 1) and is named in the message,
with its number and line; the statements after it do not run.

Without --write the warehouse is opened read-only and anything that could
change it or touch another file is refused: INSERT, UPDATE, DELETE, CREATE,
DROP, ALTER, ATTACH, VACUUM, PRAGMAs that set a value. Refused even with
--write: VACUUM INTO, load_extension(), fts3_tokenizer(), and setting
trusted_schema, temp_store_directory or data_store_directory.

Table output sizes its columns on the first 1,000 rows, then streams the
rest (a longer text is cut with "..."); csv and json show every value.
SQL from standard input runs one statement at a time (at most 1 MiB each).

Examples:
  aigc sql "SELECT name_zh, name_en FROM firm ORDER BY firm_id LIMIT 5"
  aigc sql --format csv -o firms.csv "SELECT * FROM firm"
  aigc sql < exploration.sql
  aigc sql --write "UPDATE pricing SET source_note = 'checked 2024-05' WHERE product_id = 'wenxin'"
  aigc sql --timeout 5 "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c"
)");
  sub->callback([opts, &global] { run_sql(*opts, global, std::cout); });
}

void run_sql(const SqlCommandOptions& options, const GlobalOptions& global, std::ostream& out) {
  ScriptOptions so;
  so.render = render_options(options.out);
  const auto timeout = options.timeout ? timeout_from_text(*options.timeout) : std::chrono::milliseconds(0);
  if (options.server.on_server()) {
    run_sql_on_server(options, out, so, timeout);
    return;
  }
  const auto warehouse = resolve_warehouse_path(global.db);
  const bool to_stdout = !options.output || *options.output == "-";
  if (!to_stdout) check_output_path(*options.output, warehouse);  // before the warehouse is opened (or built)
  if (options.sql == "-") check_stdin_is_not_a_terminal();
  GuardedConnection conn(warehouse, options.write ? Access::read_write : Access::read_only);
  conn.set_timeout(timeout);
  if (to_stdout) {
    if (so.render.format == Format::table) so.render.max_width = terminal_width_for(out);
    run_statements(conn, options.sql, out, so);
    out.flush();
    conn.finish_session();
  } else {
    OutputFile file(*options.output, warehouse, &out);
    run_statements(conn, options.sql, file.stream(), so);
    file.commit();
    conn.finish_session();
  }
}

}  // namespace aigc::cmd
