#pragma once
/// Options shared by the commands that run saved queries and print rows
/// (queries, run, export): declared once so every command spells and
/// documents them the same way.
#include <CLI/CLI.hpp>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/access.h"
#include "render/render.h"

namespace aigc {
class PgConnection;
}

namespace aigc::cmd {

/// --on URL and --schema NAME: run on a PostgreSQL server instead of the
/// SQLite warehouse (issue 15).
struct ServerFlags {
  std::string on;               ///< a postgresql:// URL or libpq keyword string; empty: the SQLite warehouse
  std::string schema = "aigc";  ///< the schema `aigc publish` wrote; search_path is set to it
  bool on_server() const noexcept { return !on.empty(); }
};

/// --on URL and --schema NAME (which needs --on).
void add_server_options(CLI::App* sub, ServerFlags& flags);
/// Connects to the server --on names, with search_path set to --schema
/// (which must exist). Throws DataError without ever showing a password.
std::unique_ptr<PgConnection> open_server(const ServerFlags& flags, Access access,
                                          std::optional<int> timeout_ms = std::nullopt);

/// The output options as given on the command line.
struct OutputFlags {
  std::string format;
  bool bom = false;
  bool excel_safe = false;
  bool crlf = false;
  std::string null_text = "NULL";  ///< --null: how table and markdown show NULL
};

/// --format FORMAT (default `default_format`) and --null TEXT.
void add_format_option(CLI::App* sub, OutputFlags& flags, const std::string& default_format);
/// --bom, --excel-safe and --crlf, for output meant for spreadsheets.
void add_csv_options(CLI::App* sub, OutputFlags& flags);
/// -p,--param NAME=VALUE, repeatable (each occurrence takes one value, so a
/// positional argument after it is not swallowed).
void add_param_option(CLI::App* sub, std::vector<std::string>& params);
/// --queries DIR.
void add_queries_option(CLI::App* sub, std::string& dir);

/// RenderOptions from the flags; throws UsageError for an unknown format.
RenderOptions render_options(const OutputFlags& flags);

/// The width of the terminal on standard output, or 0 when standard output
/// is not a terminal (then nothing is cut).
int stdout_terminal_width();

/// The width to cut a table to when it is written to `out`: that of the
/// terminal when `out` is std::cout, else 0 (a test's string stream, a file:
/// nothing is cut).
int terminal_width_for(const std::ostream& out);

}  // namespace aigc::cmd
