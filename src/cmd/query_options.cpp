#include "cmd/query_options.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "base/error.h"
#include "postgres/pg_engine.h"

namespace aigc::cmd {

void add_format_option(CLI::App* sub, OutputFlags& flags, const std::string& default_format) {
  flags.format = default_format;
  sub->add_option("-f,--format", flags.format, "Output format: table, csv, json, jsonl (JSON Lines) or markdown (md)")
      ->default_str(default_format);
  sub->add_option("--null", flags.null_text,
                  "Table and markdown: show NULL as TEXT (default NULL; csv leaves the field empty, json writes null)")
      ->default_str("NULL");
}

void add_csv_options(CLI::App* sub, OutputFlags& flags) {
  sub->add_flag("--bom", flags.bom, "CSV: start with a UTF-8 byte-order mark, so Excel on Chinese Windows reads UTF-8");
  sub->add_flag("--excel-safe", flags.excel_safe,
                "CSV: prefix ' to text starting with = + - @ TAB or CR so a spreadsheet never runs it as a formula "
                "(numbers such as -5 are left alone)");
  sub->add_flag("--crlf", flags.crlf, "CSV: end lines with CRLF (RFC 4180) instead of LF");
}

void add_param_option(CLI::App* sub, std::vector<std::string>& params) {
  sub->add_option("-p,--param", params, "Set a query parameter: NAME=VALUE (repeatable; bound, never pasted into SQL)")
      ->allow_extra_args(false);
}

void add_queries_option(CLI::App* sub, std::string& dir) {
  sub->add_option("--queries", dir,
                  "Directory of saved queries (NAME.sql) to use instead of the built-in ones (default: "
                  "$AIGC_QUERIES if set)");
}

RenderOptions render_options(const OutputFlags& flags) {
  RenderOptions r;
  r.format = parse_format(flags.format);
  r.bom = flags.bom;
  r.excel_safe = flags.excel_safe;
  r.crlf = flags.crlf;
  r.null_text = flags.null_text;
  return r;
}

void add_server_options(CLI::App* sub, ServerFlags& flags) {
  auto* on = sub->add_option("--on", flags.on,
                             "Run on this PostgreSQL server instead of the warehouse file: a postgresql:// URL or a "
                             "libpq keyword string (PGHOST, PGUSER, PGPASSWORD, ~/.pgpass and sslmode apply as in "
                             "psql); the tables are those 'aigc publish' wrote");
  sub->add_option("--schema", flags.schema, "With --on: the schema holding the published warehouse")
      ->default_str("aigc")
      ->needs(on);
}

std::unique_ptr<PgConnection> open_server(const ServerFlags& flags, Access access, std::optional<int> timeout_ms) {
  if (flags.schema.empty()) throw UsageError("--schema needs a name");
  PgSessionOptions session;
  session.schema = flags.schema;
  session.timeout_ms = timeout_ms;
  return PgConnection::open(flags.on, access, session);
}

int stdout_terminal_width() {
  if (!::isatty(STDOUT_FILENO)) return 0;
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* c = std::getenv("COLUMNS"); c && *c) {
    // strtol, not atoi: a huge value must not overflow an int.
    char* end = nullptr;
    const long n = std::strtol(c, &end, 10);
    if (*end == '\0' && n > 0) return static_cast<int>(std::min(n, 10000L));
  }
  return 80;
}

int terminal_width_for(const std::ostream& out) { return &out == &std::cout ? stdout_terminal_width() : 0; }

}  // namespace aigc::cmd
