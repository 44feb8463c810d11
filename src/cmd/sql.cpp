// aigc sql: runs ad-hoc SQL against the warehouse, read-only unless --write.
#include <unistd.h>

#include <iostream>
#include <iterator>
#include <memory>

#include "cmd/commands.h"
#include "cmd/query_options.h"
#include "core/error.h"
#include "core/output_file.h"
#include "core/render.h"
#include "core/sql_guard.h"
#include "core/sql_script.h"

namespace aigc::cmd {

namespace {

struct SqlCommandOptions {
  std::string sql = "-";
  OutputFlags out;
  std::string output;
  bool write = false;
  double timeout = 0;
};

std::string read_sql(const std::string& arg) {
  if (arg != "-") return arg;
  if (::isatty(STDIN_FILENO))
    throw UsageError("give the SQL as an argument or on standard input (for an interactive session: aigc shell)");
  std::string text(std::istreambuf_iterator<char>(std::cin), {});
  if (std::cin.bad()) throw DataError("cannot read SQL from standard input");
  return text;
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
  sub->add_option("--timeout", opts->timeout, "Stop a statement that runs longer than SECONDS (default: no limit)");
  sub->footer(R"(Statements run in order; each one that returns rows is printed. The first
failing statement stops the run (exit status 1) and is named in the message,
with its number and line; the statements after it do not run.

Without --write the warehouse is opened read-only and anything that could
change it or touch another file is refused: INSERT, UPDATE, DELETE, CREATE,
DROP, ALTER, ATTACH, VACUUM (also VACUUM INTO), PRAGMAs that set a value,
and load_extension() (refused even with --write).

Examples:
  aigc sql "SELECT name_zh, name_en FROM firm ORDER BY firm_id LIMIT 5"
  aigc sql --format csv -o firms.csv "SELECT * FROM firm"
  aigc sql < exploration.sql
  aigc sql --write "UPDATE pricing SET source_note = 'checked 2024-05' WHERE product_id = 'wenxin'"
  aigc sql --timeout 5 "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c"
)");
  sub->callback([opts, &global, sub] {
    ScriptOptions so;
    so.render = render_options(opts->out);
    const auto timeout = timeout_from_seconds(opts->timeout);
    const auto warehouse = resolve_warehouse_path(global.db);
    const bool to_stdout = sub->count("--output") == 0 || opts->output == "-";
    if (!to_stdout) check_output_path(opts->output, warehouse);  // before the warehouse is opened (or built)
    const std::string sql = read_sql(opts->sql);
    GuardedConnection conn(warehouse, opts->write ? Access::read_write : Access::read_only);
    conn.set_timeout(timeout);
    if (to_stdout) {
      if (so.render.format == Format::table) so.render.max_width = stdout_terminal_width();
      run_script(conn, sql, std::cout, so);
      std::cout.flush();
    } else {
      OutputFile file(opts->output, warehouse, &std::cout);
      run_script(conn, sql, file.stream(), so);
      file.commit();
    }
  });
}

}  // namespace aigc::cmd
